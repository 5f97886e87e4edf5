/**
 * Key-pair (SECRET) authentication, usage plans and throttling strategies, enforced by the
 * gateway: the signature vectors of DATAPLANE §12, then real HTTP calls to services set up
 * through the official SDK. The gateway runs on a frozen clock (`now`), so a "second" lasts
 * until a test moves it on: limits are asserted by counts, never by timing.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys } from "../src/resources/apiKeys.js";
import { usagePlans } from "../src/resources/usagePlans.js";
import { formatHmacAuthorization, hmacSignature, parseHmacAuthorization, signaturesEqual, stringToSign } from "../src/gateway/hmac.js";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

// ---------------------------------------------------------------------------------------
// §12 vectors: the signer and the parser
// ---------------------------------------------------------------------------------------

describe("key-pair signature (DATAPLANE §12 vectors)", () => {
  const secret = "ZxF2whEXAMPLEKEYN2oPrC";
  const signing = "date: Fri, 09 Oct 2015 00:00:00 GMT\nsource: AndriodApp";
  const header = 'hmac id="AKIDEXAMPLE", algorithm="hmac-sha1", headers="date source", signature="r5DQThlNMTcmE2yyTKBYZ9WTfuo="';

  it("builds the string to sign: `name: value` lines joined by \\n, in the order of `headers`", () => {
    expect(stringToSign(["date", "source"], ["Fri, 09 Oct 2015 00:00:00 GMT", "AndriodApp"])).toBe(signing);
    expect(stringToSign(["x-date"], ["Mon, 19 Mar 2018 12:08:40 GMT"])).toBe("x-date: Mon, 19 Mar 2018 12:08:40 GMT");
  });

  it("signs with hmac-sha1 and hmac-sha256 as the vectors say", () => {
    expect(hmacSignature("sha1", secret, signing)).toBe("r5DQThlNMTcmE2yyTKBYZ9WTfuo=");
    expect(hmacSignature("sha256", secret, signing)).toBe("q9wqLgH91Bm2RR5WpZXyv3BJ+mMJVFnjqLr1kxCylk4=");
  });

  it("formats and parses the vector's Authorization header", () => {
    const parsed = { id: "AKIDEXAMPLE", algorithm: "hmac-sha1", headers: ["date", "source"], signature: "r5DQThlNMTcmE2yyTKBYZ9WTfuo=" };
    expect(formatHmacAuthorization(parsed)).toBe(header);
    expect(parseHmacAuthorization(header)).toEqual(parsed);
    // Scheme and names in any case, header names lower-cased, spaces around `=` and `,` tolerated.
    expect(parseHmacAuthorization('HMAC id = "k" ,algorithm="HMAC-SHA256",headers="X-Date  Source" , signature="s"')).toEqual({
      id: "k",
      algorithm: "HMAC-SHA256",
      headers: ["x-date", "source"],
      signature: "s",
    });
  });

  it("tells a malformed header from a missing id/signature and from missing parameters", () => {
    expect(parseHmacAuthorization("Basic dXNlcjpwYXNz")).toBe("format");
    expect(parseHmacAuthorization('hmac id="k", algorithm=hmac-sha1')).toBe("format");
    expect(parseHmacAuthorization('hmac id="k" signature="s"')).toBe("format");
    expect(parseHmacAuthorization('hmac id="", algorithm="hmac-sha1", headers="date", signature="s"')).toBe("id-or-signature");
    expect(parseHmacAuthorization('hmac algorithm="hmac-sha1", headers="date", signature="s"')).toBe("id-or-signature");
    expect(parseHmacAuthorization('hmac id="k", signature="s"')).toBe("parameters");
    expect(parseHmacAuthorization('hmac id="k", algorithm="hmac-sha1", headers=" ", signature="s"')).toBe("parameters");
  });

  it("compares signatures in constant time, rejecting any difference in content or length", () => {
    expect(signaturesEqual("r5DQThlNMTcmE2yyTKBYZ9WTfuo=", "r5DQThlNMTcmE2yyTKBYZ9WTfuo=")).toBe(true);
    expect(signaturesEqual("r5DQThlNMTcmE2yyTKBYZ9WTfuo=", "r5DQThlNMTcmE2yyTKBYZ9WTfuO=")).toBe(false);
    expect(signaturesEqual("r5DQThlNMTcmE2yyTKBYZ9WTfuo=", "r5DQThlNMTcmE2yyTKBYZ9WTfuo")).toBe(false);
    expect(signaturesEqual("r5DQThlNMTcmE2yyTKBYZ9WTfuo=", "")).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// End to end: SDK-built configuration, real HTTP calls, a frozen gateway clock
// ---------------------------------------------------------------------------------------

let s: TestServer;
let c: ApigatewayClient;
/** The clock of the whole server: on a second boundary of real time (the SDK signs with real time), moved on by tests. */
let now = Math.floor(Date.now() / 1000) * 1000;
let n = 0;

