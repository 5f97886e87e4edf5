/**
 * The API actions through the official SDK: CreateApi, DescribeApi, DescribeApisStatus,
 * ModifyApi, ModifyApiIncrement, DeleteApi; every backend type round-trips; every definition
 * rule answers its documented code with a message naming the parameter.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

let s: TestServer;
let c: ApigatewayClient;
beforeAll(async () => {
  s = await startTestServer({ actionRateLimit: false });
  c = s.client();
});
afterAll(() => s.close());

type CreateApiInput = Parameters<ApigatewayClient["CreateApi"]>[0];

let serviceSeq = 0;
async function newService(client = c): Promise<string> {
  return (await client.CreateService({ ServiceName: `apis_${serviceSeq++}`, Protocol: "http" })).ServiceId!;
}

/** A valid HTTP API on `path`, with overrides. */
function httpApi(serviceId: string, path: string, o: Partial<CreateApiInput> = {}): CreateApiInput {
  return {
    ServiceId: serviceId,
    ApiName: `api_${path.replace(/\W/g, "_")}`,
    Protocol: "HTTP",
    ServiceType: "HTTP",
    ServiceTimeout: 15,
    RequestConfig: { Path: path, Method: "GET" },
    ServiceConfig: { Url: "http://backend.example:8080", Path: "/", Method: "GET" },
    ...o,
  };
}

