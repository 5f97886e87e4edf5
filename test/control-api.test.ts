/**
 * The control endpoint end to end: the official SDK with every sign method and HTTP method,
 * and raw signed requests for what the SDK will not send.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkError, startTestServer, type SignMethod, type TestServer } from "./helpers.js";
import { send, tc3Request, v1Request } from "./signer.js";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { APIGW_CREDENTIALS: "1300000002:AKIDsecondAccount000000000000000:secondAccountKey" });
});
afterAll(() => s.close());

const variants: Array<[SignMethod, "POST" | "GET"]> = [
  ["TC3-HMAC-SHA256", "POST"],
  ["TC3-HMAC-SHA256", "GET"],
  ["HmacSHA1", "GET"],
  ["HmacSHA1", "POST"],
  ["HmacSHA256", "POST"],
  ["HmacSHA256", "GET"],
];

describe.each(variants)("SDK with %s over %s", (signMethod, reqMethod) => {
  it("creates, describes, lists, modifies and deletes a service; unicode, & and = survive", async () => {
    const c = s.client({ signMethod, reqMethod });
    const created = await c.CreateService({
      ServiceName: `svc_${signMethod.replace(/-/g, "")}_${reqMethod}`,
      Protocol: "http&https",
      ServiceDesc: "a=b&c d/é 服务",
      NetTypes: ["OUTER", "INNER"],
      Tags: [{ Key: "team", Value: "x y&z=1" }],
    });
    expect(created.ServiceId).toMatch(/^service-[0-9a-z]{8}$/);
    expect(created.NetTypes).toEqual(["OUTER", "INNER"]);
    expect(created.CreatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.RequestId).toMatch(/^[0-9a-f-]{36}$/);

    const described = await c.DescribeService({ ServiceId: created.ServiceId! });
    expect(described).toMatchObject({
      ServiceId: created.ServiceId,
      ServiceDesc: "a=b&c d/é 服务",
      Protocol: "http&https",
      Tags: [{ Key: "team", Value: "x y&z=1" }],
      ApiTotalCount: 0,
      ApiIdStatusSet: [],
      UsagePlanTotalCount: 0,
      UsagePlanList: [],
      AvailableEnvironments: [],
    });
    expect(described.OuterSubDomain).toBe(`${created.ServiceId}-${s.apigw.defaultKey.account.appId}.ap-guangzhou.apigw.localhost`);

    const listed = await c.DescribeServicesStatus({ Filters: [{ Name: "ServiceId", Values: [created.ServiceId!] }] });
    expect(listed.Result?.TotalCount).toBe(1);
    expect(listed.Result?.ServiceSet[0]?.ServiceName).toBe(created.ServiceName);

    await c.ModifyService({ ServiceId: created.ServiceId!, ServiceName: "renamed", ServiceDesc: "new = desc & more" });
    const modified = await c.DescribeService({ ServiceId: created.ServiceId! });
    expect(modified.ServiceName).toBe("renamed");
    expect(modified.ServiceDesc).toBe("new = desc & more");

    expect((await c.DeleteService({ ServiceId: created.ServiceId! })).Result).toBe(true);
    expect((await sdkError(() => c.DescribeService({ ServiceId: created.ServiceId! }))).code).toBe("ResourceNotFound.InvalidService");
  });
});

describe("listing", () => {
  it("pages with Limit/Offset and filters by name", async () => {
    const c = s.client();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.CreateService({ ServiceName: `page_${i}`, Protocol: "http" })).ServiceId!);
    const first = await c.DescribeServicesStatus({ Limit: 2, Offset: 0, Filters: [{ Name: "ServiceName", Values: ["page_"] }] });
    const second = await c.DescribeServicesStatus({ Limit: 2, Offset: 2, Filters: [{ Name: "ServiceName", Values: ["page_"] }] });
    expect(first.Result?.TotalCount).toBe(5);
    expect(first.Result?.ServiceSet.map((x) => x.ServiceId)).toEqual([ids[4], ids[3]]);
    expect(second.Result?.ServiceSet.map((x) => x.ServiceId)).toEqual([ids[2], ids[1]]);
    const bad = await sdkError(() => c.DescribeServicesStatus({ Filters: [{ Name: "Color", Values: ["red"] }] }));
    expect(bad.code).toBe("InvalidParameterValue.InvalidFilterNotSupportedName");
    expect(bad.message).toContain("Filters.0.Name");
  });
});

describe("validation", () => {
  it("answers missing, wrong-typed, out-of-range and unknown parameters with codes naming the parameter", async () => {
    const c = s.client();
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => c.request("CreateService", { Protocol: "http" }), "MissingParameter", "ServiceName"],
      [() => c.request("CreateService", { ServiceName: "x", Protocol: "ftp" }), "InvalidParameterValue", "Protocol"],
      [() => c.request("CreateService", { ServiceName: 5, Protocol: "http" }), "InvalidParameter.FormatError", "ServiceName"],
      [() => c.request("CreateService", { ServiceName: "x", Protocol: "http", Colour: "red" }), "UnknownParameter", "Colour"],
      [() => c.request("CreateService", { ServiceName: "x", Protocol: "http", Tags: [{ Key: "k" }] }), "MissingParameter", "Tags.0.Value"],
      [() => c.request("CreateService", { ServiceName: "x", Protocol: "http", Tags: [{ Key: "k", Value: "v", Extra: 1 }] }), "UnknownParameter", "Tags.0.Extra"],
      [() => c.request("CreateService", { ServiceName: "x", Protocol: "http", NetTypes: ["OUTER", "SIDEWAYS"] }), "InvalidParameterValue", "NetTypes.1"],
      [() => c.request("DescribeServicesStatus", { Limit: 101 }), "InvalidParameterValue", "Limit"],
      [() => c.request("DescribeServicesStatus", { Limit: "ten" }), "InvalidParameter", "Limit"],
      [() => c.request("DescribeServicesStatus", { Offset: -1 }), "InvalidParameterValue", "Offset"],
      [() => c.request("DescribeServicesStatus", { Filters: [{ Name: "ServiceName" }] }), "MissingParameter", "Filters.0.Values"],
    ];
    for (const [call, code, param] of cases) {
      const e = await sdkError(call);
      expect(e.code, `${param}: ${e.message}`).toBe(code);
      expect(e.message).toContain(`\`${param}\``);
    }
  });

  it("coerces form values by declared type (v1 GET)", async () => {
    const c = s.client({ signMethod: "HmacSHA1", reqMethod: "GET" });
    const r = await c.DescribeServicesStatus({ Limit: 1, Offset: 0 });
    expect(r.Result?.ServiceSet.length).toBeLessThanOrEqual(1);
    const e = await sdkError(() => c.DescribeServicesStatus({ Limit: "abc" as unknown as number }));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toContain("`Limit`");
  });

  it("a failed action changes nothing", async () => {
    const c = s.client();
    const before = (await c.DescribeServicesStatus({})).Result?.TotalCount;
    await sdkError(() => c.request("CreateService", { ServiceName: "ok", Protocol: "http", IpVersion: "IPv5" }));
    expect((await c.DescribeServicesStatus({})).Result?.TotalCount).toBe(before);
  });
});

describe("raw signed requests", () => {
  const call = (o: Partial<Parameters<typeof tc3Request>[1]> = {}) =>
    tc3Request(s.apigw.controlPort, { action: "DescribeServicesStatus", secretId: s.secretId, secretKey: s.secretKey, ...o });
  const code = async (p: Promise<{ status: number; body: { Response: { Error?: { Code: string } } } }>) => {
    const r = await p;
    expect(r.status).toBe(200);
    return r.body.Response.Error?.Code;
  };

  it("accepts a correct TC3 request with the service named apigateway", async () => {
    expect(await code(call())).toBeUndefined();
  });
  it("rejects a wrong key, an unknown SecretId, an expired timestamp and a tampered body", async () => {
    expect(await code(call({ secretKey: "wrong" }))).toBe("AuthFailure.SignatureFailure");
    expect(await code(call({ secretId: "AKIDnobody" }))).toBe("AuthFailure.SecretIdNotFound");
    expect(await code(call({ timestamp: Math.floor(Date.now() / 1000) - 301 }))).toBe("AuthFailure.SignatureExpire");
    expect(await code(call({ params: { Limit: 1 }, sentBody: JSON.stringify({ Limit: 2 }) }))).toBe("AuthFailure.SignatureFailure");
  });
  it("rejects an unknown action, a wrong version and an unknown or missing region", async () => {
    expect(await code(call({ action: "DescribeEverything" }))).toBe("InvalidAction");
    expect(await code(call({ version: "2017-03-12" }))).toBe("NoSuchVersion");
    expect(await code(call({ region: "mars-north-1" }))).toBe("InvalidParameterValue.InvalidRegion");
    expect(await code(call({ region: "" }))).toBe("MissingParameter");
  });
  it("rejects a replayed v1 nonce", async () => {
    const o = { action: "DescribeServicesStatus", secretId: s.secretId, secretKey: s.secretKey, nonce: 4242, timestamp: Math.floor(Date.now() / 1000) };
    expect((await v1Request(s.apigw.controlPort, o)).body.Response.Error).toBeUndefined();
    const replay = await v1Request(s.apigw.controlPort, o);
    expect(replay.body.Response.Error?.Code).toBe("AuthFailure.SignatureFailure");
    expect(replay.body.Response.Error?.Message).toContain("Replayed");
  });
  it("limits body sizes: v1 POST 1 MB, TC3 10 MB", async () => {
    const big = "x".repeat(1024 * 1024 + 10);
    const v1 = await v1Request(s.apigw.controlPort, { action: "CreateService", params: { ServiceName: big, Protocol: "http" }, secretId: s.secretId, secretKey: s.secretKey });
    expect(v1.body.Response.Error?.Code).toBe("RequestSizeLimitExceeded");
    const tc3Big = await call({ action: "CreateService", params: { ServiceName: "x".repeat(10 * 1024 * 1024 + 1), Protocol: "http" } });
    expect(tc3Big.body.Response.Error?.Code).toBe("RequestSizeLimitExceeded");
    const tc3Ok = await call({ action: "CreateService", params: { ServiceName: "x".repeat(2 * 1024 * 1024), Protocol: "http" } });
    expect(tc3Ok.body.Response.Error?.Code).toBe("InvalidParameterValue"); // too long a name, but read and validated
  });
  it("answers other methods with UnsupportedProtocol and other paths with 404; every answer has a RequestId", async () => {
    const put = await send(s.apigw.controlPort, "PUT", "/", {});
    expect(put.status).toBe(200);
    expect(put.body.Response.Error?.Code).toBe("UnsupportedProtocol");
    expect(put.body.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await send(s.apigw.controlPort, "POST", "/elsewhere", {})).status).toBe(404);
    const unsigned = await send(s.apigw.controlPort, "POST", "/", { "content-type": "application/json" }, "{}");
    expect(unsigned.body.Response.Error?.Code).toBe("AuthFailure.SignatureFailure");
    expect(unsigned.body.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });
  it("accepts multipart/form-data with TC3", async () => {
    const { tc3CanonicalRequest, tc3Sign, tc3StringToSign, utcDate } = await import("../src/control/signature.js");
    const boundary = "----apigwtest";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="ServiceName"\r\n\r\nmultipart_svc\r\n--${boundary}\r\nContent-Disposition: form-data; name="Protocol"\r\n\r\nhttp\r\n--${boundary}\r\nContent-Disposition: form-data; name="NetTypes.0"\r\n\r\nOUTER\r\n--${boundary}--\r\n`;
    const ts = Math.floor(Date.now() / 1000);
    const date = utcDate(ts);
    const ct = `multipart/form-data; boundary=${boundary}`;
    const canonical = tc3CanonicalRequest({ method: "POST", query: "", headers: [["content-type", ct], ["host", "127.0.0.1"]], payload: Buffer.from(body) });
    const sig = tc3Sign(s.secretKey, date, "apigateway", tc3StringToSign(ts, date, "apigateway", canonical));
    const r = await send(s.apigw.controlPort, "POST", "/", {
      "content-type": ct,
      host: `127.0.0.1:${s.apigw.controlPort}`,
      "x-tc-action": "CreateService",
      "x-tc-version": "2018-08-08",
      "x-tc-region": "ap-guangzhou",
      "x-tc-timestamp": String(ts),
      authorization: `TC3-HMAC-SHA256 Credential=${s.secretId}/${date}/apigateway/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`,
    }, body);
    expect(r.body.Response.Error).toBeUndefined();
    expect(r.body.Response.ServiceName).toBe("multipart_svc");
    expect(r.body.Response.NetTypes).toEqual(["OUTER"]);
  });
});

describe("tenancy", () => {
  it("a second account cannot see, modify or delete the first account's service; another region does not see it", async () => {
    const mine = await s.client().CreateService({ ServiceName: "private_svc", Protocol: "http" });
    const other = s.client({ secretId: "AKIDsecondAccount000000000000000", secretKey: "secondAccountKey" });
    for (const call of [
      () => other.DescribeService({ ServiceId: mine.ServiceId! }),
      () => other.ModifyService({ ServiceId: mine.ServiceId!, ServiceName: "stolen" }),
      () => other.DeleteService({ ServiceId: mine.ServiceId! }),
      () => s.client({ region: "ap-shanghai" }).DescribeService({ ServiceId: mine.ServiceId! }),
    ]) {
      expect((await sdkError(call)).code).toBe("ResourceNotFound.InvalidService");
    }
    const theirs = await other.DescribeServicesStatus({ Limit: 100 });
    expect(theirs.Result?.ServiceSet.some((x) => x.ServiceId === mine.ServiceId)).toBe(false);
    expect((await s.client().DescribeService({ ServiceId: mine.ServiceId! })).ServiceName).toBe("private_svc");
  });
});