beforeAll(async () => {
  s = await startTestServer({}, {}, { clock: () => now });
  c = s.client();
});
afterAll(() => s?.close());

const scope = () => ({ appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" });

/** Moves the clock into a fresh second. */
const nextSecond = () => (now += 1000);

interface Key {
  id: string;
  secret: string;
}

interface Service {
  serviceId: string;
  host: string;
  /** API ids by path. */
  apis: Record<string, string>;
}

/** A service with mock APIs (`/path` → auth type), released to `release`. */
async function newService(apis: Record<string, "SECRET" | "NONE">): Promise<Service> {
  const created = await c.CreateService({ ServiceName: `secret_${++n}`, Protocol: "http" });
  const serviceId = created.ServiceId!;
  const ids: Record<string, string> = {};
  for (const [path, auth] of Object.entries(apis)) {
    const r = await c.CreateApi({
      ServiceId: serviceId,
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "ok",
      ServiceTimeout: 15,
      Protocol: "HTTP",
      AuthType: auth,
      RequestConfig: { Path: path, Method: "GET" },
    });
    ids[path] = r.Result!.ApiId!;
  }
  await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "release", ReleaseDesc: "secret tests" });
  return { serviceId, host: created.OuterSubDomain!, apis: ids };
}

async function newKey(): Promise<Key> {
  const r = (await c.CreateApiKey({ SecretName: `key_${++n}` })).Result!;
  return { id: r.AccessKeyId!, secret: r.AccessKeySecret! };
}

/** A usage plan holding `keys`, bound to the service's `release` (or to some of its APIs). */
async function newPlan(keys: Key[], service: Service, limits: { MaxRequestNum?: number; MaxRequestNumPreSec?: number } = {}, apiPaths?: string[]): Promise<string> {
  const planId = (await c.CreateUsagePlan({ UsagePlanName: `plan_${++n}`, ...limits })).Result!.UsagePlanId!;
  await c.BindSecretIds({ UsagePlanId: planId, AccessKeyIds: keys.map((k) => k.id) });
  await c.BindEnvironment(bindTarget(planId, service, apiPaths));
  return planId;
}

function bindTarget(planId: string, service: Service, apiPaths?: string[]) {
  return apiPaths
    ? { UsagePlanIds: [planId], ServiceId: service.serviceId, Environment: "release", BindType: "API", ApiIds: apiPaths.map((p) => service.apis[p]!) }
    : { UsagePlanIds: [planId], ServiceId: service.serviceId, Environment: "release", BindType: "SERVICE" };
}

/** Headers of a call signed as a caller would (independently of the gateway's code): X-Date and Source signed. */
function signed(key: Key, o: { algorithm?: string; digest?: string; xDate?: number; secret?: string } = {}): Record<string, string> {
  const xDate = new Date(o.xDate ?? now).toUTCString();
  const source = "apigw-test";
  const digest = o.digest ?? "sha1";
  const signature = createHmac(digest, o.secret ?? key.secret).update(`x-date: ${xDate}\nsource: ${source}`).digest("base64");
  return {
    "X-Date": xDate,
    Source: source,
    Authorization: `hmac id="${key.id}", algorithm="${o.algorithm ?? `hmac-${digest}`}", headers="x-date source", signature="${signature}"`,
  };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  message: string | undefined;
}