const jwk = () => JSON.stringify(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" }));

async function expectError(call: () => Promise<unknown>, code: string, param: string) {
  const e = await sdkError(call);
  expect(e.code, `${param}: ${e.message}`).toBe(code);
  expect(e.message, e.message).toContain(param);
}

describe("CreateApi and DescribeApi", () => {
  it("creates an HTTP API and describes every documented field back", async () => {
    const serviceId = await newService();
    const input: CreateApiInput = httpApi(serviceId, "/users/{id}", {
      ApiName: "get_user",
      ApiDesc: "reads a user & more = fun é",
      AuthType: "SECRET",
      EnableCORS: true,
      ServiceTimeout: 30,
      RequestParameters: [
        { Name: "id", Position: "PATH", Type: "int", Required: true, Desc: "user id", DefaultValue: "" },
        { Name: "verbose", Position: "QUERY", Type: "boolean", Required: false, Desc: "", DefaultValue: "false" },
        { Name: "X-Trace", Position: "HEADER", Type: "string", Required: false, Desc: "trace", DefaultValue: "none" },
      ],
      ServiceConfig: { Url: "https://backend.example:8443", Path: "/v1/users/{uid}", Method: "POST" },
      ServiceParameters: [
        { Name: "uid", Position: "PATH", RelevantRequestParameterName: "id", RelevantRequestParameterPosition: "PATH", RelevantRequestParameterType: "int", DefaultValue: "", RelevantRequestParameterDesc: "user id" },
      ],
      ConstantParameters: [{ Name: "X-From", Position: "HEADER", DefaultValue: "apigw", Desc: "origin" }],
      ResponseType: "JSON",
      ResponseSuccessExample: '{"ok":true}',
      ResponseFailExample: '{"ok":false}',
      ResponseErrorCodes: [{ Code: 1001, Msg: "bad", Desc: "bad input", ConvertedCode: 400, NeedConvert: true }],
      IsDebugAfterCharge: false,
      UserType: "NORMAL",
      EventBusId: "eb-1",
    });
    const created = await c.CreateApi(input);
    expect(created.Result?.ApiId).toMatch(/^api-[0-9a-z]{8}$/);
    expect(created.Result).toMatchObject({ Path: "/users/{id}", Method: "GET" });
    expect(created.Result?.CreatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((created.Result as unknown as { CreateTime: string }).CreateTime).toBe(created.Result?.CreatedTime);

    const d = await c.DescribeApi({ ServiceId: serviceId, ApiId: created.Result!.ApiId });
    const { ServiceId: _sid, ...described } = input;
    expect(d.Result).toMatchObject({ ...described, ServiceId: serviceId, ServiceName: expect.any(String), ApiId: created.Result!.ApiId });
    expect(d.Result).toMatchObject({
      ApiType: "NORMAL",
      ApiBusinessType: "NORMAL",
      AuthRelationApiId: "",
      OauthConfig: null,
      ServiceMockReturnMessage: "",
      IsBase64Encoded: false,
      Tags: [],
      Environments: [],
      CreatedTime: created.Result!.CreatedTime,
      ModifiedTime: created.Result!.CreatedTime,
    });

    const service = await c.DescribeService({ ServiceId: serviceId });
    expect(service.ApiTotalCount).toBe(1);
    expect(service.ApiIdStatusSet![0]).toMatchObject({ ApiId: created.Result!.ApiId, Path: "/users/{id}", Method: "GET", AuthType: "SECRET" });
  });

  it("applies the documented defaults", async () => {
    const serviceId = await newService();
    const { Result } = await c.CreateApi({
      ServiceId: serviceId,
      Protocol: "HTTP",
      ServiceType: "MOCK",
      ServiceTimeout: 15,
      RequestConfig: { Path: "=/ping", Method: "ANY" },
      ServiceMockReturnMessage: "pong",
    });
    const d = await c.DescribeApi({ ServiceId: serviceId, ApiId: Result!.ApiId });
    expect(d.Result).toMatchObject({
      ApiName: "",
      ApiDesc: "",
      ApiType: "NORMAL",
      AuthType: "NONE",
      EnableCORS: false,
      RequestParameters: [],
      ConstantParameters: [],
      ServiceParameters: [],
      ServiceConfig: { Url: "", Path: "", Method: "" },
      ServiceMockReturnMessage: "pong",
      RequestConfig: { Path: "=/ping", Method: "ANY" },
    });
  });

  it("stores and describes backends without a local counterpart: SCF, WEBSOCKET, TSF, COS, VPC, TARGET, OAuth", async () => {
    const serviceId = await newService();
    const authKey = jwk();
    const cases: Array<Partial<CreateApiInput>> = [
      {
        ServiceType: "SCF",
        ServiceConfig: undefined,
        ServiceScfFunctionName: "hello",
        ServiceScfFunctionNamespace: "ns",
        ServiceScfFunctionQualifier: "$LATEST",
        ServiceScfIsIntegratedResponse: true,
        ServiceScfFunctionType: "HTTP",
        ServiceScfEventIsAsyncCall: true,
        IsBase64Encoded: true,
      },
      {
        Protocol: "WEBSOCKET",
        ServiceType: "SCF",
        ServiceConfig: undefined,
        ServiceWebsocketRegisterFunctionName: "reg",
        ServiceWebsocketRegisterFunctionNamespace: "ns1",
        ServiceWebsocketRegisterFunctionQualifier: "1",
        ServiceWebsocketTransportFunctionName: "transport",
        ServiceWebsocketTransportFunctionNamespace: "ns2",
        ServiceWebsocketTransportFunctionQualifier: "2",
        ServiceWebsocketCleanupFunctionName: "cleanup",
        ServiceWebsocketCleanupFunctionNamespace: "ns3",
        ServiceWebsocketCleanupFunctionQualifier: "3",
      },
      { Protocol: "WEBSOCKET", ServiceType: "WEBSOCKET", ServiceConfig: { Url: "wss://ws.example:9000", Path: "/chat", Method: "GET" } },
      {
        ApiType: "TSF",
        ServiceType: "TSF",
        ServiceConfig: { Path: "/svc", Method: "GET" },
        MicroServices: [{ ClusterId: "cls-1", NamespaceId: "ns-1", MicroServiceName: "coupon" }],
        ServiceTsfLoadBalanceConf: { IsLoadBalance: true, Method: "RoundRobinRule", SessionStickRequired: true, SessionStickTimeout: 30 },
        ServiceTsfHealthCheckConf: { IsHealthCheck: true, RequestVolumeThreshold: 10, SleepWindowInMilliseconds: 500, ErrorThresholdPercentage: 50 },
      },
      {
        ServiceType: "COS",
        ServiceConfig: { Path: "/static", Method: "GET", CosConfig: { Action: "GetObject", BucketName: "bucket-125", Authorization: true, PathMatchMode: "FullPath" } },
      },
      { ServiceType: "VPC", ServiceConfig: { Product: "clb", UniqVpcId: "vpc-abc", Url: "http://10.0.0.5:80", Path: "/inner", Method: "PUT" } },
      {
        ServiceType: "TARGET",
        ServiceConfig: undefined,
        TargetServices: [{ VmIp: "10.0.0.6", VpcId: "vpc-1", VmPort: 8080, HostIp: "10.1.0.1", DockerIp: "172.17.0.2" }],
        TargetServicesLoadBalanceConf: 1,
        TargetServicesHealthCheckConf: { IsHealthCheck: false },
        TargetNamespaceId: "tsf-ns",
      },
      {
        AuthType: "OAUTH",
        ApiBusinessType: "OAUTH",
        OauthConfig: { PublicKey: authKey, TokenLocation: "method.req.header.authorization", LoginRedirectUrl: "https://login.example/" },
        EIAMAppType: "oauth",
        EIAMAuthType: "AuthenticationOnly",
        EIAMAppId: "eiam-1",
        TokenTimeout: 7200,
      },
    ];
    for (const [i, o] of cases.entries()) {
      const input = httpApi(serviceId, `/backend${i}`, o);
      const { Result } = await c.CreateApi(input);
      const d = await c.DescribeApi({ ServiceId: serviceId, ApiId: Result!.ApiId });
      const { ServiceId: _sid, ServiceConfig, ...rest } = input;
      expect(d.Result, `case ${i}`).toMatchObject(rest);
      if (ServiceConfig) expect(d.Result?.ServiceConfig, `case ${i}`).toMatchObject(ServiceConfig);
    }
    // The SDK's name and the document's for integrated response both answer.
    const scf = (await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiPath", Values: ["/backend0"] }] })).Result!.ApiIdStatusSet[0]!;
    const scfInfo = (await c.DescribeApi({ ServiceId: serviceId, ApiId: scf.ApiId })).Result as unknown as Record<string, unknown>;
    expect(scfInfo.ServiceScfsIntegratedResponse).toBe(true);
  });

  it("binds an OAuth business API to its authorization API", async () => {
    const serviceId = await newService();
    const auth = await c.CreateApi(
      httpApi(serviceId, "/token", { AuthType: "OAUTH", ApiBusinessType: "OAUTH", OauthConfig: { PublicKey: jwk(), TokenLocation: "method.req.header.authorization" } }),
    );
    const business = await c.CreateApi(
      httpApi(serviceId, "/data", { AuthType: "OAUTH", ApiBusinessType: "NORMAL", AuthRelationApiId: auth.Result!.ApiId }),
    );
    const list = await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "AuthRelationApiId", Values: [auth.Result!.ApiId] }] });
    expect(list.Result!.ApiIdStatusSet.map((a) => a.ApiId)).toEqual([business.Result!.ApiId]);
    const all = await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiId", Values: [auth.Result!.ApiId] }] });
    expect(all.Result!.ApiIdStatusSet[0]?.RelationBuniessApiIds).toEqual([business.Result!.ApiId]);
  });
});

