/**
 * Application (APP) authentication enforced by the gateway (DATAPLANE §5.3): applications made
 * and authorized through the official SDK, calls signed by an independent signer
 * (policy-helpers.ts) over real HTTP to a real backend. The gateway clock is frozen (`now`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";
import { call, newService, signApp, startBodyEchoBackend, type AppKey, type AppRequest, type Service } from "./policy-helpers.js";

const PARTNER = { appId: "1300000077", secretId: "AKIDappPartnerAccount000000000000", secretKey: "appPartnerAccountKey" };

let s: TestServer;
let c: ApigatewayClient;
let backend: Awaited<ReturnType<typeof startBodyEchoBackend>>;
let now = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  backend = await startBodyEchoBackend();
  s = await startTestServer({}, { APIGW_CREDENTIALS: `${PARTNER.appId}:${PARTNER.secretId}:${PARTNER.secretKey}` }, { clock: () => now });
  c = s.client();
});
afterAll(async () => {
  await s?.close();
  await backend?.close();
});

async function newApp(client = c): Promise<AppKey & { id: string }> {
  const r = (await client.CreateApiApp({ ApiAppName: `app_${Math.random().toString(36).slice(2, 10)}` })).Result!;
  return { id: r.ApiAppId!, key: r.ApiAppKey!, secret: r.ApiAppSecret! };
}

const bind = (app: { id: string }, svc: Service, path: string, env = "release", client = c) =>
  client.BindApiApp({ ApiAppId: app.id, ServiceId: svc.serviceId, ApiId: svc.apis[path]!, Environment: env });

/** An APP call to `svc` in `env`, signed for `app`. */
function appCall(svc: Service, app: AppKey, r: Omit<AppRequest, "xDate"> & { xDate?: number }, env = "release", override: Record<string, string> = {}) {
  const { target, headers } = signApp(app, env, { xDate: now, ...r });
  return call(s.apigw.gatewayPort, svc.host, target, { method: r.method, headers: { ...headers, ...override }, body: r.body });
}