function call(host: string, path: string, headers: Record<string, string | string[]> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: s.apigw.gatewayPort, path, headers: { Host: host, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        let message: string | undefined;
        if (res.headers["content-type"]?.startsWith("application/json")) message = (JSON.parse(text) as { message?: string }).message;
        resolve({ status: res.statusCode!, headers: res.headers, text, message });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** `count` calls sent at once; their statuses, sorted. */
async function burst(count: number, host: string, path: string, headers: () => Record<string, string> = () => ({})): Promise<number[]> {
  const replies = await Promise.all(Array.from({ length: count }, () => call(host, path, headers())));
  return replies.map((r) => r.status).sort();
}

const times = (count: number, status: number) => Array<number>(count).fill(status);

describe("SECRET authentication through a usage plan", () => {
  let svc: Service;
  let key: Key;
  let planId: string;
  beforeAll(async () => {
    svc = await newService({ "/a": "SECRET" });
    key = await newKey();
    planId = await newPlan([key], svc, { MaxRequestNumPreSec: 500 });
  });

  it("serves a signed call, with the usage-plan headers of §5.6", async () => {
    const r = await call(svc.host, "/release/a", signed(key));
    expect(r.status).toBe(200);
    expect(r.text).toBe("ok");
    expect(r.headers["x-secret-id"]).toBe(key.id);
    expect(r.headers["x-usageplan-id"]).toBe(planId);
    expect(r.headers["x-ratelimit-limit"]).toBe("500");
    expect(r.headers["x-ratelimit-used"]).toMatch(/^\d+\/unlimited$/);
  });

  it.each(["sha1", "sha256", "sha384", "sha512"])("accepts hmac-%s", async (digest) => {
    expect((await call(svc.host, "/release/a", signed(key, { digest }))).status).toBe(200);
  });

  it("accepts an X-Date up to 15 minutes off either way, and an old Date (which is not checked)", async () => {
    expect((await call(svc.host, "/release/a", signed(key, { xDate: now - 14 * 60_000 }))).status).toBe(200);
    expect((await call(svc.host, "/release/a", signed(key, { xDate: now + 14 * 60_000 }))).status).toBe(200);
    const date = "Fri, 09 Oct 2015 00:00:00 GMT";
    const signature = createHmac("sha256", key.secret).update(`date: ${date}`).digest("base64");
    const r = await call(svc.host, "/release/a", { Date: date, Authorization: `hmac id="${key.id}", algorithm="hmac-sha256", headers="date", signature="${signature}"` });
    expect(r.status).toBe(200);
  });

  it("answers each failure with its §9.3 status and message", async () => {
    const good = signed(key);
    const auth = (params: string) => ({ ...good, Authorization: `hmac ${params}` });
    const stranger = await newKey(); // exists, bound to nothing here
    const otherService = await newService({ "/x": "SECRET" });
    await newPlan([stranger], otherService);
    const withoutDate = (k: Key) => {
      const signature = createHmac("sha1", k.secret).update("source: s").digest("base64");
      return { Source: "s", Authorization: `hmac id="${k.id}", algorithm="hmac-sha1", headers="source", signature="${signature}"` };
    };
    const cases: Array<[string, Record<string, string | string[]>, number, string]> = [
      ["no Authorization", { "X-Date": good["X-Date"]! }, 401, "HMAC signature cannot be verified, a validate authorization header is required"],
      ["another scheme", { ...good, Authorization: "Basic dXNlcjpwYXNz" }, 401, "HMAC authorization format error."],
      ["no signature", auth(`id="${key.id}", algorithm="hmac-sha1", headers="x-date source"`), 401, "HMAC id or signature missing."],
      ["no algorithm nor headers", auth(`id="${key.id}", signature="abc"`), 401, "HMAC authorization headers is invalidate."],
      ["an unknown algorithm", auth(`id="${key.id}", algorithm="hmac-md5", headers="x-date source", signature="abc"`), 401, "HMAC algorithm hmac-md5 not supported."],
      ["neither Date nor X-Date", withoutDate(key), 401, "HMAC signature cannot be verified, a valid date or x-date header is required."],
      ["an X-Date that is no date", { ...good, "X-Date": "yesterday" }, 401, "HMAC signature cannot be verified, a valid x-date header is required for HMAC Authentication."],
      ["an X-Date 16 minutes old", signed(key, { xDate: now - 16 * 60_000 }), 401, "HMAC signature cannot be verified, the x-date header is out of date for HMAC Authentication."],
      ["an X-Date 16 minutes ahead", signed(key, { xDate: now + 16 * 60_000 }), 401, "HMAC signature cannot be verified, the x-date header is out of date for HMAC Authentication."],
      ["a signed header missing", { "X-Date": good["X-Date"]!, Authorization: good.Authorization! }, 401, "HMAC signature cannot be verified, a valid source header is required."],
      ["a signed header sent twice", { ...good, Source: ["apigw-test", "again"] }, 401, "HMAC do not support multiple HTTP header."],
      ["an unknown key", signed({ id: "AKIDnobody", secret: "x" }), 401, "HMAC signature cannot be verified."],
      [
        "a wrong signature",
        signed(key, { secret: "not-the-secret" }),
        401,
        `HMAC signature does not match, Server StringToSign:x-date: ${good["X-Date"]}#source: apigw-test`,
      ],
      ["a valid key with no usage plan here", signed(stranger), 403, "Found no validate usage plan"],
    ];
    for (const [what, headers, status, message] of cases) {
      const r = await call(svc.host, "/release/a", headers);
      expect([what, r.status, r.message], what).toEqual([what, status, message]);
      expect(r.headers["x-api-requestid"], what).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers["x-secret-id"], what).toBeUndefined();
    }
  });

  it("answers 401 'apikey is invalid for API' to a key whose plan covers only other APIs of the environment", async () => {
    const two = await newService({ "/mine": "SECRET", "/theirs": "SECRET" });
    const k = await newKey();
    await newPlan([k], two, {}, ["/theirs"]);
    expect((await call(two.host, "/release/theirs", signed(k))).status).toBe(200);
    const r = await call(two.host, "/release/mine", signed(k));
    expect([r.status, r.message]).toEqual([401, "HMAC apikey is invalid for API."]);
  });

  it("knows a key created a moment ago and bound nowhere: 403, not 401", async () => {
    const svcForFresh = await newService({ "/fresh": "SECRET" });
    const fresh = await newKey();
    const r = await call(svcForFresh.host, "/release/fresh", signed(fresh));
    expect([r.status, r.message]).toEqual([403, "Found no validate usage plan"]);
  });

  it("answers 403 on a SECRET API no plan is bound to", async () => {
    const bare = await newService({ "/a": "SECRET" });
    const r = await call(bare.host, "/release/a", signed(key));
    expect([r.status, r.message]).toEqual([403, "Found no validate usage plan"]);
  });
});

describe("usage-plan QPS and quota", () => {
  it("a burst over the plan's QPS gets exactly the limit through each second, 429 for the rest", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    const planId = await newPlan([key], svc, { MaxRequestNumPreSec: 3 });
    nextSecond();
    expect(await burst(20, svc.host, "/release/a", () => signed(key))).toEqual([...times(3, 200), ...times(17, 429)]);
    const refused = await call(svc.host, "/release/a", signed(key));
    expect(refused.status).toBe(429);
    expect(refused.message).toBe(`API rate limit exceeded: usage plan \`${planId}\` allows 3 requests per second for key \`${key.id}\`.`);
    expect(refused.headers["retry-after"]).toBe("1");
    expect([refused.headers["x-usageplan-id"], refused.headers["x-ratelimit-limit"], refused.headers["x-ratelimit-used"]]).toEqual([planId, "3", "3/unlimited"]);
    nextSecond();
    expect(await burst(10, svc.host, "/release/a", () => signed(key))).toEqual([...times(3, 200), ...times(7, 429)]);
  });

  it("each key of a plan has its own QPS budget", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const [k1, k2] = [await newKey(), await newKey()];
    await newPlan([k1, k2], svc, { MaxRequestNumPreSec: 2 });
    nextSecond();
    expect(await burst(5, svc.host, "/release/a", () => signed(k1))).toEqual([...times(2, 200), ...times(3, 429)]);
    expect(await burst(5, svc.host, "/release/a", () => signed(k2))).toEqual([...times(2, 200), ...times(3, 429)]);
  });

  it("the quota runs out and stays out; only authenticated calls consume it; raising it lets more through", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    const planId = await newPlan([key], svc, { MaxRequestNum: 4 });
    // Calls that fail authentication use none of it.
    for (let i = 0; i < 3; i++) expect((await call(svc.host, "/release/a", signed(key, { secret: "wrong-secret" }))).status).toBe(401);
    const used: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(svc.host, "/release/a", signed(key));
      expect(r.status).toBe(200);
      used.push(r.headers["x-ratelimit-used"] as string);
    }
    expect(used).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    for (let second = 0; second < 3; second++) {
      nextSecond();
      const r = await call(svc.host, "/release/a", signed(key));
      expect([r.status, r.message]).toEqual([429, `API quota exceeded: usage plan \`${planId}\` allows 4 requests in all for key \`${key.id}\`, and all are used.`]);
      expect(r.headers["retry-after"]).toBeUndefined();
      expect(r.headers["x-ratelimit-used"]).toBe("4/4");
    }
    expect(s.apigw.gateway.view.quotaUsed(scope(), planId, key.id)).toBe(4);
    await c.ModifyUsagePlan({ UsagePlanId: planId, MaxRequestNum: 6 });
    expect(await burst(5, svc.host, "/release/a", () => signed(key))).toEqual([...times(2, 200), ...times(3, 429)]);
    expect(s.apigw.gateway.view.quotaUsed(scope(), planId, key.id)).toBe(6);
    // The control API reports the same figure as InUseRequestNum.
    const envs = await c.DescribeUsagePlanEnvironments({ UsagePlanId: planId, BindType: "SERVICE" });
    expect(envs.Result?.EnvironmentList.map((e) => e.InUseRequestNum)).toEqual([6]);
    const servicePlans = await c.DescribeServiceUsagePlan({ ServiceId: svc.serviceId });
    expect(servicePlans.Result?.ServiceUsagePlanList.map((e) => e.InUseRequestNum)).toEqual([6]);
  });

  it("counts exactly under concurrent load: 200 calls at once, QPS 37, quota 50 over two seconds", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    await newPlan([key], svc, { MaxRequestNumPreSec: 37, MaxRequestNum: 50 });
    nextSecond();
    expect(await burst(200, svc.host, "/release/a", () => signed(key))).toEqual([...times(37, 200), ...times(163, 429)]);
    nextSecond();
    expect(await burst(200, svc.host, "/release/a", () => signed(key))).toEqual([...times(13, 200), ...times(187, 429)]);
  });
});