describe("DescribeApisStatus", () => {
  it("pages newest first and filters by the documented names", async () => {
    const serviceId = await newService();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const o: Partial<CreateApiInput> = i % 2 ? { AuthType: "SECRET", ApiName: `odd_${i}` } : { ApiName: `even_${i}` };
      ids.push((await c.CreateApi(httpApi(serviceId, `/list/item${i}`, o))).Result!.ApiId);
    }
    const first = await c.DescribeApisStatus({ ServiceId: serviceId, Limit: 2, Offset: 0 });
    const second = await c.DescribeApisStatus({ ServiceId: serviceId, Limit: 2, Offset: 2 });
    expect(first.Result!.TotalCount).toBe(5);
    expect(first.Result!.ApiIdStatusSet.map((a) => a.ApiId)).toEqual([ids[4], ids[3]]);
    expect(second.Result!.ApiIdStatusSet.map((a) => a.ApiId)).toEqual([ids[2], ids[1]]);
    expect(first.Result!.ApiIdStatusSet[0]).toMatchObject({
      ServiceId: serviceId,
      ApiName: "even_4",
      Path: "/list/item4",
      Method: "GET",
      ApiType: "NORMAL",
      Protocol: "HTTP",
      AuthType: "NONE",
      VpcId: 0,
      UniqVpcId: "",
      Tags: [],
      OauthConfig: null,
    });

    const names = (r: Awaited<ReturnType<typeof c.DescribeApisStatus>>) => r.Result!.ApiIdStatusSet.map((a) => a.ApiName).sort();
    expect(names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiName", Values: ["odd"] }] }))).toEqual(["odd_1", "odd_3"]);
    expect(names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "AuthType", Values: ["SECRET"] }] }))).toEqual(["odd_1", "odd_3"]);
    expect(names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiPath", Values: ["item0", "item2"] }] }))).toEqual(["even_0", "even_2"]);
    expect(
      names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "AuthType", Values: ["NONE"] }, { Name: "ApiName", Values: ["even_4"] }] })),
    ).toEqual(["even_4"]);
    expect(names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiId", Values: [ids[1]!] }] }))).toEqual(["odd_1"]);
    expect((await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiBuninessType", Values: ["NORMAL"] }] })).Result!.TotalCount).toBe(5);
    expect((await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiType", Values: ["TSF"] }] })).Result!.TotalCount).toBe(0);
    expect((await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "NotUsagePlanId", Values: ["usagePlan-none"] }] })).Result!.TotalCount).toBe(5);

    await c.ModifyApi({ ServiceId: serviceId, ApiId: ids[0]!, ServiceType: "HTTP", RequestConfig: { Path: "/list/item0", Method: "GET" }, TagSpecifications: { Key: "team", Value: "blue" } });
    expect(names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "Tags", Values: ["team:blue"] }] }))).toEqual(["even_0"]);
    expect(names(await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "TagKeys", Values: ["team"] }] }))).toEqual(["even_0"]);
    expect((await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "ApiId", Values: [ids[0]!] }] })).Result!.ApiIdStatusSet[0]?.Tags).toEqual(["team:blue"]);

    await expectError(() => c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "Colour", Values: ["red"] }] }), "InvalidParameterValue.InvalidFilterNotSupportedName", "Filters.0.Name");
    await expectError(() => c.DescribeApisStatus({ ServiceId: serviceId, Limit: 101 }), "InvalidParameterValue", "Limit");
    await expectError(() => c.DescribeApisStatus({ ServiceId: "service-nothere" }), "ResourceNotFound.InvalidService", "service-nothere");
  });
});

