/**
 * Applications (CreateApiApp … DescribeServiceForApiApp) through the official SDK: key pairs,
 * authorization to APIs per environment (own and partner applications), listings and the
 * documented error codes; failed actions change nothing; the gateway hears of key changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import type { ChangeEvent } from "../src/events.js";
import { APP_API, findPolicyApp, loadApiPolicies, listApiBindings } from "../src/resources/bindings.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

const PARTNER = { appId: "1300000002", secretId: "AKIDpartnerAccount00000000000000", secretKey: "partnerAccountKey" };

let s: TestServer;
let c: ApigatewayClient;
let partner: ApigatewayClient;
const scope = () => ({ appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" });

beforeAll(async () => {
  s = await startTestServer({}, { APIGW_CREDENTIALS: `${PARTNER.appId}:${PARTNER.secretId}:${PARTNER.secretKey}` });
  c = s.client();
  partner = s.client({ secretId: PARTNER.secretId, secretKey: PARTNER.secretKey });
});
afterAll(() => s.close());

async function serviceWithApis(client: ApigatewayClient, n: number, name = "apps_svc") {
  const serviceId = (await client.CreateService({ ServiceName: name, Protocol: "http" })).ServiceId!;
  const apiIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await client.CreateApi({
      ServiceId: serviceId,
      ApiName: `api_${i}`,
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "ok",
      ServiceTimeout: 15,
      Protocol: "HTTP",
      AuthType: "APP",
      RequestConfig: { Path: `/p${i}`, Method: "GET" },
    });
    apiIds.push(r.Result!.ApiId!);
  }
  return { serviceId, apiIds };
}

function recordEvents(): { events: ChangeEvent[]; stop: () => void } {
  const events: ChangeEvent[] = [];
  const stop = s.apigw.events.onChanged((e) => events.push(e));
  return { events, stop };
}

describe("application lifecycle", () => {
  it("creates an application with a generated key pair and describes, lists, modifies, deletes it", async () => {
    const created = (await c.CreateApiApp({ ApiAppName: "mobile_app", ApiAppDesc: "the mobile app" })).Result!;
    expect(created.ApiAppId).toMatch(/^app-[0-9a-z]{8}$/);
    expect(created.ApiAppKey).toMatch(/^APID[A-Za-z0-9]{36}$/);
    expect(created.ApiAppSecret).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created.CreatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created).toMatchObject({ ApiAppName: "mobile_app", ApiAppDesc: "the mobile app", ModifiedTime: created.CreatedTime });

    // DescribeApiApp has no SDK method: the generic request.
    const described = (await c.request("DescribeApiApp", { ApiAppId: created.ApiAppId })) as { Result: { TotalCount: number; ApiAppSet: unknown[] } };
    expect(described.Result.TotalCount).toBe(1);
    expect(described.Result.ApiAppSet[0]).toMatchObject({ ApiAppId: created.ApiAppId, ApiAppKey: created.ApiAppKey, ApiAppSecret: created.ApiAppSecret, Tags: [], ProjectId: "0" });
    const none = (await c.request("DescribeApiApp", { ApiAppId: "app-00000000" })) as { Result: { TotalCount: number; ApiAppSet: unknown[] } };
    expect(none.Result).toEqual({ TotalCount: 0, ApiAppSet: [] });

    expect((await c.ModifyApiApp({ ApiAppId: created.ApiAppId!, ApiAppName: "mobile_v2", ApiAppDesc: "renamed" })).Result).toBe(true);
    const listed = await c.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [created.ApiAppId!] }] });
    expect(listed.Result?.TotalCount).toBe(1);
    expect(listed.Result?.ApiAppSet[0]).toMatchObject({ ApiAppName: "mobile_v2", ApiAppDesc: "renamed", ApiAppKey: created.ApiAppKey });

    expect((await c.DeleteApiApp({ ApiAppId: created.ApiAppId! })).Result).toBe(true);
    expect((await sdkError(() => c.DeleteApiApp({ ApiAppId: created.ApiAppId! }))).code).toBe("ResourceNotFound.InvalidApiApp");
    expect((await sdkError(() => c.ModifyApiApp({ ApiAppId: created.ApiAppId!, ApiAppName: "x" }))).code).toBe("ResourceNotFound.InvalidApiApp");
  });

  it("checks names and descriptions with InvalidParameter.FormatError and changes nothing on failure", async () => {
    const before = (await c.DescribeApiAppsStatus({ Limit: 100 })).Result!.TotalCount;
    for (const bad of ["", "9lives", "has space", "x".repeat(51)]) {
      const e = await sdkError(() => c.CreateApiApp({ ApiAppName: bad }));
      expect(e.code).toBe("InvalidParameter.FormatError");
      expect(e.message).toContain("ApiAppName");
    }
    const longDesc = await sdkError(() => c.CreateApiApp({ ApiAppName: "ok", ApiAppDesc: "d".repeat(201) }));
    expect(longDesc.code).toBe("InvalidParameter.FormatError");
    expect(longDesc.message).toContain("ApiAppDesc");
    expect((await c.DescribeApiAppsStatus({ Limit: 100 })).Result!.TotalCount).toBe(before);

    const app = (await c.CreateApiApp({ ApiAppName: "keep_me" })).Result!;
    expect((await sdkError(() => c.ModifyApiApp({ ApiAppId: app.ApiAppId!, ApiAppName: "bad name" }))).code).toBe("InvalidParameter.FormatError");
    const after = (await c.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [app.ApiAppId!] }] })).Result!.ApiAppSet[0]!;
    expect(after.ApiAppName).toBe("keep_me");
    expect(after.ModifiedTime).toBe(app.ModifiedTime);
  });

  it("answers LimitExceeded.ApiAppCountLimitExceeded past the configured number of applications", async () => {
    const small = await startTestServer({ limits: { apiAppsPerAccount: 2 } as Config["limits"] });
    try {
      const sc = small.client();
      await sc.CreateApiApp({ ApiAppName: "one" });
      await sc.CreateApiApp({ ApiAppName: "two" });
      expect((await sdkError(() => sc.CreateApiApp({ ApiAppName: "three" }))).code).toBe("LimitExceeded.ApiAppCountLimitExceeded");
      expect((await sc.DescribeApiAppsStatus({})).Result!.TotalCount).toBe(2);
    } finally {
      await small.close();
    }
  });

  it("applications are the account's, in every region, and invisible to other accounts", async () => {
    const app = (await c.CreateApiApp({ ApiAppName: "global_app" })).Result!;
    const shanghai = s.client({ region: "ap-shanghai" });
    expect((await shanghai.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [app.ApiAppId!] }] })).Result!.TotalCount).toBe(1);
    expect((await partner.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [app.ApiAppId!] }] })).Result!.TotalCount).toBe(0);
    expect((await sdkError(() => partner.DeleteApiApp({ ApiAppId: app.ApiAppId! }))).code).toBe("ResourceNotFound.InvalidApiApp");
  });
});

describe("listing applications", () => {
  it("pages newest first and filters by ApiAppId, ApiAppName and KeyWord", async () => {
    const fresh = await startTestServer();
    try {
      const fc = fresh.client();
      const ids: string[] = [];
      for (const name of ["alpha_one", "alpha_two", "beta_one", "gamma"]) ids.push((await fc.CreateApiApp({ ApiAppName: name })).Result!.ApiAppId!);
      const first = await fc.DescribeApiAppsStatus({ Limit: 2, Offset: 0 });
      const second = await fc.DescribeApiAppsStatus({ Limit: 2, Offset: 2 });
      expect(first.Result?.TotalCount).toBe(4);
      expect(first.Result?.ApiAppSet.map((a) => a.ApiAppId)).toEqual([ids[3], ids[2]]);
      expect(second.Result?.ApiAppSet.map((a) => a.ApiAppId)).toEqual([ids[1], ids[0]]);
      const byName = await fc.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppName", Values: ["ALPHA"] }] });
      expect(byName.Result?.ApiAppSet.map((a) => a.ApiAppName)).toEqual(["alpha_two", "alpha_one"]);
      const byKeyword = await fc.DescribeApiAppsStatus({ Filters: [{ Name: "KeyWord", Values: ["_one", ids[3]!] }] });
      expect(byKeyword.Result?.ApiAppSet.map((a) => a.ApiAppName)).toEqual(["gamma", "beta_one", "alpha_one"]);
      const anded = await fc.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppName", Values: ["one"] }, { Name: "ApiAppId", Values: [ids[2]!] }] });
      expect(anded.Result?.ApiAppSet.map((a) => a.ApiAppName)).toEqual(["beta_one"]);
      const bad = await sdkError(() => fc.DescribeApiAppsStatus({ Filters: [{ Name: "Colour", Values: ["red"] }] }));
      expect(bad.code).toBe("InvalidParameterValue.InvalidFilterNotSupportedName");
      expect((await sdkError(() => fc.DescribeApiAppsStatus({ Limit: 101 }))).message).toContain("Limit");
    } finally {
      await fresh.close();
    }
  });
});

describe("UpdateApiAppKey", () => {
  it("rotates the secret (generated or given), keeps the key, and tells the gateway", async () => {
    const { serviceId, apiIds } = await serviceWithApis(c, 1, "rotate_svc");
    const app = (await c.CreateApiApp({ ApiAppName: "rotating" })).Result!;
    await c.BindApiApp({ ApiAppId: app.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[0]! });

    const rec = recordEvents();
    expect((await c.UpdateApiAppKey({ ApiAppId: app.ApiAppId!, ApiAppKey: app.ApiAppKey! })).Result).toBe(true);
    rec.stop();
    expect(rec.events).toContainEqual({ ...scope(), serviceId });
    const rotated = (await c.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [app.ApiAppId!] }] })).Result!.ApiAppSet[0]!;
    expect(rotated.ApiAppKey).toBe(app.ApiAppKey);
    expect(rotated.ApiAppSecret).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(rotated.ApiAppSecret).not.toBe(app.ApiAppSecret);

    await c.UpdateApiAppKey({ ApiAppId: app.ApiAppId!, ApiAppKey: app.ApiAppKey!, ApiAppSecret: "my_own-secret_123" });
    const policies = await loadApiPolicies(s.apigw.store.db, scope(), serviceId);
    expect(findPolicyApp(policies.environments.release![apiIds[0]!], app.ApiAppKey!)?.apiAppSecret).toBe("my_own-secret_123");
  });

  it("refuses a key that is not the application's and a malformed secret, changing nothing", async () => {
    const app = (await c.CreateApiApp({ ApiAppName: "strict" })).Result!;
    const wrongKey = await sdkError(() => c.UpdateApiAppKey({ ApiAppId: app.ApiAppId!, ApiAppKey: "APIDnotTheKey" }));
    expect(wrongKey.code).toBe("ResourceNotFound.InvalidApiApp");
    expect(wrongKey.message).toContain("ApiAppKey");
    const badSecret = await sdkError(() => c.UpdateApiAppKey({ ApiAppId: app.ApiAppId!, ApiAppKey: app.ApiAppKey!, ApiAppSecret: "short" }));
    expect(badSecret.code).toBe("InvalidParameterValue");
    expect(badSecret.message).toContain("ApiAppSecret");
    expect((await sdkError(() => c.UpdateApiAppKey({ ApiAppId: "app-00000000", ApiAppKey: "x" }))).code).toBe("ResourceNotFound.InvalidApiApp");
    const same = (await c.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [app.ApiAppId!] }] })).Result!.ApiAppSet[0]!;
    expect(same.ApiAppSecret).toBe(app.ApiAppSecret);
  });
});

describe("authorization of applications to APIs", () => {
  it("binds per environment, lists from both sides, refuses deletion while bound, unbinds", async () => {
    const { serviceId, apiIds } = await serviceWithApis(c, 3, "bind_svc");
    const app = (await c.CreateApiApp({ ApiAppName: "binder" })).Result!;
    const other = (await c.CreateApiApp({ ApiAppName: "other_binder" })).Result!;

    const rec = recordEvents();
    expect((await c.BindApiApp({ ApiAppId: app.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[0]! })).Result).toBe(true);
    rec.stop();
    expect(rec.events).toEqual([{ ...scope(), serviceId }]);
    await c.BindApiApp({ ApiAppId: app.ApiAppId!, Environment: "test", ServiceId: serviceId, ApiId: apiIds[0]! });
    await c.BindApiApp({ ApiAppId: app.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[1]! });
    await c.BindApiApp({ ApiAppId: other.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[0]! });
    // Binding again is a no-op.
    await c.BindApiApp({ ApiAppId: app.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[0]! });

    const ofApp = await c.DescribeApiAppBindApisStatus({ ApiAppId: app.ApiAppId! });
    expect(ofApp.Result.TotalCount).toBe(3);
    expect(ofApp.Result.ApiAppApiSet[0]).toMatchObject({
      ApiAppId: app.ApiAppId,
      ApiAppName: "binder",
      ApiId: apiIds[1],
      ApiName: "api_1",
      ServiceId: serviceId,
      ApiRegion: "ap-guangzhou",
      EnvironmentName: "release",
    });
    expect(ofApp.Result.ApiAppApiSet[0]!.AuthorizedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const inTest = await c.DescribeApiAppBindApisStatus({ ApiAppId: app.ApiAppId!, Filters: [{ Name: "Environment", Values: ["test"] }] });
    expect(inTest.Result.ApiAppApiSet.map((x) => [x.ApiId, x.EnvironmentName])).toEqual([[apiIds[0], "test"]]);
    const byName = await c.DescribeApiAppBindApisStatus({ ApiAppId: app.ApiAppId!, Filters: [{ Name: "ApiName", Values: ["api_1"] }] });
    expect(byName.Result.TotalCount).toBe(1);
    const byKeyword = await c.DescribeApiAppBindApisStatus({ ApiAppId: app.ApiAppId!, Filters: [{ Name: "Keyword", Values: [apiIds[0]!] }], Limit: 1 });
    expect(byKeyword.Result.TotalCount).toBe(2);
    expect(byKeyword.Result.ApiAppApiSet).toHaveLength(1);

    const ofApis = await c.DescribeApiBindApiAppsStatus({ ServiceId: serviceId, ApiIds: [apiIds[0]!, apiIds[2]!] });
    expect(ofApis.Result.TotalCount).toBe(3);
    expect(new Set(ofApis.Result.ApiAppApiSet.map((x) => `${x.ApiAppId}/${x.EnvironmentName}`))).toEqual(
      new Set([`${app.ApiAppId}/release`, `${app.ApiAppId}/test`, `${other.ApiAppId}/release`]),
    );
    const filtered = await c.DescribeApiBindApiAppsStatus({
      ServiceId: serviceId,
      ApiIds: apiIds,
      Filters: [{ Name: "Keyword", Values: ["other_"] }, { Name: "Environment", Values: ["release"] }],
    });
    expect(filtered.Result.ApiAppApiSet.map((x) => x.ApiAppId)).toEqual([other.ApiAppId]);
    expect((await sdkError(() => c.DescribeApiBindApiAppsStatus({ ServiceId: "service-00000000", ApiIds: apiIds }))).code).toBe("ResourceNotFound.InvalidService");

    const policies = await loadApiPolicies(s.apigw.store.db, scope(), serviceId);
    expect(policies.environments.release![apiIds[0]!]!.apps.map((a) => a.apiAppId).sort()).toEqual([app.ApiAppId, other.ApiAppId].sort());
    expect(policies.environments.test![apiIds[0]!]!.apps.map((a) => a.apiAppKey)).toEqual([app.ApiAppKey]);
    expect(policies.environments.prepub).toEqual({});

    // Renaming a bound application refreshes the gateway's view (which names it); a description does not.
    const renamed = recordEvents();
    await c.ModifyApiApp({ ApiAppId: other.ApiAppId!, ApiAppDesc: "just a description" });
    await c.ModifyApiApp({ ApiAppId: other.ApiAppId!, ApiAppName: "other_renamed" });
    renamed.stop();
    expect(renamed.events).toEqual([{ ...scope(), serviceId }]);

    const inUse = await sdkError(() => c.DeleteApiApp({ ApiAppId: app.ApiAppId! }));
    expect(inUse.code).toBe("UnsupportedOperation.ResourceAssociated");
    expect((await c.DescribeApiAppsStatus({ Filters: [{ Name: "ApiAppId", Values: [app.ApiAppId!] }] })).Result!.TotalCount).toBe(1);

    for (const [env, api] of [["release", apiIds[0]], ["test", apiIds[0]], ["release", apiIds[1]]] as const) {
      expect((await c.UnbindApiApp({ ApiAppId: app.ApiAppId!, Environment: env, ServiceId: serviceId, ApiId: api! })).Result).toBe(true);
    }
    // Unbinding what is not bound changes nothing.
    expect((await c.UnbindApiApp({ ApiAppId: app.ApiAppId!, Environment: "prepub", ServiceId: serviceId, ApiId: apiIds[2]! })).Result).toBe(true);
    expect((await c.DescribeApiAppBindApisStatus({ ApiAppId: app.ApiAppId! })).Result.TotalCount).toBe(0);
    expect((await c.DeleteApiApp({ ApiAppId: app.ApiAppId! })).Result).toBe(true);
  });

  it("answers the documented codes and binds nothing on failure", async () => {
    const { serviceId, apiIds } = await serviceWithApis(c, 1, "codes_svc");
    const { apiIds: foreignApis } = await serviceWithApis(c, 1, "codes_other");
    const app = (await c.CreateApiApp({ ApiAppName: "coded" })).Result!;
    const bind = (o: Partial<{ ApiAppId: string; Environment: string; ServiceId: string; ApiId: string }>) =>
      sdkError(() => c.BindApiApp({ ApiAppId: app.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[0]!, ...o }));
    expect((await bind({ ApiAppId: "app-00000000" })).code).toBe("ResourceNotFound.InvalidApiApp");
    const env = await bind({ Environment: "prod" });
    expect(env.code).toBe("InvalidParameterValue.InvalidEnv");
    expect(env.message).toContain("Environment");
    expect((await bind({ ServiceId: "service-00000000" })).code).toBe("ResourceNotFound.InvalidService");
    expect((await bind({ ApiId: "api-00000000" })).code).toBe("ResourceNotFound.InvalidApi");
    expect((await bind({ ApiId: foreignApis[0]! })).code).toBe("ResourceNotFound.InvalidApi");
    expect((await c.DescribeApiAppBindApisStatus({ ApiAppId: app.ApiAppId! })).Result.TotalCount).toBe(0);

    const unbind = (o: Partial<{ ApiAppId: string; Environment: string; ApiId: string }>) =>
      sdkError(() => c.UnbindApiApp({ ApiAppId: app.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[0]!, ...o }));
    expect((await unbind({ ApiAppId: "app-00000000" })).code).toBe("ResourceNotFound.InvalidApiApp");
    expect((await unbind({ Environment: "dev" })).code).toBe("InvalidParameterValue.InvalidEnv");
    expect((await unbind({ ApiId: "api-00000000" })).code).toBe("ResourceNotFound.InvalidApi");
    expect((await sdkError(() => c.DescribeApiAppBindApisStatus({ ApiAppId: "app-00000000" }))).code).toBe("ResourceNotFound.InvalidApiApp");
  });

  it("lets an owner authorize a partner's application; the partner reads that API and service only", async () => {
    const { serviceId, apiIds } = await serviceWithApis(c, 2, "partner_svc");
    const theirs = (await partner.CreateApiApp({ ApiAppName: "partner_app" })).Result!;
    await c.BindApiApp({ ApiAppId: theirs.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[1]! });

    // The owner sees the partner's application on its API, never its secret.
    const onApi = await c.DescribeApiBindApiAppsStatus({ ServiceId: serviceId, ApiIds: [apiIds[1]!] });
    expect(onApi.Result.ApiAppApiSet).toEqual([expect.objectContaining({ ApiAppId: theirs.ApiAppId, ApiAppName: "partner_app", EnvironmentName: "release" })]);
    expect(JSON.stringify(onApi)).not.toContain(theirs.ApiAppSecret!);
    // The owner cannot change or delete the partner's application.
    expect((await sdkError(() => c.ModifyApiApp({ ApiAppId: theirs.ApiAppId!, ApiAppName: "mine" }))).code).toBe("ResourceNotFound.InvalidApiApp");

    // The partner sees where its application is authorized …
    const mine = await partner.DescribeApiAppBindApisStatus({ ApiAppId: theirs.ApiAppId! });
    expect(mine.Result.ApiAppApiSet).toEqual([expect.objectContaining({ ApiId: apiIds[1], ServiceId: serviceId, ApiRegion: "ap-guangzhou" })]);
    // … reads the authorized API and the service with only that API …
    const api = await partner.DescribeApiForApiApp({ ServiceId: serviceId, ApiId: apiIds[1]!, ApiRegion: "ap-guangzhou" });
    expect(api.Result).toMatchObject({ ServiceId: serviceId, ApiId: apiIds[1], ApiName: "api_1", AuthType: "APP", ServiceName: "partner_svc" });
    const service = await partner.DescribeServiceForApiApp({ ServiceId: serviceId, ApiRegion: "ap-guangzhou" });
    expect(service).toMatchObject({ ServiceId: serviceId, ServiceName: "partner_svc", ApiTotalCount: 1, UsagePlanTotalCount: 0, UsagePlanList: [] });
    expect(service.ApiIdStatusSet?.map((a) => a.ApiId)).toEqual([apiIds[1]]);
    // … but nothing else.
    expect((await sdkError(() => partner.DescribeApiForApiApp({ ServiceId: serviceId, ApiId: apiIds[0]!, ApiRegion: "ap-guangzhou" }))).code).toBe("ResourceNotFound.InvalidApi");
    expect((await sdkError(() => partner.DescribeServiceForApiApp({ ServiceId: serviceId, ApiRegion: "ap-shanghai" }))).code).toBe("ResourceNotFound.InvalidService");
    await c.UnbindApiApp({ ApiAppId: theirs.ApiAppId!, Environment: "release", ServiceId: serviceId, ApiId: apiIds[1]! });
    expect((await sdkError(() => partner.DescribeServiceForApiApp({ ServiceId: serviceId, ApiRegion: "ap-guangzhou" }))).code).toBe("ResourceNotFound.InvalidService");

    // A partner's application bound somewhere cannot be deleted by the partner either.
    await c.BindApiApp({ ApiAppId: theirs.ApiAppId!, Environment: "test", ServiceId: serviceId, ApiId: apiIds[0]! });
    expect((await sdkError(() => partner.DeleteApiApp({ ApiAppId: theirs.ApiAppId! }))).code).toBe("UnsupportedOperation.ResourceAssociated");
    const bindings = await listApiBindings(s.apigw.store.db, scope(), { kinds: [APP_API], subjectIds: [theirs.ApiAppId!] });
    expect(bindings.map((b) => [b.apiId, b.environment])).toEqual([[apiIds[0], "test"]]);
  });
});

describe("application users' views of their own services", () => {
  it("DescribeServiceForApiApp and DescribeApiForApiApp answer like DescribeService / DescribeApi", async () => {
    const { serviceId, apiIds } = await serviceWithApis(c, 2, "own_view");
    const service = await c.DescribeServiceForApiApp({ ServiceId: serviceId, ApiRegion: "ap-guangzhou" });
    const reference = await c.DescribeService({ ServiceId: serviceId });
    expect(service).toMatchObject({
      ServiceId: serviceId,
      ServiceName: reference.ServiceName,
      Protocol: "http",
      NetTypes: ["OUTER"],
      OuterSubDomain: reference.OuterSubDomain,
      AvailableEnvironments: [],
      ApiTotalCount: 2,
      IpVersion: "IPv4",
      Tags: [],
      SetId: 0,
    });
    expect(service.ApiIdStatusSet?.map((a) => a.ApiId)).toEqual(apiIds);
    const api = await c.DescribeApiForApiApp({ ServiceId: serviceId, ApiId: apiIds[0]!, ApiRegion: "ap-guangzhou" });
    expect(api.Result).toEqual((await c.DescribeApi({ ServiceId: serviceId, ApiId: apiIds[0]! })).Result);

    expect((await sdkError(() => c.DescribeServiceForApiApp({ ServiceId: "service-00000000", ApiRegion: "ap-guangzhou" }))).code).toBe("ResourceNotFound.InvalidService");
    expect((await sdkError(() => c.DescribeApiForApiApp({ ServiceId: serviceId, ApiId: "api-00000000", ApiRegion: "ap-guangzhou" }))).code).toBe("ResourceNotFound.InvalidApi");
    const region = await sdkError(() => c.DescribeApiForApiApp({ ServiceId: serviceId, ApiId: apiIds[0]!, ApiRegion: "mars-1" }));
    expect(region.code).toBe("InvalidParameterValue.InvalidRegion");
    expect(region.message).toContain("ApiRegion");
    // A service of this region asked for in another region is not found.
    expect((await sdkError(() => c.DescribeServiceForApiApp({ ServiceId: serviceId, ApiRegion: "ap-beijing" }))).code).toBe("ResourceNotFound.InvalidService");
  });
});