describe("throttling strategies", () => {
  it("service and API strategies cap an API without authentication; the smallest wins", async () => {
    const svc = await newService({ "/n1": "NONE", "/n2": "NONE" });
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: 3, EnvironmentNames: ["release"] });
    nextSecond();
    const both = await Promise.all([burst(5, svc.host, "/release/n1"), burst(5, svc.host, "/release/n2")]);
    expect(both.flat().sort()).toEqual([...times(3, 200), ...times(7, 429)]);
    const refused = await call(svc.host, "/release/n1");
    expect(refused.message).toBe(`API rate limit exceeded: service \`${svc.serviceId}\` allows 3 requests per second in environment \`release\`.`);

    await c.ModifyApiEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: 1, EnvironmentName: "release", ApiIds: [svc.apis["/n1"]!] });
    nextSecond();
    expect(await burst(5, svc.host, "/release/n1")).toEqual([200, ...times(4, 429)]);
    const apiRefused = await call(svc.host, "/release/n1");
    expect(apiRefused.message).toBe(`API rate limit exceeded: API \`${svc.apis["/n1"]}\` allows 1 requests per second in environment \`release\`.`);
    // The service's budget left for the other API: 3 − 1.
    expect(await burst(5, svc.host, "/release/n2")).toEqual([...times(2, 200), ...times(3, 429)]);

    // -1: the API follows the service again; 0 closes the service.
    await c.ModifyApiEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: -1, EnvironmentName: "release", ApiIds: [svc.apis["/n1"]!] });
    nextSecond();
    expect(await burst(5, svc.host, "/release/n1")).toEqual([...times(3, 200), ...times(2, 429)]);
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: 0, EnvironmentNames: ["release"] });
    nextSecond();
    expect(await burst(3, svc.host, "/release/n2")).toEqual(times(3, 429));
  });

  it("a service strategy also caps key-pair callers, under the plan's own QPS", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    await newPlan([key], svc, { MaxRequestNumPreSec: 10 });
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: 2, EnvironmentNames: ["release"] });
    nextSecond();
    expect(await burst(6, svc.host, "/release/a", () => signed(key))).toEqual([...times(2, 200), ...times(4, 429)]);
  });

  it("on an API without authentication, a valid plan signature brings the plan's limits and headers; a bad one is ignored", async () => {
    const svc = await newService({ "/open": "NONE" });
    const key = await newKey();
    const planId = await newPlan([key], svc, { MaxRequestNumPreSec: 2 });
    nextSecond();
    const first = await call(svc.host, "/release/open", signed(key));
    expect([first.status, first.headers["x-usageplan-id"]]).toEqual([200, planId]);
    expect(await burst(3, svc.host, "/release/open", () => signed(key))).toEqual([200, 429, 429]);
    const anonymous = await call(svc.host, "/release/open", signed(key, { secret: "wrong-secret" }));
    expect([anonymous.status, anonymous.headers["x-usageplan-id"]]).toEqual([200, undefined]);
    expect((await call(svc.host, "/release/open")).status).toBe(200);
  });
});