describe("ModifyApi", () => {
  it("replaces what is given and keeps what is left out", async () => {
    const serviceId = await newService();
    const { Result } = await c.CreateApi(
      httpApi(serviceId, "/orders", {
        AuthType: "SECRET",
        ApiDesc: "orders",
        RequestParameters: [{ Name: "page", Position: "query", Type: "int", Required: false, Desc: "", DefaultValue: "1" }],
        ResponseErrorCodes: [{ Code: 1, Msg: "x", Desc: "", ConvertedCode: 500, NeedConvert: false }],
      }),
    );
    const apiId = Result!.ApiId;
    await c.ModifyApi({
      ServiceId: serviceId,
      ApiId: apiId,
      ServiceType: "HTTP",
      RequestConfig: { Path: "/orders/{oid}", Method: "POST" },
      RequestParameters: [{ Name: "oid", Position: "path", Type: "string", Required: true, Desc: "order", DefaultValue: "" }],
      ServiceConfig: { Url: "http://orders.example", Path: "/api/orders/{oid}", Method: "POST" },
      ServiceTimeout: 60,
      IsDeleteResponseErrorCodes: true,
    });
    const d = (await c.DescribeApi({ ServiceId: serviceId, ApiId: apiId })).Result!;
    expect(d).toMatchObject({
      RequestConfig: { Path: "/orders/{oid}", Method: "POST" },
      RequestParameters: [{ Name: "oid", Position: "path", Type: "string", Required: true, Desc: "order", DefaultValue: "" }],
      ServiceConfig: { Url: "http://orders.example", Path: "/api/orders/{oid}", Method: "POST" },
      ServiceTimeout: 60,
      ResponseErrorCodes: [],
      // Left out: kept.
      AuthType: "SECRET",
      ApiDesc: "orders",
      Protocol: "HTTP",
    });

    // Deprecated AuthRequired false, without AuthType: no authentication.
    await c.ModifyApi({ ServiceId: serviceId, ApiId: apiId, ServiceType: "MOCK", ServiceMockReturnMessage: "mocked", RequestConfig: { Path: "/orders/{oid}", Method: "POST" }, AuthRequired: false });
    // A new backend type starts without the old backend's settings.
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: apiId })).Result).toMatchObject({
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "mocked",
      AuthType: "NONE",
      ServiceConfig: { Url: "", Path: "", Method: "" },
    });
    await c.ModifyApi({ ServiceId: serviceId, ApiId: apiId, ServiceType: "SCF", ServiceScfFunctionName: "fn", RequestConfig: { Path: "/orders/{oid}", Method: "POST" } });
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: apiId })).Result).toMatchObject({ ServiceType: "SCF", ServiceScfFunctionName: "fn", ServiceMockReturnMessage: "" });
  });

  it("refuses a protocol change, an unknown API and the rules CreateApi enforces, with ModifyApi's codes", async () => {
    const serviceId = await newService();
    const apiId = (await c.CreateApi(httpApi(serviceId, "/m"))).Result!.ApiId;
    await c.CreateApi(httpApi(serviceId, "/taken", { RequestConfig: { Path: "/taken", Method: "PUT" } }));
    const modify = (o: Partial<Parameters<ApigatewayClient["ModifyApi"]>[0]>) => () =>
      c.ModifyApi({ ServiceId: serviceId, ApiId: apiId, ServiceType: "HTTP", RequestConfig: { Path: "/m", Method: "GET" }, ...o });
    const e = await sdkError(modify({ Protocol: "WEBSOCKET" }));
    expect(e.code).toBe("UnsupportedOperation.ModifyProtocol");
    expect(e.message).toContain("Protocol");
    await expectError(modify({ ApiId: "api-nothere" }), "ResourceNotFound.InvalidApi", "api-nothere");
    await expectError(modify({ RequestConfig: { Path: "/m", Method: "FETCH" } }), "InvalidParameterValue.InvalidMethod", "RequestConfig.Method");
    await expectError(modify({ RequestConfig: { Path: "/taken", Method: "PUT" } }), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig");
    await expectError(modify({ ServiceType: "MOCK" }), "InvalidParameterValue.InvalidServiceConfig", "ServiceMockReturnMessage");
    await expectError(modify({ ServiceTimeout: 0 }), "InvalidParameterValue.RangeExceeded", "ServiceTimeout");
    await expectError(
      modify({ ConstantParameters: Array.from({ length: 31 }, (_, i) => ({ Name: `c${i}`, Position: "header", DefaultValue: "v", Desc: "" })) }),
      "InvalidParameterValue.InvalidConstantParameters",
      "ConstantParameters",
    );
    await expectError(
      modify({ RequestParameters: [{ Name: "id", Position: "path", Type: "string", Required: true, Desc: "", DefaultValue: "" }] }),
      "InvalidParameterValue.InvalidRequestParameters",
      "RequestParameters",
    );
    // ModifyApi's ReqParameter declares every field required.
    await expectError(() => c.request("ModifyApi", { ServiceId: serviceId, ApiId: apiId, ServiceType: "HTTP", RequestConfig: { Path: "/m", Method: "GET" }, RequestParameters: [{ Name: "q", Position: "query" }] }), "MissingParameter", "RequestParameters.0.Type");
    // Moving onto its own path and method is fine.
    await modify({ ApiName: "renamed" })();
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: apiId })).Result?.ApiName).toBe("renamed");
  });

  it("keeps an OAuth authorization API in its role while business APIs use it", async () => {
    const serviceId = await newService();
    const auth = (await c.CreateApi(httpApi(serviceId, "/oauth", { AuthType: "OAUTH", ApiBusinessType: "OAUTH", OauthConfig: { PublicKey: jwk(), TokenLocation: "method.req.header.authorization" } }))).Result!.ApiId;
    await c.CreateApi(httpApi(serviceId, "/biz", { AuthType: "OAUTH", ApiBusinessType: "NORMAL", AuthRelationApiId: auth }));
    const e = await sdkError(() => c.ModifyApi({ ServiceId: serviceId, ApiId: auth, ServiceType: "HTTP", RequestConfig: { Path: "/oauth", Method: "GET" }, AuthType: "NONE" }));
    expect(e.code).toBe("UnsupportedOperation.ResourceAssociated");
    await expectError(
      () => c.ModifyApi({ ServiceId: serviceId, ApiId: auth, ServiceType: "HTTP", RequestConfig: { Path: "/oauth", Method: "GET" }, AuthRelationApiId: "api-zzzzzzzz", ApiBusinessType: "NORMAL" }),
      "UnsupportedOperation.ResourceAssociated",
      auth,
    );
  });
});

