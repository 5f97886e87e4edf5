/**
 * IP strategies (CreateIPStrategy … UnBindIPStrategy) through the official SDK: IP and CIDR
 * lists (IPv4, IPv6, newline or `;`), binding to APIs per environment (one strategy per API
 * and environment), listings, documented codes; failed actions change nothing; the gateway
 * view (loadApiPolicies, ipStrategiesAllow).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import type { ChangeEvent } from "../src/events.js";
import { ipStrategiesAllow, loadApiPolicies } from "../src/resources/bindings.js";
import { ipMatcher, parseIpList } from "../src/resources/ipStrategies.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

let s: TestServer;
let c: ApigatewayClient;
const scope = () => ({ appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" });

beforeAll(async () => {
  s = await startTestServer();
  c = s.client();
});
afterAll(() => s.close());

async function serviceWithApis(n: number, name = "ip_svc") {
  const serviceId = (await c.CreateService({ ServiceName: name, Protocol: "http" })).ServiceId!;
  const apiIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.CreateApi({
      ServiceId: serviceId,
      ApiName: `api_${i}`,
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

const strategy = (serviceId: string, data = "1.1.1.1", type = "WHITE", name = "office") =>
  c.CreateIPStrategy({ ServiceId: serviceId, StrategyName: name, StrategyType: type, StrategyData: data });

describe("IP lists", () => {
  it("parse IPv4, IPv6 and CIDRs separated by newlines or semicolons, and match client IPs", () => {
    const entries = parseIpList(" 10.0.0.0/8\n192.168.1.7 ; 2001:db8::/32;\n::1\n\n");
    expect(Array.isArray(entries)).toBe(true);
    const matches = ipMatcher(entries as never);
    expect(["10.1.2.3", "192.168.1.7", "::ffff:10.9.9.9", "2001:db8::42", "::1"].map(matches)).toEqual([true, true, true, true, true]);
    expect(["11.0.0.1", "192.168.1.8", "2001:db9::1", "not-an-ip"].map(matches)).toEqual([false, false, false, false]);
    for (const bad of ["", " ;\n", "1.2.3", "1.2.3.4/33", "::1/129", "1.2.3.4/x", "example.com", "1.1.1.1 2.2.2.2"]) {
      expect(Array.isArray(parseIpList(bad))).toBe(false);
    }
    expect(parseIpList("1.1.1.1;2.2.2.2;3.3.3.3", 2)).toMatchObject({ tooMany: true });
  });
});

describe("IP strategy lifecycle", () => {
  it("creates, describes, lists, modifies and deletes a strategy", async () => {
    const { serviceId } = await serviceWithApis(0, "ip_life");
    const created = (await strategy(serviceId, "1.1.1.1\n10.0.0.0/8", "BLACK", "blockers")).Result!;
    expect(created.StrategyId).toMatch(/^IPStrategy-[0-9a-z]{8}$/);
    expect(created).toMatchObject({
      StrategyName: "blockers",
      StrategyType: "BLACK",
      StrategyData: "1.1.1.1\n10.0.0.0/8",
      ServiceId: serviceId,
      BindApiTotalCount: 0,
      BindApis: [],
    });
    expect(created.CreatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    expect((await c.ModifyIPStrategy({ ServiceId: serviceId, StrategyId: created.StrategyId, StrategyData: "2001:db8::/32;8.8.8.8" })).Result).toBe(true);
    const described = (await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: created.StrategyId })).Result;
    expect(described).toMatchObject({ StrategyId: created.StrategyId, StrategyData: "2001:db8::/32;8.8.8.8", StrategyType: "BLACK", BindApiTotalCount: 0 });

    const second = (await strategy(serviceId, "9.9.9.9", "WHITE", "partners")).Result!;
    const listed = await c.DescribeIPStrategysStatus({ ServiceId: serviceId });
    expect(listed.Result?.TotalCount).toBe(2);
    expect(listed.Result?.StrategySet.map((x) => x.StrategyId)).toEqual([second.StrategyId, created.StrategyId]);
    const filtered = await c.DescribeIPStrategysStatus({ ServiceId: serviceId, Filters: [{ Name: "StrategyName", Values: ["PARTN"] }] });
    expect(filtered.Result?.StrategySet.map((x) => x.StrategyName)).toEqual(["partners"]);
    const badFilter = await sdkError(() => c.DescribeIPStrategysStatus({ ServiceId: serviceId, Filters: [{ Name: "StrategyType", Values: ["WHITE"] }] }));
    expect(badFilter.code).toBe("InvalidParameterValue.InvalidFilterNotSupportedName");

    expect((await c.DeleteIPStrategy({ ServiceId: serviceId, StrategyId: created.StrategyId })).Result).toBe(true);
    expect((await sdkError(() => c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: created.StrategyId }))).code).toBe("ResourceNotFound.InvalidIPStrategy");
    expect((await sdkError(() => c.DeleteIPStrategy({ ServiceId: serviceId, StrategyId: created.StrategyId }))).code).toBe("ResourceNotFound.InvalidIPStrategy");
    expect((await c.DescribeIPStrategysStatus({ ServiceId: serviceId })).Result?.TotalCount).toBe(1);
  });

  it("checks StrategyData, StrategyType and StrategyName with InvalidParameter.FormatError, creating nothing", async () => {
    const { serviceId } = await serviceWithApis(0, "ip_checks");
    const cases: Array<[string, string, string, string]> = [
      ["1.2.3", "WHITE", "n", "StrategyData"],
      ["1.2.3.4/40", "WHITE", "n", "StrategyData"],
      ["", "WHITE", "n", "StrategyData"],
      ["1.2.3.4", "GREY", "n", "StrategyType"],
      ["1.2.3.4", "WHITE", "bad name!", "StrategyName"],
    ];
    for (const [data, type, name, param] of cases) {
      const e = await sdkError(() => strategy(serviceId, data, type, name));
      expect(e.code).toBe("InvalidParameter.FormatError");
      expect(e.message).toContain(param);
    }
    const entry = await sdkError(() => strategy(serviceId, "1.1.1.1\nnope"));
    expect(entry.message).toContain("nope");
    expect((await sdkError(() => strategy("service-00000000"))).code).toBe("ResourceNotFound.InvalidService");
    expect((await c.DescribeIPStrategysStatus({ ServiceId: serviceId })).Result?.TotalCount).toBe(0);

    const ok = (await strategy(serviceId, "1.1.1.1")).Result!;
    const bad = await sdkError(() => c.ModifyIPStrategy({ ServiceId: serviceId, StrategyId: ok.StrategyId, StrategyData: "1.1.1.1;999.1.1.1" }));
    expect(bad.code).toBe("InvalidParameter.FormatError");
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: ok.StrategyId })).Result.StrategyData).toBe("1.1.1.1");
    expect((await sdkError(() => c.ModifyIPStrategy({ ServiceId: serviceId, StrategyId: "IPStrategy-00000000", StrategyData: "1.1.1.1" }))).code).toBe(
      "ResourceNotFound.InvalidIPStrategy",
    );
  });

  it("answers LimitExceeded.IpStrategyLimitExceeded past the strategies of a service or the entries of a list", async () => {
    const small = await startTestServer({ limits: { ipStrategiesPerService: 2, ipListEntries: 3 } as Config["limits"] });
    try {
      const sc = small.client();
      const serviceId = (await sc.CreateService({ ServiceName: "limited", Protocol: "http" })).ServiceId!;
      const make = (data: string) => sc.CreateIPStrategy({ ServiceId: serviceId, StrategyName: "s", StrategyType: "WHITE", StrategyData: data });
      expect((await sdkError(() => make("1.1.1.1;2.2.2.2;3.3.3.3;4.4.4.4"))).code).toBe("LimitExceeded.IpStrategyLimitExceeded");
      const first = (await make("1.1.1.1;2.2.2.2;3.3.3.3")).Result!;
      await make("1.1.1.1");
      expect((await sdkError(() => make("1.1.1.1"))).code).toBe("LimitExceeded.IpStrategyLimitExceeded");
      expect((await sdkError(() => sc.ModifyIPStrategy({ ServiceId: serviceId, StrategyId: first.StrategyId, StrategyData: "1.1.1.1;2.2.2.2;3.3.3.3;4.4.4.4" }))).code).toBe(
        "LimitExceeded.IpStrategyLimitExceeded",
      );
      expect((await sc.DescribeIPStrategysStatus({ ServiceId: serviceId })).Result?.TotalCount).toBe(2);
    } finally {
      await small.close();
    }
  });

  it("keeps a strategy to its service and account", async () => {
    const { serviceId } = await serviceWithApis(0, "ip_home");
    const { serviceId: otherService } = await serviceWithApis(0, "ip_away");
    const st = (await strategy(serviceId)).Result!;
    expect((await sdkError(() => c.DescribeIPStrategy({ ServiceId: otherService, StrategyId: st.StrategyId }))).code).toBe("ResourceNotFound.InvalidIPStrategy");
    expect((await sdkError(() => s.client({ region: "ap-shanghai" }).DescribeIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId }))).code).toBe(
      "ResourceNotFound.InvalidService",
    );
  });
});

describe("binding IP strategies to APIs", () => {
  it("binds per environment, describes bound and bindable APIs, enforces one strategy per API, unbinds", async () => {
    const { serviceId, apiIds } = await serviceWithApis(3, "ip_bind");
    const white = (await strategy(serviceId, "10.0.0.0/8", "WHITE", "white")).Result!;
    const black = (await strategy(serviceId, "10.1.0.0/16;2001:db8::/32", "BLACK", "black")).Result!;

    const events: ChangeEvent[] = [];
    const stop = s.apigw.events.onChanged((e) => events.push(e));
    expect((await c.BindIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[0]!, apiIds[1]!] })).Result).toBe(true);
    stop();
    expect(events).toEqual([{ ...scope(), serviceId }]);
    await c.BindIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "test", BindApiIds: [apiIds[0]!] });
    await c.BindIPStrategy({ ServiceId: serviceId, StrategyId: black.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[2]!] });
    // Again: a no-op.
    await c.BindIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[0]!] });

    const all = (await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId })).Result;
    expect(all.BindApiTotalCount).toBe(2);
    expect(all.BindApis.map((a) => a.ApiId)).toEqual([apiIds[0], apiIds[1]]);
    expect(all.BindApis[0]).toMatchObject({ ServiceId: serviceId, ApiName: "api_0", Path: "/p0", Method: "GET", AuthType: "NONE" });
    const inTest = (await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "test" })).Result;
    expect(inTest.BindApis.map((a) => a.ApiId)).toEqual([apiIds[0]]);
    const paged = (await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, Limit: 1, Offset: 1 })).Result;
    expect([paged.BindApiTotalCount, paged.BindApis.map((a) => a.ApiId)]).toEqual([2, [apiIds[1]]]);
    const reserved = await sdkError(() => c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, Filters: [{ Name: "ApiName", Values: ["x"] }] }));
    expect(reserved.code).toBe("InvalidParameterValue.InvalidFilterNotSupportedName");
    const listed = (await c.DescribeIPStrategysStatus({ ServiceId: serviceId })).Result!.StrategySet.find((x) => x.StrategyId === black.StrategyId)!;
    expect(listed.BindApis.map((a) => a.ApiId)).toEqual([apiIds[2]]);

    // Bindable: the service's APIs minus the strategy's own, others' marked.
    const bindable = (await c.DescribeIPStrategyApisStatus({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "release" })).Result;
    expect(bindable.TotalCount).toBe(1);
    expect(bindable.ApiIdStatusSet).toEqual([
      { ApiId: apiIds[2], ApiName: "api_2", ApiType: "NORMAL", Path: "/p2", Method: "GET", OtherIPStrategyId: black.StrategyId, OtherEnvironmentName: "release" },
    ]);
    const inPrepub = (await c.DescribeIPStrategyApisStatus({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "prepub", Limit: 2 })).Result;
    expect([inPrepub.TotalCount, inPrepub.ApiIdStatusSet.map((a) => a.ApiId)]).toEqual([3, [apiIds[0], apiIds[1]]]);
    expect(inPrepub.ApiIdStatusSet[0]).toMatchObject({ OtherIPStrategyId: "", OtherEnvironmentName: "" });
    const byPath = (await c.DescribeIPStrategyApisStatus({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "prepub", Filters: [{ Name: "ApiPath", Values: ["/p1"] }] })).Result;
    expect(byPath.ApiIdStatusSet.map((a) => a.ApiId)).toEqual([apiIds[1]]);
    const byKeyword = (await c.DescribeIPStrategyApisStatus({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "prepub", Filters: [{ Name: "KeyWord", Values: ["api_2", "/p0"] }] })).Result;
    expect(byKeyword.ApiIdStatusSet.map((a) => a.ApiId)).toEqual([apiIds[0], apiIds[2]]);
    expect((await sdkError(() => c.DescribeIPStrategyApisStatus({ ServiceId: serviceId, StrategyId: "IPStrategy-00000000", EnvironmentName: "release" }))).code).toBe(
      "ResourceNotFound.InvalidIPStrategy",
    );

    // One strategy per API and environment: nothing of a refused batch is bound.
    const conflict = await sdkError(() => c.BindIPStrategy({ ServiceId: serviceId, StrategyId: black.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[1]!, apiIds[0]!] }));
    expect(conflict.code).toBe("UnsupportedOperation.InvalidAction");
    expect(conflict.message).toContain(white.StrategyId);
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: black.StrategyId })).Result.BindApiTotalCount).toBe(1);

    // The gateway's view.
    const policies = await loadApiPolicies(s.apigw.store.db, scope(), serviceId);
    const release = policies.environments.release!;
    expect(release[apiIds[0]!]!.ipStrategies.map((x) => [x.strategyId, x.type])).toEqual([[white.StrategyId, "WHITE"]]);
    expect(ipStrategiesAllow(release[apiIds[0]!], "10.2.3.4")).toBe(true);
    expect(ipStrategiesAllow(release[apiIds[0]!], "192.168.0.1")).toBe(false);
    expect(ipStrategiesAllow(release[apiIds[2]!], "10.1.2.3")).toBe(false);
    expect(ipStrategiesAllow(release[apiIds[2]!], "10.2.2.3")).toBe(true);
    expect(ipStrategiesAllow(release[apiIds[2]!], "2001:db8::9")).toBe(false);
    expect(ipStrategiesAllow(policies.environments.prepub![apiIds[0]!], "1.2.3.4")).toBe(true);

    // Modifying a bound strategy tells the gateway.
    const modified: ChangeEvent[] = [];
    const stop2 = s.apigw.events.onChanged((e) => modified.push(e));
    await c.ModifyIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, StrategyData: "192.168.0.0/16" });
    stop2();
    expect(modified).toContainEqual({ ...scope(), serviceId });
    const after = await loadApiPolicies(s.apigw.store.db, scope(), serviceId);
    expect(ipStrategiesAllow(after.environments.release![apiIds[0]!], "192.168.0.1")).toBe(true);

    // In use: not deleted.
    const inUse = await sdkError(() => c.DeleteIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId }));
    expect(inUse.code).toBe("ResourceInUse");
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId })).Result.BindApiTotalCount).toBe(2);

    expect((await c.UnBindIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "release", UnBindApiIds: [apiIds[0]!, apiIds[1]!, apiIds[2]!] })).Result).toBe(true);
    await c.UnBindIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId, EnvironmentName: "test", UnBindApiIds: [apiIds[0]!] });
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId })).Result.BindApiTotalCount).toBe(0);
    // The black strategy on api_2 was not touched.
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: black.StrategyId })).Result.BindApiTotalCount).toBe(1);
    expect((await c.DeleteIPStrategy({ ServiceId: serviceId, StrategyId: white.StrategyId })).Result).toBe(true);
  });

  it("answers the documented codes and binds or unbinds nothing on failure", async () => {
    const { serviceId, apiIds } = await serviceWithApis(2, "ip_codes");
    const { apiIds: foreign } = await serviceWithApis(1, "ip_codes_other");
    const st = (await strategy(serviceId)).Result!;
    const bind = (o: Partial<{ StrategyId: string; EnvironmentName: string; BindApiIds: string[]; ServiceId: string }>) =>
      sdkError(() => c.BindIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[0]!], ...o }));
    expect((await bind({ StrategyId: "IPStrategy-00000000" })).code).toBe("ResourceNotFound.InvalidIPStrategy");
    expect((await bind({ BindApiIds: [apiIds[0]!, "api-00000000"] })).code).toBe("ResourceNotFound.InvalidApi");
    expect((await bind({ BindApiIds: [foreign[0]!] })).code).toBe("ResourceNotFound.InvalidApi");
    expect((await bind({ ServiceId: "service-00000000" })).code).toBe("ResourceNotFound.InvalidService");
    const env = await bind({ EnvironmentName: "production" });
    expect([env.code, env.message.includes("EnvironmentName")]).toEqual(["InvalidParameterValue", true]);
    const empty = await bind({ BindApiIds: [] });
    expect(empty.message).toContain("BindApiIds");
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId })).Result.BindApiTotalCount).toBe(0);

    await c.BindIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[0]!] });
    const unbind = await sdkError(() =>
      c.UnBindIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId, EnvironmentName: "release", UnBindApiIds: [apiIds[0]!, "api-00000000"] }),
    );
    expect(unbind.code).toBe("ResourceNotFound.InvalidApi");
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId })).Result.BindApiTotalCount).toBe(1);
  });

  it("an API deleted from the draft no longer counts as a use of its strategy", async () => {
    const { serviceId, apiIds } = await serviceWithApis(1, "ip_deleted_api");
    const st = (await strategy(serviceId)).Result!;
    await c.BindIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId, EnvironmentName: "release", BindApiIds: [apiIds[0]!] });
    await c.DeleteApi({ ServiceId: serviceId, ApiId: apiIds[0]! });
    expect((await c.DescribeIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId })).Result.BindApiTotalCount).toBe(0);
    expect((await c.DeleteIPStrategy({ ServiceId: serviceId, StrategyId: st.StrategyId })).Result).toBe(true);
  });
});