describe("APP authentication", () => {
  let svc: Service;
  let app: AppKey & { id: string };
  let other: AppKey & { id: string };
  beforeAll(async () => {
    svc = await newService(
      c,
      [
        { path: "/app", auth: "APP", backend: backend.url },
        { path: "/form", method: "POST", auth: "APP", backend: backend.url },
        { path: "/other", auth: "APP", backend: backend.url },
      ],
      ["release", "test"],
    );
    app = await newApp();
    other = await newApp();
    await bind(app, svc, "/app");
    await bind(app, svc, "/form");
    await bind(other, svc, "/other");
  });

  it("admits a signed GET with query parameters (hmac-sha1 and hmac-sha256), forwarding the call", async () => {
    for (const algorithm of ["hmac-sha1", "hmac-sha256"] as const) {
      const r = await appCall(svc, app, { path: "/app", query: [["b", "2"], ["a", "x y"], ["a", "1"], ["flag", ""]], accept: "application/json", algorithm });
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toMatchObject({ method: "GET", path: "/app", query: { a: ["x y", "1"], b: ["2"], flag: [""] } });
    }
  });

  it("signs form fields as parameters and forwards the form body as sent", async () => {
    const r = await appCall(svc, app, { method: "POST", path: "/form", body: "p=test&q=a%20b", contentType: "application/x-www-form-urlencoded", accept: "application/json" });
    expect(r.status, r.text).toBe(200);
    expect(r.json()).toMatchObject({ method: "POST", body: "p=test&q=a%20b" });
  });

  it("checks Content-MD5 against the body it signs", async () => {
    const body = '{"a":1}';
    const good = await appCall(svc, app, { method: "POST", path: "/form", body, contentType: "application/json", contentMd5: true });
    expect(good.status, good.text).toBe(200);
    expect(good.json().body).toBe(body);
    // Signed correctly, but the header does not describe the body sent.
    const tampered = await appCall(svc, app, { method: "POST", path: "/form", body, contentType: "application/json", contentMd5: "u2y1xo30ZSlByvZSo2by2B==" });
    expect(tampered.status).toBe(401);
    expect(tampered.message).toBe("HMAC signature cannot be verified, the Content-MD5 header does not match the body.");
  });

  it("answers a wrong signature with 401 and the server's string to sign, in the message and a header", async () => {
    const r = await appCall(svc, app, { path: "/app", query: [["p", "test"]], accept: "application/json", secret: "not-the-secret" });
    const expected = `policy-test#x-date: ${new Date(now).toUTCString()}#GET#application/json###/app?p=test`;
    expect(r.status).toBe(401);
    expect(r.message).toBe(`HMAC signature does not match, Server StringToSign:source: ${expected}`);
    expect(r.headers["x-api-stringtosign"]).toBe(`source: ${expected}`);
    expect(r.headers["x-api-requestid"]).toBeTruthy();
  });

  it("refuses a call whose signed request was changed on the way (another query value)", async () => {
    const { headers } = signApp(app, "release", { path: "/app", query: [["id", "1"]], xDate: now });
    const r = await call(s.apigw.gatewayPort, svc.host, "/release/app?id=2", { headers });
    expect(r.status).toBe(401);
    expect(r.message).toMatch(/^HMAC signature does not match, Server StringToSign:.*#\/app\?id=2$/);
  });

  it("answers the §9.3 messages for a missing Authorization, X-Date missing, unsigned or stale, and a bad algorithm", async () => {
    const none = await call(s.apigw.gatewayPort, svc.host, "/release/app");
    expect([none.status, none.message]).toEqual([401, "HMAC signature cannot be verified, a validate authorization header is required"]);

    const { target, headers } = signApp(app, "release", { path: "/app", xDate: now });
    const { "x-date": _xDate, ...withoutXDate } = headers;
    const noXDate = await call(s.apigw.gatewayPort, svc.host, target, { headers: { ...withoutXDate, date: new Date(now).toUTCString() } });
    expect([noXDate.status, noXDate.message]).toEqual([401, "HMAC signature cannot be verified, a valid x-date header is required for HMAC Authentication."]);

    const unsigned = await call(s.apigw.gatewayPort, svc.host, target, { headers: { ...headers, authorization: headers.authorization!.replace('headers="source x-date"', 'headers="source"') } });
    expect([unsigned.status, unsigned.message]).toEqual([401, "HMAC signature cannot be verified, the x-date header must be among the signed headers."]);

    const stale = await appCall(svc, app, { path: "/app", xDate: now - 16 * 60 * 1000 });
    expect([stale.status, stale.message]).toEqual([401, "HMAC signature cannot be verified, the x-date header is out of date for HMAC Authentication."]);
    const withinSkew = await appCall(svc, app, { path: "/app", xDate: now - 14 * 60 * 1000 });
    expect(withinSkew.status).toBe(200);

    const md4 = await call(s.apigw.gatewayPort, svc.host, target, { headers: { ...headers, authorization: headers.authorization!.replace("hmac-sha1", "hmac-md4") } });
    expect([md4.status, md4.message]).toEqual([401, "HMAC algorithm hmac-md4 not supported."]);
  });

  it("tells an unknown ApiAppKey from an application authorized to other APIs only", async () => {
    const stranger = await newApp();
    const unknown = await appCall(svc, stranger, { path: "/app" });
    expect([unknown.status, unknown.message]).toEqual([401, "HMAC signature cannot be verified."]);
    const notForApi = await appCall(svc, other, { path: "/app" });
    expect([notForApi.status, notForApi.message]).toEqual([401, "HMAC apikey is invalid for API."]);
    expect((await appCall(svc, other, { path: "/other" })).status).toBe(200);
  });

  it("authorizes per environment", async () => {
    const inTest = await appCall(svc, app, { path: "/app" }, "test");
    expect([inTest.status, inTest.message]).toEqual([401, "HMAC signature cannot be verified."]);
    await bind(app, svc, "/app", "test");
    expect((await appCall(svc, app, { path: "/app" }, "test")).status).toBe(200);
  });

  it("applies unbinding, binding and a new secret at once, without a re-release", async () => {
    const live = await newApp();
    expect((await appCall(svc, live, { path: "/other" })).status).toBe(401);
    await bind(live, svc, "/other");
    expect((await appCall(svc, live, { path: "/other" })).status).toBe(200);

    await c.UpdateApiAppKey({ ApiAppId: live.id, ApiAppKey: live.key, ApiAppSecret: "rotatedSecret_0123456789" });
    const old = await appCall(svc, live, { path: "/other" });
    expect(old.status).toBe(401);
    expect(old.message).toMatch(/^HMAC signature does not match/);
    expect((await appCall(svc, { key: live.key, secret: "rotatedSecret_0123456789" }, { path: "/other" })).status).toBe(200);

    await c.UnbindApiApp({ ApiAppId: live.id, ServiceId: svc.serviceId, ApiId: svc.apis["/other"]!, Environment: "release" });
    const unbound = await appCall(svc, { key: live.key, secret: "rotatedSecret_0123456789" }, { path: "/other" });
    expect([unbound.status, unbound.message]).toEqual([401, "HMAC signature cannot be verified."]);
  });

  it("reaches every region's services with an application's change (applications are not regional)", async () => {
    const shanghai = s.client({ region: "ap-shanghai" });
    const far = await newService(shanghai, [{ path: "/far", auth: "APP" }]);
    const roaming = await newApp();
    await bind(roaming, svc, "/other");
    await shanghai.BindApiApp({ ApiAppId: roaming.id, ServiceId: far.serviceId, ApiId: far.apis["/far"]!, Environment: "release" });
    expect((await appCall(far, roaming, { path: "/far" })).text).toBe("ok");

    await c.UpdateApiAppKey({ ApiAppId: roaming.id, ApiAppKey: roaming.key, ApiAppSecret: "roamingSecret_0123456789" });
    const rotated = { key: roaming.key, secret: "roamingSecret_0123456789" };
    for (const [service, path] of [[svc, "/other"], [far, "/far"]] as const) {
      expect((await appCall(service, roaming, { path })).status).toBe(401);
      expect((await appCall(service, rotated, { path })).status).toBe(200);
    }
  });

  it("admits a partner account's application authorized by ID", async () => {
    const partnerClient = s.client({ secretId: PARTNER.secretId, secretKey: PARTNER.secretKey });
    const partnerApp = await newApp(partnerClient);
    await bind(partnerApp, svc, "/other");
    expect((await appCall(svc, partnerApp, { path: "/other" })).status).toBe(200);
  });

  it("ignores the APP headers on an API without authentication, and needs them on an APP API only", async () => {
    const open = await newService(c, [{ path: "/open" }]);
    const r = await appCall(open, app, { path: "/open" });
    expect([r.status, r.text]).toEqual([200, "ok"]);
  });
});