describe("ModifyApiIncrement", () => {
  it("changes an OAuth authorization API's public key and redirect URL only", async () => {
    const serviceId = await newService();
    const auth = (await c.CreateApi(httpApi(serviceId, "/oauth", { AuthType: "OAUTH", ApiBusinessType: "OAUTH", OauthConfig: { PublicKey: jwk(), TokenLocation: "method.req.header.authorization" } }))).Result!.ApiId;
    const plain = (await c.CreateApi(httpApi(serviceId, "/plain"))).Result!.ApiId;
    const key = jwk();
    await c.ModifyApiIncrement({ ServiceId: serviceId, ApiId: auth, BusinessType: "OAUTH", PublicKey: key, LoginRedirectUrl: "https://login.example/next" });
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: auth })).Result?.OauthConfig).toEqual({
      PublicKey: key,
      TokenLocation: "method.req.header.authorization",
      LoginRedirectUrl: "https://login.example/next",
    });
    await expectError(() => c.ModifyApiIncrement({ ServiceId: serviceId, ApiId: auth, BusinessType: "NORMAL", PublicKey: key }), "InvalidParameterValue.InvalidApiBusinessType", "BusinessType");
    expect((await sdkError(() => c.ModifyApiIncrement({ ServiceId: serviceId, ApiId: plain, BusinessType: "OAUTH", PublicKey: key }))).code).toBe(
      "InvalidParameterValue.InvalidApiBusinessType",
    );
    expect((await sdkError(() => c.ModifyApiIncrement({ ServiceId: serviceId, ApiId: auth, BusinessType: "OAUTH" }))).code).toBe("InvalidParameterValue.NothingModifyForOauth");
    await expectError(() => c.ModifyApiIncrement({ ServiceId: serviceId, ApiId: auth, BusinessType: "OAUTH", PublicKey: "not a key" }), "InvalidParameterValue", "PublicKey");
    await expectError(() => c.ModifyApiIncrement({ ServiceId: serviceId, ApiId: "api-nothere", BusinessType: "OAUTH" }), "ResourceNotFound.InvalidApi", "api-nothere");
  });
});

