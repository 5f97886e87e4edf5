/**
 * Plugins (CreatePlugin … DescribeAllPluginApis) through the official SDK: each type's
 * PluginData format and its codes, attaching to APIs per environment (one plugin of a class
 * per API and environment), listings; failed actions change nothing; the gateway view.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../src/events.js";
import { ipControlAllows, loadApiPolicies } from "../src/resources/bindings.js";
import { checkPluginData } from "../src/resources/pluginData.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

let s: TestServer;
let c: ApigatewayClient;
const scope = () => ({ appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" });

beforeAll(async () => {
  s = await startTestServer();
  c = s.client();
});
afterAll(() => s.close());

async function serviceWithApis(n: number, name = "plugin_svc") {
  const serviceId = (await c.CreateService({ ServiceName: name, Protocol: "http" })).ServiceId!;
  const apiIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.CreateApi({
      ServiceId: serviceId,
      ApiName: `api_${i}`,
      ApiDesc: `desc ${i}`,
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "ok",
      ServiceTimeout: 15,
      Protocol: "HTTP",
      AuthType: "NONE",
      RequestConfig: { Path: `/p${i}`, Method: "GET" },
    });
    apiIds.push(r.Result!.ApiId!);
  }
  return { serviceId, apiIds };
}

const DATA = {
  IPControl: { type: "white_list", blocks: "10.0.0.0/8\n192.168.1.1;2001:db8::/32" },
  TrafficControl: {
    expire_type: "minute",
    expire: 1,
    api_rate_limit: 500,
    app_rate_limit: 10,
    ip_rate_limit: 2,
    spec_app_rate_limits: [{ app_id: "app-3q9l4909", rate_limit: 10 }],
    spec_ip_rate_limits: [{ ip_key: "172.16.0.1", rate_limit: 10 }],
  },
  Cors: { allow_origin: ["**"], allow_methods: ["PUT", "GET", "POST", "DELETE", "HEAD"], allow_headers: ["X-Api-ID"], expose_headers: ["X-Api-ID"], allow_credentials: true, max_age: 600 },
  CustomReq: { headers: { set: { "X-From": "gw" }, remove: ["Cookie"], rename: { "X-Old": "X-New" } }, queries: { remove: ["debug"] } },
  CustomAuth: { url: "https://auth.example.com/verify", method: "POST", timeout: 5, cache_key: ["header.authorization"], cache_ttl: 60 },
  TrafficControlByParameter: {
    default_window: 60,
    default_rate_limit: 5,
    strategies: [{ name: "a", strategy_weight: 0, parameters: [{ type: "query", name: "a" }], rate_limit: 1, window: 1, condition: "" }],
  },
  Routing: { anything: ["goes"] },
  CircuitBreaker: {},
  ProxyCache: { cache_ttl: 60 },
} as const;

const create = (type: string, data: unknown, name = `p_${type}`) =>
  c.CreatePlugin({ PluginName: name, PluginType: type, PluginData: typeof data === "string" ? data : JSON.stringify(data) });

describe("PluginData formats", () => {
  it("accepts the documented example of every type and describes it back as given", async () => {
    for (const [type, data] of Object.entries(DATA)) {
      const created = (await create(type, data)).Result;
      expect(created.PluginId).toMatch(/^plugin-[0-9a-z]{8}$/);
      expect(created).toMatchObject({ PluginType: type, PluginData: JSON.stringify(data), Description: "", AttachedApiTotalCount: 0, AttachedApis: [] });
      expect(created.CreatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const ipControl = checkPluginData("IPControl", JSON.stringify({ type: "black_list", blocks: "1.1.1.12" }));
    expect(ipControl.type === "IPControl" && ipControl.data.mode).toBe("black");
    const tc = checkPluginData("TrafficControl", JSON.stringify(DATA.TrafficControl));
    expect(tc.type === "TrafficControl" && tc.data.windowSeconds).toBe(60);
    const cors = checkPluginData("Cors", JSON.stringify({ allow_origin: ["https://a.example.com:8443"], allow_methods: ["get"], max_age: 1 }));
    expect(cors.type === "Cors" && [cors.data.allow_methods, cors.data.allow_headers, cors.data.allow_credentials]).toEqual([["GET"], [], false]);
  });

  it("answers each documented code naming the field, and creates nothing", async () => {
    const before = (await c.DescribePlugins({ Limit: 100 })).Result!.TotalCount;
    const cases: Array<[string, unknown, string, string]> = [
      ["IPControl", "{not json", "InvalidParameterValue.InvalidPluginConfig", "PluginData"],
      ["IPControl", "[1,2]", "InvalidParameterValue.InvalidPluginConfig", "PluginData"],
      ["IPControl", { type: "white_list" }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.blocks"],
      ["IPControl", { type: "grey_list", blocks: "1.1.1.1" }, "InvalidParameterValue.NotInOptions", "PluginData.type"],
      ["IPControl", { type: "white_list", blocks: "1.1.1.1;300.1.1.1" }, "InvalidParameterValue.InvalidPluginConfig", "300.1.1.1"],
      ["TrafficControl", { ...DATA.TrafficControl, expire_type: "week" }, "InvalidParameterValue.NotInOptions", "PluginData.expire_type"],
      ["TrafficControl", { ...DATA.TrafficControl, api_rate_limit: 0 }, "InvalidParameterValue.RangeExceeded", "PluginData.api_rate_limit"],
      ["TrafficControl", { ...DATA.TrafficControl, api_rate_limit: "500" }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.api_rate_limit"],
      [
        "TrafficControl",
        { ...DATA.TrafficControl, spec_app_rate_limits: Array.from({ length: 31 }, (_, i) => ({ app_id: `app-${i}`, rate_limit: 1 })) },
        "InvalidParameterValue.RangeExceeded",
        "PluginData.spec_app_rate_limits",
      ],
      [
        "TrafficControl",
        { ...DATA.TrafficControl, spec_ip_rate_limits: [{ ip_key: "1.1.1.1", rate_limit: 1 }, { ip_key: "1.1.1.1", rate_limit: 2 }] },
        "InvalidParameterValue.DuplicatePluginConfig",
        "PluginData.spec_ip_rate_limits",
      ],
      ["Cors", { ...DATA.Cors, allow_methods: ["GET", "TRACE"] }, "InvalidParameterValue.NotInOptions", "PluginData.allow_methods.1"],
      ["Cors", { ...DATA.Cors, allow_origin: ["example.com"] }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.allow_origin.0"],
      ["Cors", { ...DATA.Cors, max_age: undefined }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.max_age"],
      ["CustomReq", {}, "InvalidParameterValue.InvalidPluginConfig", "PluginData"],
      ["CustomReq", { headers: { set: { "bad header": "x" } } }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.headers.set"],
      ["CustomAuth", { url: "ftp://x" }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.url"],
      ["CustomAuth", { url: "http://auth", timeout: 1801 }, "InvalidParameterValue.RangeExceeded", "PluginData.timeout"],
      ["CustomAuth", { url: "http://auth", cache_ttl: 30 }, "InvalidParameterValue.InvalidPluginConfig", "PluginData.cache_key"],
      [
        "TrafficControlByParameter",
        { ...DATA.TrafficControlByParameter, strategies: [DATA.TrafficControlByParameter.strategies[0], { ...DATA.TrafficControlByParameter.strategies[0], strategy_weight: 1 }] },
        "InvalidParameterValue.DuplicatePluginConfig",
        "PluginData.strategies",
      ],
      [
        "TrafficControlByParameter",
        { ...DATA.TrafficControlByParameter, strategies: Array.from({ length: 11 }, (_, i) => ({ ...DATA.TrafficControlByParameter.strategies[0], name: `s${i}`, strategy_weight: i })) },
        "InvalidParameterValue.RangeExceeded",
        "PluginData.strategies",
      ],
      [
        "TrafficControlByParameter",
        { ...DATA.TrafficControlByParameter, strategies: [{ ...DATA.TrafficControlByParameter.strategies[0], parameters: [{ type: "cookie", name: "a" }] }] },
        "InvalidParameterValue.NotInOptions",
        "PluginData.strategies.0.parameters.0.type",
      ],
      [
        "TrafficControlByParameter",
        { ...DATA.TrafficControlByParameter, strategies: [{ ...DATA.TrafficControlByParameter.strategies[0], strategy_weight: 101 }] },
        "InvalidParameterValue.RangeExceeded",
        "PluginData.strategies.0.strategy_weight",
      ],
      ["Routing", "42", "InvalidParameterValue.InvalidPluginConfig", "PluginData"],
    ];
    for (const [type, data, code, field] of cases) {
      const e = await sdkError(() => create(type, data));
      expect([type, e.code]).toEqual([type, code]);
      expect(e.message).toContain(field);
    }
    expect((await c.DescribePlugins({ Limit: 100 })).Result!.TotalCount).toBe(before);
  });

  it("checks PluginName, PluginType and Description", async () => {
    for (const name of ["a", "1abc", "abc_", "has space", "x".repeat(51)]) {
      const e = await sdkError(() => c.CreatePlugin({ PluginName: name, PluginType: "Cors", PluginData: JSON.stringify(DATA.Cors) }));
      expect([name, e.code]).toEqual([name, "InvalidParameter.FormatError"]);
      expect(e.message).toContain("PluginName");
    }
    // The cloud's own tooling names plugins with dashes.
    expect((await c.CreatePlugin({ PluginName: "tf-example", PluginType: "Cors", PluginData: JSON.stringify(DATA.Cors) })).Result.PluginName).toBe("tf-example");
    const type = await sdkError(() => c.CreatePlugin({ PluginName: "ok1", PluginType: "Magic", PluginData: "{}" }));
    expect([type.code, type.message.includes("PluginType")]).toEqual(["InvalidParameterValue.NotInOptions", true]);
    const desc = await sdkError(() => c.CreatePlugin({ PluginName: "ok1", PluginType: "Cors", PluginData: JSON.stringify(DATA.Cors), Description: "d".repeat(201) }));
    expect([desc.code, desc.message.includes("Description")]).toEqual(["InvalidParameter.FormatError", true]);
  });
});

describe("plugin lifecycle and listings", () => {
  it("modifies name, description and data (checked against the type), describes and deletes", async () => {
    const p = (await c.CreatePlugin({ PluginName: "limiter", PluginType: "TrafficControl", PluginData: JSON.stringify(DATA.TrafficControl), Description: "first" })).Result;
    const newData = JSON.stringify({ expire_type: "second", expire: 1, api_rate_limit: 3 });
    expect((await c.ModifyPlugin({ PluginId: p.PluginId!, PluginName: "limiter2", Description: "second", PluginData: newData })).Result).toBe(true);
    const described = (await c.DescribePlugin({ PluginId: p.PluginId! })).Result!;
    expect(described).toMatchObject({ PluginId: p.PluginId, PluginName: "limiter2", Description: "second", PluginData: newData, PluginType: "TrafficControl" });

    // Data of another type, or malformed: nothing changes.
    const wrong = await sdkError(() => c.ModifyPlugin({ PluginId: p.PluginId!, PluginName: "limiter3", PluginData: JSON.stringify(DATA.Cors) }));
    expect(wrong.code).toBe("InvalidParameterValue.InvalidPluginConfig");
    expect((await sdkError(() => c.ModifyPlugin({ PluginId: p.PluginId!, PluginName: "bad name" }))).code).toBe("InvalidParameter.FormatError");
    expect((await c.DescribePlugin({ PluginId: p.PluginId! })).Result).toMatchObject({ PluginName: "limiter2", PluginData: newData });
    expect((await sdkError(() => c.ModifyPlugin({ PluginId: "plugin-00000000", PluginName: "x1" }))).code).toBe("ResourceNotFound.InvalidPlugin");

    expect((await c.DeletePlugin({ PluginId: p.PluginId! })).Result).toBe(true);
    expect((await sdkError(() => c.DescribePlugin({ PluginId: p.PluginId! }))).code).toBe("ResourceNotFound.InvalidPlugin");
    expect((await sdkError(() => c.DeletePlugin({ PluginId: p.PluginId! }))).code).toBe("ResourceNotFound.InvalidPlugin");
    // Plugins are regional.
    const other = (await create("Cors", DATA.Cors, "regional")).Result;
    expect((await sdkError(() => s.client({ region: "ap-shanghai" }).DescribePlugin({ PluginId: other.PluginId! }))).code).toBe("ResourceNotFound.InvalidPlugin");
  });

  it("DescribePlugins pages newest first and selects by ids, name and type", async () => {
    const fresh = await startTestServer();
    try {
      const fc = fresh.client();
      const make = async (name: string, type: keyof typeof DATA) =>
        (await fc.CreatePlugin({ PluginName: name, PluginType: type, PluginData: JSON.stringify(DATA[type]) })).Result.PluginId!;
      const ids = [await make("cors_a", "Cors"), await make("cors_b", "Cors"), await make("limit_a", "TrafficControl"), await make("ipc", "IPControl")];
      const first = await fc.DescribePlugins({ Limit: 3 });
      expect(first.Result?.TotalCount).toBe(4);
      expect(first.Result?.PluginSet.map((p) => p.PluginId)).toEqual([ids[3], ids[2], ids[1]]);
      expect((await fc.DescribePlugins({ Offset: 3 })).Result?.PluginSet.map((p) => p.PluginId)).toEqual([ids[0]]);
      expect((await fc.DescribePlugins({ PluginType: "Cors" })).Result?.PluginSet.map((p) => p.PluginName)).toEqual(["cors_b", "cors_a"]);
      expect((await fc.DescribePlugins({ PluginName: "_A" })).Result?.PluginSet.map((p) => p.PluginName)).toEqual(["limit_a", "cors_a"]);
      expect((await fc.DescribePlugins({ PluginIds: [ids[0]!, ids[3]!] })).Result?.PluginSet.map((p) => p.PluginId)).toEqual([ids[3], ids[0]]);
      expect((await fc.request("DescribePlugins", { OrderBy: "asc", Order: "PluginName" })).Result.PluginSet.map((p: { PluginName: string }) => p.PluginName)).toEqual([
        "cors_a",
        "cors_b",
        "ipc",
        "limit_a",
      ]);
      expect((await sdkError(() => fc.DescribePlugins({ PluginIds: [ids[0]!, "plugin-00000000"] }))).code).toBe("ResourceNotFound.InvalidPlugin");
      expect((await sdkError(() => fc.DescribePlugins({ PluginType: "Magic" }))).code).toBe("InvalidParameterValue");
      expect((await sdkError(() => fc.DescribePlugins({ Filters: [{ Name: "PluginName", Values: ["x"] }] }))).code).toBe(
        "InvalidParameterValue.InvalidFilterNotSupportedName",
      );
    } finally {
      await fresh.close();
    }
  });
});

describe("attaching plugins to APIs", () => {
  it("attaches per environment, lists attachments both ways, refuses a second plugin of a class, detaches", async () => {
    const { serviceId, apiIds } = await serviceWithApis(3, "attach_svc");
    const tc = (await create("TrafficControl", DATA.TrafficControl, "tc_attach")).Result;
    const byParam = (await create("TrafficControlByParameter", DATA.TrafficControlByParameter, "tcp_attach")).Result;
    const cors = (await create("Cors", DATA.Cors, "cors_attach")).Result;
    const ipc = (await create("IPControl", { type: "black_list", blocks: "10.0.0.0/8" }, "ipc_attach")).Result;

    const events: ChangeEvent[] = [];
    const stop = s.apigw.events.onChanged((e) => events.push(e));
    expect((await c.AttachPlugin({ PluginId: tc.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!, apiIds[1]!] })).Result).toBe(true);
    stop();
    expect(events).toEqual([{ ...scope(), serviceId }]);
    await c.AttachPlugin({ PluginId: tc.PluginId!, ServiceId: serviceId, EnvironmentName: "test", ApiIds: [apiIds[0]!] });
    await c.AttachPlugin({ PluginId: cors.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!] });
    await c.AttachPlugin({ PluginId: ipc.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!] });
    await c.AttachPlugin({ PluginId: byParam.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[2]!] });
    // Again: a no-op.
    await c.AttachPlugin({ PluginId: tc.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!] });

    // One traffic-control plugin (basic or by parameter) per API and environment; nothing of the batch is attached.
    const refused = await sdkError(() => c.AttachPlugin({ PluginId: byParam.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[1]!, apiIds[0]!] }));
    expect(refused.code).toBe("UnsupportedOperation.AttachPlugin");
    expect(refused.message).toContain(tc.PluginId!);
    const otherCors = (await create("Cors", DATA.Cors, "cors_two")).Result;
    expect((await sdkError(() => c.AttachPlugin({ PluginId: otherCors.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!] }))).code).toBe(
      "UnsupportedOperation.AttachPlugin",
    );
    await c.AttachPlugin({ PluginId: otherCors.PluginId!, ServiceId: serviceId, EnvironmentName: "prepub", ApiIds: [apiIds[0]!] });
    expect((await c.DescribePluginApis({ PluginId: byParam.PluginId! })).Result.TotalCount).toBe(1);

    const described = (await c.DescribePlugin({ PluginId: tc.PluginId! })).Result!;
    expect(described.AttachedApiTotalCount).toBe(3);
    expect(described.AttachedApis!.map((a) => [a.ApiId, a.Environment])).toEqual([
      [apiIds[0], "test"],
      [apiIds[1], "release"],
      [apiIds[0], "release"],
    ]);
    expect(described.AttachedApis![2]).toMatchObject({ ServiceId: serviceId, ServiceName: "attach_svc", ApiName: "api_0", ApiDesc: "desc 0", Environment: "release" });
    expect(described.AttachedApis![2]!.AttachedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const page = (await c.DescribePlugin({ PluginId: tc.PluginId!, Limit: 1, Offset: 1 })).Result!;
    expect([page.AttachedApiTotalCount, page.AttachedApis!.map((a) => a.ApiId)]).toEqual([3, [apiIds[1]]]);
    const apisOfPlugin = (await c.DescribePluginApis({ PluginId: tc.PluginId!, Limit: 2 })).Result;
    expect([apisOfPlugin.TotalCount, apisOfPlugin.AttachedApis.map((a) => a.Environment)]).toEqual([3, ["test", "release"]]);
    const oldestFirst = (await c.request("DescribePluginApis", { PluginId: tc.PluginId!, OrderBy: "asc" })).Result.AttachedApis;
    expect(oldestFirst.map((a: { ApiId: string }) => a.ApiId)).toEqual([apiIds[0], apiIds[1], apiIds[0]]);
    const listed = (await c.DescribePlugins({ PluginIds: [tc.PluginId!] })).Result!.PluginSet[0]!;
    expect(listed.AttachedApiTotalCount).toBe(3);

    const all = (await c.DescribeAllPluginApis({ ServiceId: serviceId, PluginId: byParam.PluginId!, EnvironmentName: "release" })).Result;
    expect(all.TotalCount).toBe(3);
    expect(all.ApiSet.map((a) => [a.ApiId, a.IsAttached, a.AttachedOtherPlugin])).toEqual([
      [apiIds[2], true, false],
      [apiIds[1], false, true],
      [apiIds[0], false, true],
    ]);
    expect(all.ApiSet[0]).toMatchObject({ ApiName: "api_2", ApiType: "NORMAL", Path: "/p2", Method: "GET" });
    const corsView = (await c.DescribeAllPluginApis({ ServiceId: serviceId, PluginId: cors.PluginId!, EnvironmentName: "release", Limit: 1, Offset: 2 })).Result;
    expect([corsView.TotalCount, corsView.ApiSet.map((a) => [a.ApiId, a.IsAttached, a.AttachedOtherPlugin])]).toEqual([3, [[apiIds[0], true, false]]]);

    // The gateway's view.
    const policies = await loadApiPolicies(s.apigw.store.db, scope(), serviceId);
    const onApi0 = policies.environments.release![apiIds[0]!]!;
    expect(onApi0.plugins.map((p) => p.plugin.type).sort()).toEqual(["Cors", "IPControl", "TrafficControl"]);
    const parsedTc = onApi0.plugins.find((p) => p.plugin.type === "TrafficControl")!.plugin;
    expect(parsedTc.type === "TrafficControl" && [parsedTc.data.api_rate_limit, parsedTc.data.windowSeconds]).toEqual([500, 60]);
    expect(ipControlAllows(onApi0, "10.1.1.1")).toBe(false);
    expect(ipControlAllows(onApi0, "11.1.1.1")).toBe(true);
    expect(ipControlAllows(policies.environments.release![apiIds[1]!], "10.1.1.1")).toBe(true);
    expect(policies.environments.prepub![apiIds[0]!]!.plugins.map((p) => p.pluginId)).toEqual([otherCors.PluginId]);

    // Modifying attached data tells the gateway.
    const modified: ChangeEvent[] = [];
    const stop2 = s.apigw.events.onChanged((e) => modified.push(e));
    await c.ModifyPlugin({ PluginId: tc.PluginId!, PluginData: JSON.stringify({ expire_type: "second", expire: 2, api_rate_limit: 1 }) });
    await c.ModifyPlugin({ PluginId: tc.PluginId!, Description: "no data change" });
    stop2();
    expect(modified).toEqual([{ ...scope(), serviceId }]);

    // In use: not deleted.
    expect((await sdkError(() => c.DeletePlugin({ PluginId: tc.PluginId! }))).code).toBe("ResourceInUse");
    expect((await c.DescribePlugin({ PluginId: tc.PluginId! })).Result!.AttachedApiTotalCount).toBe(3);

    for (const [env, api] of [["release", apiIds[0]], ["release", apiIds[1]], ["test", apiIds[0]]] as const) {
      expect((await c.DetachPlugin({ PluginId: tc.PluginId!, ServiceId: serviceId, EnvironmentName: env, ApiId: api! })).Result).toBe(true);
    }
    // Detaching what is not attached changes nothing.
    expect((await c.DetachPlugin({ PluginId: tc.PluginId!, ServiceId: serviceId, EnvironmentName: "prepub", ApiId: apiIds[2]! })).Result).toBe(true);
    expect((await c.DescribePluginApis({ PluginId: tc.PluginId! })).Result.TotalCount).toBe(0);
    // Now the by-parameter plugin fits.
    await c.AttachPlugin({ PluginId: byParam.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!] });
    expect((await c.DeletePlugin({ PluginId: tc.PluginId! })).Result).toBe(true);
  });

  it("answers the documented codes and attaches or detaches nothing on failure", async () => {
    const { serviceId, apiIds } = await serviceWithApis(2, "attach_codes");
    const { apiIds: foreign } = await serviceWithApis(1, "attach_codes_other");
    const p = (await create("Cors", DATA.Cors, "cors_codes")).Result;
    const attach = (o: Partial<{ PluginId: string; ServiceId: string; EnvironmentName: string; ApiIds: string[] }>) =>
      sdkError(() => c.AttachPlugin({ PluginId: p.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!], ...o }));
    expect((await attach({ PluginId: "plugin-00000000" })).code).toBe("ResourceNotFound.InvalidPlugin");
    expect((await attach({ ServiceId: "service-00000000" })).code).toBe("ResourceNotFound.InvalidService");
    expect((await attach({ ApiIds: [apiIds[0]!, "api-00000000"] })).code).toBe("ResourceNotFound.InvalidApi");
    expect((await attach({ ApiIds: [foreign[0]!] })).code).toBe("ResourceNotFound.InvalidApi");
    const env = await attach({ EnvironmentName: "live" });
    expect([env.code, env.message.includes("EnvironmentName")]).toEqual(["InvalidParameterValue", true]);
    expect((await attach({ ApiIds: [] })).message).toContain("ApiIds");
    expect((await c.DescribePluginApis({ PluginId: p.PluginId! })).Result.TotalCount).toBe(0);

    await c.AttachPlugin({ PluginId: p.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiIds: [apiIds[0]!] });
    const detach = (o: Partial<{ PluginId: string; EnvironmentName: string; ApiId: string }>) =>
      sdkError(() => c.DetachPlugin({ PluginId: p.PluginId!, ServiceId: serviceId, EnvironmentName: "release", ApiId: apiIds[0]!, ...o }));
    expect((await detach({ ApiId: "api-00000000" })).code).toBe("InvalidParameterValue.InvalidApiIds");
    expect((await detach({ PluginId: "plugin-00000000" })).code).toBe("ResourceNotFound.InvalidPlugin");
    expect((await detach({ EnvironmentName: "dev" })).code).toBe("InvalidParameterValue");
    expect((await c.DescribePluginApis({ PluginId: p.PluginId! })).Result.TotalCount).toBe(1);

    const all = (o: Partial<{ ServiceId: string; PluginId: string; EnvironmentName: string }>) =>
      sdkError(() => c.DescribeAllPluginApis({ ServiceId: serviceId, PluginId: p.PluginId!, EnvironmentName: "release", ...o }));
    expect((await all({ ServiceId: "service-00000000" })).code).toBe("ResourceNotFound.InvalidService");
    expect((await all({ PluginId: "plugin-00000000" })).code).toBe("ResourceNotFound.InvalidPlugin");
    expect((await all({ EnvironmentName: "staging" })).code).toBe("FailedOperation.FormatError");
    expect((await sdkError(() => c.DescribePluginApis({ PluginId: "plugin-00000000" }))).code).toBe("ResourceNotFound.InvalidPlugin");
    expect((await sdkError(() => c.request("DescribePluginApis", { PluginId: p.PluginId, Filters: [{ Name: "ApiId", Values: ["x"] }] }))).code).toBe(
      "InvalidParameterValue.InvalidFilterNotSupportedName",
    );
  });
});
