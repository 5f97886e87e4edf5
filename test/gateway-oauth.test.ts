/**
 * OAuth 2.0 enforced by the gateway (DATAPLANE §5.5): an authorization API with a public key
 * and business APIs linked to it, made through the official SDK; JWTs signed here with
 * node:crypto; real HTTP calls on a frozen gateway clock (`now`).
 */
import { createSign, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";
import { call, createApi, newService, type Service } from "./policy-helpers.js";

let s: TestServer;
let c: ApigatewayClient;
const now = Math.floor(Date.now() / 1000) * 1000;
const nowS = now / 1000;

beforeAll(async () => {
  s = await startTestServer({}, {}, { clock: () => now });
  c = s.client();
});
afterAll(() => s?.close());

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

function rs256(privateKey: KeyObject, payload: Record<string, unknown>): string {
  const input = `${b64({ alg: "RS256", typ: "JWT" })}.${b64(payload)}`;
  return `${input}.${createSign("sha256").update(input).sign(privateKey).toString("base64url")}`;
}

function es256(privateKey: KeyObject, payload: Record<string, unknown>): string {
  const input = `${b64({ alg: "ES256", typ: "JWT" })}.${b64(payload)}`;
  return `${input}.${sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

/** The document's sample claims: exp − iat = 300 s. */
const fresh = () => ({ sub: "alice", iat: nowS, nbf: nowS, exp: nowS + 300, jti: "t1" });

interface OauthService extends Service {
  authApiId: string;
}

/** A service with the authorization API /token (mock) and the business API /work (mock "hello world"). */
async function oauthService(publicKey: string, tokenLocation: string, loginRedirectUrl?: string): Promise<OauthService> {
  const created = await c.CreateService({ ServiceName: `oauth_${Math.random().toString(36).slice(2, 8)}`, Protocol: "http" });
  const serviceId = created.ServiceId!;
  const authApiId = await createApi(c, serviceId, {
    path: "/token",
    auth: "OAUTH",
    extra: { ApiBusinessType: "OAUTH", OauthConfig: { PublicKey: publicKey, TokenLocation: tokenLocation, LoginRedirectUrl: loginRedirectUrl }, ServiceMockReturnMessage: "a-token" },
  });
  const workId = await createApi(c, serviceId, {
    path: "/work",
    auth: "OAUTH",
    extra: { ApiBusinessType: "NORMAL", AuthRelationApiId: authApiId, ServiceMockReturnMessage: "hello world" },
  });
  await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "release", ReleaseDesc: "oauth" });
  return { serviceId, host: created.OuterSubDomain!, apis: { "/token": authApiId, "/work": workId }, authApiId };
}

const get = (svc: Service, path: string, headers: Record<string, string> = {}) => call(s.apigw.gatewayPort, svc.host, path, { headers });

describe("OAuth 2.0 with the token in the Authorization header (RS256, JWK key)", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = JSON.stringify(rsa.publicKey.export({ format: "jwk" }));
  let svc: OauthService;
  beforeAll(async () => {
    svc = await oauthService(jwk, "method.req.header.authorization");
  });

  it("proxies the authorization API without a token: it is how callers get one", async () => {
    const r = await get(svc, "/release/token");
    expect([r.status, r.text]).toEqual([200, "a-token"]);
  });

  it("admits a business call with a valid token, with or without `Bearer `", async () => {
    const token = rs256(rsa.privateKey, fresh());
    for (const authorization of [`Bearer ${token}`, `bearer ${token}`, token]) {
      const r = await get(svc, "/release/work", { authorization });
      expect([r.status, r.text]).toEqual([200, "hello world"]);
    }
  });

  it("answers 401 with the §9.3 messages: no token, malformed token", async () => {
    const none = await get(svc, "/release/work");
    expect([none.status, none.message]).toEqual([401, "Oauth signature cannot be verified, a validate authorization header is required."]);
    const malformed = await get(svc, "/release/work", { authorization: "Bearer not.a-jwt" });
    expect([malformed.status, malformed.message]).toEqual([401, "Oauth authorization header format error."]);
    expect(malformed.headers["x-api-requestid"]).toBeTruthy();
  });

  it("refuses a token signed with another key, or with another algorithm", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await get(svc, "/release/work", { authorization: `Bearer ${rs256(other.privateKey, fresh())}` });
    expect([forged.status, forged.message]).toEqual([401, "Oauth signature cannot be verified, the token's signature does not match the public key."]);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const wrongAlg = await get(svc, "/release/work", { authorization: `Bearer ${es256(ec.privateKey, fresh())}` });
    expect(wrongAlg.status).toBe(401);
    expect(wrongAlg.message).toBe("Oauth signature cannot be verified, the token's algorithm (alg) must be one of RS256, RS384, RS512, PS256, PS384, PS512.");
  });

  it("checks exp and nbf against the gateway's clock", async () => {
    const expired = await get(svc, "/release/work", { authorization: `Bearer ${rs256(rsa.privateKey, { ...fresh(), iat: nowS - 300, exp: nowS })}` });
    expect([expired.status, expired.message]).toEqual([401, "Oauth signature cannot be verified, the token has expired (exp)."]);
    const early = await get(svc, "/release/work", { authorization: `Bearer ${rs256(rsa.privateKey, { ...fresh(), nbf: nowS + 1 })}` });
    expect([early.status, early.message]).toEqual([401, "Oauth signature cannot be verified, the token is not valid yet (nbf)."]);
    const lastSecond = await get(svc, "/release/work", { authorization: `Bearer ${rs256(rsa.privateKey, { ...fresh(), exp: nowS + 1 })}` });
    expect(lastSecond.status).toBe(200);
  });

  it("verifies with the key of the release: a new key applies when the service is released again", async () => {
    const next = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const nextJwk = JSON.stringify(next.publicKey.export({ format: "jwk" }));
    const svc2 = await oauthService(jwk, "Header");
    const oldToken = `Bearer ${rs256(rsa.privateKey, fresh())}`;
    const newToken = `Bearer ${rs256(next.privateKey, fresh())}`;
    await c.ModifyApi({
      ServiceId: svc2.serviceId,
      ApiId: svc2.authApiId,
      ApiName: "token",
      Protocol: "HTTP",
      AuthType: "OAUTH",
      ApiBusinessType: "OAUTH",
      OauthConfig: { PublicKey: nextJwk, TokenLocation: "Header" },
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "a-token",
      ServiceTimeout: 15,
      RequestConfig: { Path: "/token", Method: "GET" },
    } as Parameters<ApigatewayClient["ModifyApi"]>[0]);
    expect((await get(svc2, "/release/work", { authorization: oldToken })).status).toBe(200);
    await c.ReleaseService({ ServiceId: svc2.serviceId, EnvironmentName: "release", ReleaseDesc: "new key" });
    expect((await get(svc2, "/release/work", { authorization: oldToken })).status).toBe(401);
    expect((await get(svc2, "/release/work", { authorization: newToken })).status).toBe(200);
  });
});

describe("OAuth 2.0 token locations, PEM and EC keys, the login redirect", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = ec.publicKey.export({ type: "spki", format: "pem" }) as string;
  const token = () => es256(ec.privateKey, fresh());

  it("reads the token from a cookie (ES256, PEM key)", async () => {
    const svc = await oauthService(pem, "method.req.cookie.session_token");
    expect((await get(svc, "/release/work", { cookie: `theme=dark; session_token=${token()}` })).text).toBe("hello world");
    const missing = await get(svc, "/release/work", { cookie: "theme=dark", authorization: `Bearer ${token()}` });
    expect([missing.status, missing.message]).toEqual([401, "Oauth miss Oauth id_token."]);
  });

  it("reads the token from a query parameter", async () => {
    const svc = await oauthService(pem, "method.req.querystring.access_token");
    expect((await get(svc, `/release/work?x=1&access_token=${token()}`)).text).toBe("hello world");
    expect((await get(svc, "/release/work?x=1")).message).toBe("Oauth miss Oauth id_token.");
  });

  it("reads the token from a custom header", async () => {
    const svc = await oauthService(pem, "method.req.header.X-Token");
    expect((await get(svc, "/release/work", { "x-token": token() })).text).toBe("hello world");
  });

  it("redirects a call without a token to LoginRedirectUrl; a bad token still gets 401", async () => {
    const svc = await oauthService(pem, "Header", "http://login.example:8080/login");
    const r = await get(svc, "/release/work");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("http://login.example:8080/login");
    const bad = await get(svc, "/release/work", { authorization: "Bearer a.b.c" });
    expect(bad.status).toBe(401);
  });

  it("answers `found no related Oauth api` when the authorization API is not published with the business API", async () => {
    const home = await oauthService(pem, "Header");
    // The control API accepts an authorization API of another service; the gateway links within a release.
    const created = await c.CreateService({ ServiceName: "oauth_elsewhere", Protocol: "http" });
    const api = await createApi(c, created.ServiceId!, { path: "/far", auth: "OAUTH", extra: { ApiBusinessType: "NORMAL", AuthRelationApiId: home.authApiId } });
    await c.ReleaseService({ ServiceId: created.ServiceId!, EnvironmentName: "release", ReleaseDesc: "far" });
    const far = { serviceId: created.ServiceId!, host: created.OuterSubDomain!, apis: { "/far": api } };
    const r = await get(far, "/release/far", { authorization: `Bearer ${token()}` });
    expect([r.status, r.message]).toEqual([401, "Oauth found no related Oauth api."]);
  });

  it("leaves other auth types alone: a NONE API ignores a bearer token", async () => {
    const open = await newService(c, [{ path: "/open" }]);
    expect((await get(open, "/release/open", { authorization: `Bearer ${token()}` })).text).toBe("ok");
  });
});