describe("policy changes take effect without a re-release", () => {
  it("disabling, enabling and rotating a key; unbinding and rebinding a plan; changing its limit", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    const planId = await newPlan([key], svc);
    const ok = async () => (await call(svc.host, "/release/a", signed(key))).status;
    expect(await ok()).toBe(200);

    await c.DisableApiKey({ AccessKeyId: key.id });
    expect((await call(svc.host, "/release/a", signed(key))).message).toBe("HMAC signature cannot be verified.");
    await c.EnableApiKey({ AccessKeyId: key.id });
    expect(await ok()).toBe(200);

    const oldSecret = key.secret;
    key.secret = (await c.UpdateApiKey({ AccessKeyId: key.id })).Result!.AccessKeySecret!;
    expect((await call(svc.host, "/release/a", signed(key, { secret: oldSecret }))).status).toBe(401);
    expect(await ok()).toBe(200);

    await c.UnBindEnvironment({ ...bindTarget(planId, svc) });
    expect((await call(svc.host, "/release/a", signed(key))).status).toBe(403);
    await c.BindEnvironment(bindTarget(planId, svc));
    expect(await ok()).toBe(200);

    await c.UnBindSecretIds({ UsagePlanId: planId, AccessKeyIds: [key.id] });
    expect((await call(svc.host, "/release/a", signed(key))).status).toBe(403);
    await c.BindSecretIds({ UsagePlanId: planId, AccessKeyIds: [key.id] });

    await c.ModifyUsagePlan({ UsagePlanId: planId, MaxRequestNumPreSec: 1 });
    nextSecond();
    expect(await burst(3, svc.host, "/release/a", () => signed(key))).toEqual([200, 429, 429]);
    await c.ModifyUsagePlan({ UsagePlanId: planId, MaxRequestNumPreSec: -1 });
    expect(await burst(3, svc.host, "/release/a", () => signed(key))).toEqual(times(3, 200));
  });

  it("a change event without a service id recompiles every service of the account-region", async () => {
    const one = await newService({ "/a": "SECRET" });
    const two = await newService({ "/a": "SECRET" });
    const key = await newKey();
    const planId = await newPlan([key], one);
    await c.BindEnvironment(bindTarget(planId, two));
    for (const svc of [one, two]) expect((await call(svc.host, "/release/a", signed(key))).headers["x-ratelimit-limit"]).toBe("unlimited");

    // Written behind the control API's back, then announced for the whole account-region.
    const db = s.apigw.store.db;
    const plan = await usagePlans.get(db, scope(), planId);
    await usagePlans.update(db, scope(), planId, { ...plan, MaxRequestNumPreSec: 9 });
    const record = await apiKeys.get(db, scope(), key.id);
    s.apigw.events.changed(scope());
    for (const svc of [one, two]) expect((await call(svc.host, "/release/a", signed(key))).headers["x-ratelimit-limit"]).toBe("9");

    await apiKeys.update(db, scope(), key.id, { ...record, Status: 0 });
    s.apigw.events.changed(scope());
    for (const svc of [one, two]) expect((await call(svc.host, "/release/a", signed(key))).status).toBe(401);
  });

  it("limits and quotas keep their counts when the service is recompiled", async () => {
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    await newPlan([key], svc, { MaxRequestNumPreSec: 2, MaxRequestNum: 3 });
    nextSecond();
    expect(await burst(2, svc.host, "/release/a", () => signed(key))).toEqual([200, 200]);
    // A re-release recompiles the service: the second's budget is still spent.
    await c.ReleaseService({ ServiceId: svc.serviceId, EnvironmentName: "release", ReleaseDesc: "again" });
    expect((await call(svc.host, "/release/a", signed(key))).status).toBe(429);
    nextSecond();
    await c.ReleaseService({ ServiceId: svc.serviceId, EnvironmentName: "release", ReleaseDesc: "and again" });
    expect(await burst(2, svc.host, "/release/a", () => signed(key))).toEqual([200, 429]);
  });
});