describe("DeleteApi", () => {
  it("deletes an API; refuses one a usage plan or business APIs are bound to", async () => {
    const serviceId = await newService();
    const apiId = (await c.CreateApi(httpApi(serviceId, "/gone"))).Result!.ApiId;
    expect((await c.DeleteApi({ ServiceId: serviceId, ApiId: apiId })).Result).toBe(true);
    await expectError(() => c.DescribeApi({ ServiceId: serviceId, ApiId: apiId }), "ResourceNotFound.InvalidApi", apiId);
    await expectError(() => c.DeleteApi({ ServiceId: serviceId, ApiId: apiId }), "ResourceNotFound.InvalidApi", apiId);
    expect((await c.DescribeService({ ServiceId: serviceId })).ApiTotalCount).toBe(0);

    // An API of another service is not found through this one.
    const otherService = await newService();
    const foreign = (await c.CreateApi(httpApi(otherService, "/foreign"))).Result!.ApiId;
    await expectError(() => c.DeleteApi({ ServiceId: serviceId, ApiId: foreign }), "ResourceNotFound.InvalidApi", foreign);
    await expectError(() => c.DescribeApi({ ServiceId: serviceId, ApiId: foreign }), "ResourceNotFound.InvalidApi", foreign);

    const auth = (await c.CreateApi(httpApi(serviceId, "/oauth", { AuthType: "OAUTH", ApiBusinessType: "OAUTH", OauthConfig: { PublicKey: jwk(), TokenLocation: "method.req.header.authorization" } }))).Result!.ApiId;
    const biz = (await c.CreateApi(httpApi(serviceId, "/biz", { AuthType: "OAUTH", ApiBusinessType: "NORMAL", AuthRelationApiId: auth }))).Result!.ApiId;
    expect((await sdkError(() => c.DeleteApi({ ServiceId: serviceId, ApiId: auth }))).code).toBe("UnsupportedOperation.UnsupportedDeleteApi");
    await c.DeleteApi({ ServiceId: serviceId, ApiId: biz });
    await c.DeleteApi({ ServiceId: serviceId, ApiId: auth });

    // A usage plan bound to the API (BindEnvironment with BindType API).
    const planned = (await c.CreateApi(httpApi(serviceId, "/planned", { AuthType: "SECRET" }))).Result!.ApiId;
    const planId = (await c.CreateUsagePlan({ UsagePlanName: "delete_api_plan" })).Result!.UsagePlanId!;
    await c.BindEnvironment({ UsagePlanIds: [planId], BindType: "API", Environment: "release", ServiceId: serviceId, ApiIds: [planned] });
    const bound = await sdkError(() => c.DeleteApi({ ServiceId: serviceId, ApiId: planned }));
    expect(bound.code).toBe("FailedOperation.ApiBindEnvironmen");
    expect(bound.message).toContain(planId);
    const notPlanned = await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "NotUsagePlanId", Values: [planId] }] });
    expect(notPlanned.Result!.ApiIdStatusSet.map((a) => a.ApiId)).not.toContain(planned);
    await c.UnBindEnvironment({ UsagePlanIds: [planId], BindType: "API", Environment: "release", ServiceId: serviceId, ApiIds: [planned] });
    expect((await c.DeleteApi({ ServiceId: serviceId, ApiId: planned })).Result).toBe(true);
  });
});

describe("API definition rules", () => {
  it("answers each broken rule with CreateApi's documented code and names the parameter", async () => {
    const serviceId = await newService();
    await c.CreateApi(httpApi(serviceId, "/exists"));
    const create = (path: string, o: Partial<CreateApiInput> = {}) => () => c.CreateApi(httpApi(serviceId, path, o));
    const params = (n: number) => Array.from({ length: n }, (_, i) => ({ Name: `p${i}`, Position: "query", Type: "string", Required: false, Desc: "", DefaultValue: "" }));
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [create("/a", { Protocol: "HTTPS" }), "InvalidParameterValue.NotInOptions", "Protocol"],
      [create("/a", { ServiceType: "FTP" }), "InvalidParameterValue.NotInOptions", "ServiceType"],
      [create("/a", { AuthType: "KEY" }), "InvalidParameterValue.NotInOptions", "AuthType"],
      [create("/a", { ApiType: "RPC" }), "InvalidParameterValue.NotInOptions", "ApiType"],
      [create("/a", { RequestConfig: { Path: "/a", Method: "FETCH" } }), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Method"],
      [create("users"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("~/users"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("/a b"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("/a?b=1"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("/a//b"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("/user{id}"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("/{id}/{id}"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("=/users/{id}"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig.Path"],
      [create("/exists"), "InvalidParameterValue.InvalidApiRequestConfig", "RequestConfig"],
      [create("/users/{id}"), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters"],
      [create("/users", { RequestParameters: [{ Name: "id", Position: "path" }] }), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters"],
      [create("=/users", { RequestParameters: [{ Name: "id", Position: "path" }] }), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters"],
      [create("/a", { RequestParameters: [{ Name: "id", Position: "cookie" }] }), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters.0.Position"],
      [create("/a", { RequestParameters: [{ Position: "query" }] }), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters.0.Name"],
      [create("/a", { RequestParameters: [{ Name: "q", Position: "query" }, { Name: "q", Position: "QUERY" }] }), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters.1.Name"],
      [create("/a", { RequestParameters: params(31) }), "InvalidParameterValue.InvalidRequestParameters", "RequestParameters"],
      [
        create("/a", { ConstantParameters: Array.from({ length: 31 }, (_, i) => ({ Name: `c${i}`, Position: "query", DefaultValue: "1" })) }),
        "InvalidParameterValue.InvalidServiceParameters",
        "ConstantParameters",
      ],
      [create("/a", { ConstantParameters: [{ Name: "c", Position: "path", DefaultValue: "1" }] }), "InvalidParameterValue.InvalidServiceParameters", "ConstantParameters.0.Position"],
      [
        create("/a", { ServiceParameters: [{ Name: "b", Position: "query", RelevantRequestParameterName: "nope", RelevantRequestParameterPosition: "query" }] }),
        "InvalidParameterValue.ParameterNotMatch",
        "ServiceParameters.0.RelevantRequestParameterName",
      ],
      [create("/a", { ServiceConfig: { Url: "http://b.example", Path: "/x/{id}", Method: "GET" } }), "InvalidParameterValue.ParameterNotMatch", "ServiceConfig.Path"],
      [create("/a", { ServiceTimeout: 0 }), "InvalidParameterValue.RangeExceeded", "ServiceTimeout"],
      [create("/a", { ServiceTimeout: 1801 }), "InvalidParameterValue.RangeExceeded", "ServiceTimeout"],
      [create("/a", { ServiceConfig: { Url: "ftp://b.example", Path: "/", Method: "GET" } }), "InvalidParameterValue.InvalidUrl", "ServiceConfig.Url"],
      [create("/a", { ServiceConfig: { Url: "b.example", Path: "/", Method: "GET" } }), "InvalidParameterValue.InvalidUrl", "ServiceConfig.Url"],
      [create("/a", { ServiceConfig: { Url: "http://b.example/api", Path: "/", Method: "GET" } }), "InvalidParameterValue.InvalidUrl", "ServiceConfig.Url"],
      [create("/a", { ServiceConfig: { Url: "http://", Path: "/", Method: "GET" } }), "InvalidParameterValue.InvalidUrl", "ServiceConfig.Url"],
      [create("/a", { ServiceConfig: undefined }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.Url"],
      [create("/a", { ServiceConfig: { Url: "http://b.example", Method: "GET" } }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.Path"],
      [create("/a", { ServiceConfig: { Url: "http://b.example", Path: "/" } }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.Method"],
      [create("/a", { ServiceConfig: { Url: "http://b.example", Path: "/", Method: "BREW" } }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.Method"],
      [create("/a", { ServiceConfig: { Url: "http://b.example", Path: "x", Method: "GET" } }), "InvalidParameterValue.InvalidBackendPath", "ServiceConfig.Path"],
      [create("/a", { ServiceConfig: { Url: "http://b.example", Path: "=/x", Method: "GET" } }), "InvalidParameterValue.InvalidBackendPath", "ServiceConfig.Path"],
      [create("/a", { ServiceType: "MOCK" }), "InvalidParameterValue.InvalidServiceMockReturnMessage", "ServiceMockReturnMessage"],
      [create("/a", { ServiceType: "SCF" }), "InvalidParameterValue.InvalidScfConfig", "ServiceScfFunctionName"],
      [create("/a", { ServiceType: "SCF", ServiceScfFunctionName: "f", ServiceScfFunctionType: "CRON" }), "InvalidParameterValue.InvalidScfConfig", "ServiceScfFunctionType"],
      [create("/a", { ServiceType: "TSF", ApiType: "TSF" }), "InvalidParameterValue.InvalidTsfConfig", "MicroServices"],
      [create("/a", { ApiType: "TSF" }), "InvalidParameterValue.InvalidApiType", "ApiType"],
      [create("/a", { ServiceType: "WEBSOCKET", ServiceConfig: { Url: "ws://w.example", Path: "/" } }), "UnsupportedOperation.InvalidEndpointType", "ServiceType"],
      [create("/a", { Protocol: "WEBSOCKET", ServiceType: "WEBSOCKET", RequestConfig: { Path: "/a", Method: "POST" }, ServiceConfig: { Url: "ws://w.example", Path: "/" } }), "InvalidParameterValue.InvalidWSMethod", "RequestConfig.Method"],
      [create("/a", { Protocol: "WEBSOCKET", ServiceType: "WEBSOCKET", ServiceConfig: { Url: "http://w.example", Path: "/" } }), "InvalidParameterValue.InvalidUrl", "ServiceConfig.Url"],
      [create("/a", { Protocol: "WEBSOCKET", ServiceType: "HTTP" }), "UnsupportedOperation.InvalidEndpointType", "ServiceType"],
      [create("/a", { ServiceType: "VPC", ServiceConfig: { Url: "http://10.0.0.1", Path: "/", Method: "GET" } }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.UniqVpcId"],
      [create("/a", { ServiceType: "COS", ServiceConfig: { Path: "/" } }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.CosConfig"],
      [create("/a", { ServiceType: "COS", ServiceConfig: { Path: "/", CosConfig: { Action: "ListObjects", BucketName: "b" } } }), "InvalidParameterValue.InvalidServiceConfig", "ServiceConfig.CosConfig.Action"],
      [create("/a", { AuthType: "OAUTH", ApiBusinessType: "SOMETHING" }), "InvalidParameterValue.InvalidApiBusinessType", "ApiBusinessType"],
      [create("/a", { AuthType: "OAUTH", ApiBusinessType: "NORMAL" }), "ResourceNotFound.InvalidOauthApi", "AuthRelationApiId"],
      [create("/a", { AuthType: "OAUTH", ApiBusinessType: "NORMAL", AuthRelationApiId: "api-nothere" }), "ResourceNotFound.InvalidOauthApi", "AuthRelationApiId"],
      [create("/a", { AuthType: "OAUTH", ApiBusinessType: "OAUTH", OauthConfig: { PublicKey: "nope", TokenLocation: "method.req.header.authorization" } }), "InvalidParameterValue.InvalidPublicKey", "OauthConfig.PublicKey"],
      [create("/a", { ApiName: "n".repeat(61) }), "InvalidParameterValue", "ApiName"],
      [() => c.request("CreateApi", { ...httpApi(serviceId, "/a"), Colour: "red" }), "UnknownParameter", "Colour"],
      [() => c.request("CreateApi", { ...httpApi(serviceId, "/a"), ServiceTimeout: undefined }), "MissingParameter", "ServiceTimeout"],
      [() => c.request("CreateApi", { ...httpApi(serviceId, "/a"), RequestConfig: { Path: "/a" } }), "MissingParameter", "RequestConfig.Method"],
      [() => c.CreateApi(httpApi("service-nothere", "/a")), "ResourceNotFound.InvalidService", "service-nothere"],
    ];
    for (const [call, code, param] of cases) await expectError(call, code, param);
    // None of the refused calls left anything behind.
    expect((await c.DescribeApisStatus({ ServiceId: serviceId })).Result!.TotalCount).toBe(1);
  });

  it("accepts the documented path forms", async () => {
    const serviceId = await newService();
    const pathParam = (name: string) => ({ Name: name, Position: "path", Type: "string", Required: true });
    const ok: Array<[string, Partial<CreateApiInput>]> = [
      ["/", {}],
      ["=/exact", {}],
      ["^~/static/", {}],
      ["/a-b_c.d~e%20/*", {}],
      ["/users/{id}/orders/{orderId}", { RequestParameters: [pathParam("id"), pathParam("orderId")] }],
      ["/{X-NameSpace-Code}/{X-MicroService-Name}", { RequestParameters: [pathParam("X-NameSpace-Code"), pathParam("X-MicroService-Name")] }],
    ];
    for (const [path, o] of ok) expect((await c.CreateApi(httpApi(serviceId, path, o))).Result?.Path).toBe(path);
    // Same path, another method: another API.
    await c.CreateApi(httpApi(serviceId, "/", { RequestConfig: { Path: "/", Method: "POST" } }));
  });

  it("limits the APIs of a service (config.limits.apisPerService)", async () => {
    const small = await startTestServer({ actionRateLimit: false, limits: { ...loadConfig({}).limits, apisPerService: 2 } });
    try {
      const sc = small.client();
      const serviceId = await newService(sc);
      await sc.CreateApi(httpApi(serviceId, "/one"));
      await sc.CreateApi(httpApi(serviceId, "/two"));
      const e = await sdkError(() => sc.CreateApi(httpApi(serviceId, "/three")));
      expect(e.code).toBe("LimitExceeded.ApiCountLimitExceeded");
      expect(e.message).toContain("2");
    } finally {
      await small.close();
    }
  });
});

describe("v1 signature over GET (flattened nested parameters)", () => {
  it("round-trips nested arrays, objects and booleans", async () => {
    const g = s.client({ signMethod: "HmacSHA256", reqMethod: "GET" });
    const serviceId = await newService(g);
    const input = httpApi(serviceId, "/v1/{id}", {
      EnableCORS: true,
      RequestParameters: [
        { Name: "id", Position: "path", Type: "string", Required: true, Desc: "the id & more", DefaultValue: "" },
        { Name: "q", Position: "query", Type: "string", Required: false, Desc: "", DefaultValue: "a=b" },
      ],
      ConstantParameters: [{ Name: "k", Position: "header", DefaultValue: "v v", Desc: "é" }],
      ServiceConfig: { Url: "http://b.example", Path: "/x/{id}", Method: "GET" },
      ResponseErrorCodes: [{ Code: 7, Msg: "m", Desc: "d", ConvertedCode: 418, NeedConvert: true }],
    });
    const { Result } = await g.CreateApi(input);
    const d = await g.DescribeApi({ ServiceId: serviceId, ApiId: Result!.ApiId });
    const { ServiceId: _sid, ...rest } = input;
    expect(d.Result).toMatchObject(rest);

    await g.ModifyApi({
      ServiceId: serviceId,
      ApiId: Result!.ApiId,
      ServiceType: "HTTP",
      RequestConfig: { Path: "/v1/{id}", Method: "GET" },
      RequestParameters: [{ Name: "id", Position: "path", Type: "int", Required: false, Desc: "", DefaultValue: "0" }],
      EnableCORS: false,
    });
    expect((await g.DescribeApi({ ServiceId: serviceId, ApiId: Result!.ApiId })).Result).toMatchObject({
      EnableCORS: false,
      RequestParameters: [{ Name: "id", Position: "path", Type: "int", Required: false, Desc: "", DefaultValue: "0" }],
    });
    const listed = await g.DescribeApisStatus({ ServiceId: serviceId, Limit: 10, Offset: 0, Filters: [{ Name: "ApiPath", Values: ["nomatch", "/v1/"] }] });
    expect(listed.Result!.ApiIdStatusSet.map((a) => a.ApiId)).toEqual([Result!.ApiId]);
    await expectError(() => g.CreateApi({ ...input, ServiceTimeout: 3000 }), "InvalidParameterValue.RangeExceeded", "ServiceTimeout");
    await expectError(() => g.CreateApi({ ...input, RequestParameters: [{ Name: "id", Position: "path", Required: "maybe" as unknown as boolean }] }), "InvalidParameter.FormatError", "RequestParameters.0.Required");
  });
});