describe("quota usage across restarts (file database)", () => {
  // These tests swap the suite's server (`s`, `c`: the helpers above use them) for servers on
  // one database file, and put the suite's back at the end.
  let suite: [TestServer, ApigatewayClient];
  let dir: string;
  let file: string;
  beforeAll(() => {
    suite = [s, c];
    dir = mkdtempSync(join(tmpdir(), "apigw-quota-"));
    file = join(dir, "apigw.db");
  });
  afterAll(async () => {
    if (s !== suite[0]) await s.close();
    [s, c] = suite;
    rmSync(dir, { recursive: true, force: true });
  });
  const restart = async () => {
    if (s !== suite[0]) await s.close();
    s = await startTestServer({ db: file }, {}, { clock: () => now });
    c = s.client();
  };
  const storedUsage = () =>
    s.apigw.store.sqlite.prepare("SELECT usage_plan_id, access_key_id, used FROM quota_usage ORDER BY usage_plan_id, access_key_id").all() as Array<{
      usage_plan_id: string;
      access_key_id: string;
      used: number;
    }>;

  it("a quota that ran out stays out after a restart, and InUseRequestNum goes on from the stored count", async () => {
    await restart();
    const svc = await newService({ "/a": "SECRET" });
    const [k1, k2] = [await newKey(), await newKey()];
    const planId = await newPlan([k1, k2], svc, { MaxRequestNum: 3 });
    expect(await burst(5, svc.host, "/release/a", () => signed(k1))).toEqual([...times(3, 200), ...times(2, 429)]);
    expect((await call(svc.host, "/release/a", signed(k2))).status).toBe(200);

    await restart(); // a clean stop writes the counts
    const r = await call(svc.host, "/release/a", signed(k1));
    expect([r.status, r.headers["x-ratelimit-used"]]).toEqual([429, "3/3"]);
    const other = await call(svc.host, "/release/a", signed(k2));
    expect([other.status, other.headers["x-ratelimit-used"]]).toEqual([200, "2/3"]);
    const envs = await c.DescribeUsagePlanEnvironments({ UsagePlanId: planId, BindType: "SERVICE" });
    expect(envs.Result?.EnvironmentList.map((e) => e.InUseRequestNum)).toEqual([5]);

    // Raising the quota lets the key on from its stored count.
    await c.ModifyUsagePlan({ UsagePlanId: planId, MaxRequestNum: 4 });
    expect(await burst(2, svc.host, "/release/a", () => signed(k1))).toEqual([200, 429]);
  });

  it("writes only the counts that changed, while serving; a deleted plan's counts are dropped at start", async () => {
    await restart();
    const svc = await newService({ "/a": "SECRET" });
    const key = await newKey();
    const kept = await newPlan([key], svc, { MaxRequestNum: 100 });
    const before = storedUsage();
    expect(await burst(3, svc.host, "/release/a", () => signed(key))).toEqual(times(3, 200));
    await s.apigw.quotaUsage.flush();
    expect(storedUsage().filter((row) => row.usage_plan_id === kept)).toEqual([{ usage_plan_id: kept, access_key_id: key.id, used: 3 }]);
    expect(storedUsage().filter((row) => row.usage_plan_id !== kept)).toEqual(before);
    const stamp = () => s.apigw.store.sqlite.prepare("SELECT updated_at FROM quota_usage WHERE usage_plan_id = ?").get(kept);
    const written = stamp();
    now += 5000;
    await s.apigw.quotaUsage.flush(); // nothing changed: nothing written
    expect(stamp()).toEqual(written);

    await c.UnBindEnvironment({ UsagePlanIds: [kept], ServiceId: svc.serviceId, Environment: "release", BindType: "SERVICE" });
    await c.UnBindSecretIds({ UsagePlanId: kept, AccessKeyIds: [key.id] });
    await c.DeleteUsagePlan({ UsagePlanId: kept });
    await restart();
    expect(storedUsage().some((row) => row.usage_plan_id === kept)).toBe(false);
  });
});
