/**
 * Plugins enforced by the gateway: TrafficControl and TrafficControlByParameter (DATAPLANE
 * §6.2–6.4) with the other limits, Cors over the API's EnableCORS (§7.2), CustomReq and
 * CustomAuth. Configured through the official SDK, called over real HTTP (to real backends
 * and a real verification service). The gateway clock is frozen (`now`, on a minute boundary)
 * and moved by the tests: limits are asserted by counts, never by timing.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";
import { call, newService, signApp, startBodyEchoBackend, statuses, times, type AppKey, type CallOptions, type Service } from "./policy-helpers.js";

let s: TestServer;
let c: ApigatewayClient;
let backend: Awaited<ReturnType<typeof startBodyEchoBackend>>;
/**
 * On a minute boundary, at most a minute behind real time. The control API shares the clock
 * and the SDK signs with real time (±300 s): each test starts again from here.
 */
const start = Math.floor(Date.now() / 60_000) * 60_000;
let now = start;
beforeEach(() => {
  now = start;
});

beforeAll(async () => {
  backend = await startBodyEchoBackend();
  s = await startTestServer({}, {}, { clock: () => now });
  c = s.client();
});
afterAll(async () => {
  await s?.close();
  await backend?.close();
});

const nextMinute = () => (now += 60_000);
const nextSecond = () => (now += 1_000);

async function plugin(type: string, data: unknown, svc: Service, paths: string[], env = "release"): Promise<string> {
  const id = (await c.CreatePlugin({ PluginName: `p_${Math.random().toString(36).slice(2, 8)}`, PluginType: type, PluginData: JSON.stringify(data) })).Result!.PluginId!;
  await c.AttachPlugin({ PluginId: id, ServiceId: svc.serviceId, EnvironmentName: env, ApiIds: paths.map((p) => svc.apis[p]!) });
  return id;
}

const modify = (id: string, data: unknown) => c.ModifyPlugin({ PluginId: id, PluginData: JSON.stringify(data) });
const detach = (id: string, svc: Service, path: string) => c.DetachPlugin({ PluginId: id, ServiceId: svc.serviceId, EnvironmentName: "release", ApiId: svc.apis[path]! });
const get = (svc: Service, path: string, o: CallOptions = {}) => call(s.apigw.gatewayPort, svc.host, path, o);

describe("TrafficControl plugin", () => {
  it("limits the API's calls per window, with the §6.4 answer, and counts a new window afresh", async () => {
    const svc = await newService(c, [{ path: "/a" }, { path: "/b" }]);
    const id = await plugin("TrafficControl", { expire_type: "minute", expire: 1, api_rate_limit: 3 }, svc, ["/a"]);
    nextMinute();
    expect(await statuses(4, () => get(svc, "/release/a"))).toEqual([200, 200, 200, 429]);
    const refused = await get(svc, "/release/a");
    expect(refused.message).toBe(`API rate limit exceeded: TrafficControl plugin \`${id}\` allows API \`${svc.apis["/a"]}\` 3 calls per minute.`);
    expect(refused.headers["retry-after"]).toBeUndefined();
    expect((await get(svc, "/release/b")).status).toBe(200);
    now += 59_000;
    expect((await get(svc, "/release/a")).status).toBe(429);
    nextSecond();
    expect(await statuses(4, () => get(svc, "/release/a"))).toEqual([200, 200, 200, 429]);
  });

  it("limits each client IP; a special IP gets its own value in place of the generic one", async () => {
    const svc = await newService(c, [{ path: "/ip" }]);
    await plugin(
      "TrafficControl",
      { expire_type: "minute", expire: 2, api_rate_limit: 100, ip_rate_limit: 2, spec_ip_rate_limits: [{ ip_key: "127.0.0.4", rate_limit: 4 }] },
      svc,
      ["/ip"],
    );
    // Windows of 2 minutes turn on even minutes (multiples of their length since the epoch).
    now = Math.ceil(now / 120_000) * 120_000;
    const from = (ip: string) => () => get(svc, "/release/ip", { from: ip });
    expect(await statuses(3, from("127.0.0.2"))).toEqual([200, 200, 429]);
    expect((await get(svc, "/release/ip", { from: "127.0.0.2" })).message).toMatch(/allows each client IP 2 calls per 2 minutes on API/);
    expect(await statuses(3, from("127.0.0.3"))).toEqual([200, 200, 429]);
    expect(await statuses(5, from("127.0.0.4"))).toEqual([...times(4, 200), 429]);
    // A window of 2 minutes: one minute on, still refused; two on, admitted again.
    nextMinute();
    expect((await get(svc, "/release/ip", { from: "127.0.0.2" })).status).toBe(429);
    nextMinute();
    expect((await get(svc, "/release/ip", { from: "127.0.0.2" })).status).toBe(200);
  });

  it("limits each application on APP calls; a special application gets its own value", async () => {
    const svc = await newService(c, [{ path: "/app", auth: "APP" }]);
    const apps: Array<AppKey & { id: string }> = [];
    for (let i = 0; i < 2; i++) {
      const r = (await c.CreateApiApp({ ApiAppName: `tc_app_${i}_${Math.random().toString(36).slice(2, 6)}` })).Result!;
      apps.push({ id: r.ApiAppId!, key: r.ApiAppKey!, secret: r.ApiAppSecret! });
      await c.BindApiApp({ ApiAppId: r.ApiAppId!, ServiceId: svc.serviceId, ApiId: svc.apis["/app"]!, Environment: "release" });
    }
    const [plain, special] = apps as [AppKey & { id: string }, AppKey & { id: string }];
    await plugin(
      "TrafficControl",
      { expire_type: "minute", expire: 1, api_rate_limit: 100, app_rate_limit: 1, ip_rate_limit: 50, spec_app_rate_limits: [{ app_id: special.id, rate_limit: 3 }] },
      svc,
      ["/app"],
    );
    nextMinute();
    const appCall = (app: AppKey) => () => {
      const { target, headers } = signApp(app, "release", { path: "/app", xDate: now });
      return get(svc, target, { headers });
    };
    expect(await statuses(2, appCall(plain))).toEqual([200, 429]);
    expect((await appCall(plain)()).message).toMatch(/allows each application 1 call per minute/);
    expect(await statuses(4, appCall(special))).toEqual([200, 200, 200, 429]);
    expect((await appCall(special)()).message).toContain(`application \`${special.id}\` 3 calls per minute`);
  });

  it("applies a modified plugin at once, keeping the window's count; detached, no limit", async () => {
    const svc = await newService(c, [{ path: "/live" }]);
    const id = await plugin("TrafficControl", { expire_type: "minute", expire: 1, api_rate_limit: 2 }, svc, ["/live"]);
    nextMinute();
    expect(await statuses(3, () => get(svc, "/release/live"))).toEqual([200, 200, 429]);
    await modify(id, { expire_type: "minute", expire: 1, api_rate_limit: 4 });
    expect(await statuses(3, () => get(svc, "/release/live"))).toEqual([200, 200, 429]);
    await detach(id, svc, "/live");
    expect(await statuses(5, () => get(svc, "/release/live"))).toEqual(times(5, 200));
  });
});

describe("limits together: the smallest wins", () => {
  it("service QPS, then the plugin's per-minute budget", async () => {
    const svc = await newService(c, [{ path: "/s" }]);
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: 2, EnvironmentNames: ["release"] });
    await plugin("TrafficControl", { expire_type: "minute", expire: 1, api_rate_limit: 5 }, svc, ["/s"]);
    nextMinute();
    expect(await statuses(3, () => get(svc, "/release/s"))).toEqual([200, 200, 429]);
    expect((await get(svc, "/release/s")).message).toMatch(/^API rate limit exceeded: service `.*` allows 2 requests per second/);
    nextSecond();
    expect(await statuses(3, () => get(svc, "/release/s"))).toEqual([200, 200, 429]);
    nextSecond();
    // 4 used of the plugin's 5: one more, then the plugin refuses although the second has room.
    expect(await statuses(2, () => get(svc, "/release/s"))).toEqual([200, 429]);
    expect((await get(svc, "/release/s")).message).toMatch(/TrafficControl plugin/);
  });

  it("a refused request counts nowhere: the plugin's refusals leave the API's budget alone", async () => {
    const svc = await newService(c, [{ path: "/n" }]);
    await c.ModifyApiEnvironmentStrategy({ ServiceId: svc.serviceId, Strategy: 3, EnvironmentName: "release", ApiIds: [svc.apis["/n"]!] });
    await plugin("TrafficControl", { expire_type: "minute", expire: 1, api_rate_limit: 100, ip_rate_limit: 1 }, svc, ["/n"]);
    nextMinute();
    expect(await statuses(3, () => get(svc, "/release/n", { from: "127.0.0.2" }))).toEqual([200, 429, 429]);
    // The API's 3 per second still has 2 left for other clients.
    expect((await get(svc, "/release/n", { from: "127.0.0.3" })).status).toBe(200);
    expect((await get(svc, "/release/n", { from: "127.0.0.4" })).status).toBe(200);
    expect((await get(svc, "/release/n", { from: "127.0.0.5" })).message).toMatch(/API `.*` allows 3 requests per second/);
  });
});

describe("TrafficControlByParameter plugin", () => {
  const data = {
    default_window: 60,
    default_rate_limit: 8,
    strategies: [
      { name: "per_user", strategy_weight: 10, parameters: [{ type: "header", name: "UserId" }], rate_limit: 2, window: 60, condition: "" },
      { name: "per_k", strategy_weight: 5, parameters: [{ type: "query", name: "k" }], rate_limit: 1, window: 1, condition: "header.vip == 1" },
    ],
  };

  it("counts per distinct parameter value; a request without the parameter is not counted by that strategy", async () => {
    const svc = await newService(c, [{ path: "/p" }]);
    const id = await plugin("TrafficControlByParameter", data, svc, ["/p"]);
    nextMinute();
    const user = (u: string) => () => get(svc, "/release/p", { headers: { userid: u } });
    expect(await statuses(3, user("u1"))).toEqual([200, 200, 429]);
    expect((await user("u1")()).message).toBe(
      `API rate limit exceeded: TrafficControlByParameter plugin \`${id}\` strategy \`per_user\` allows each value of header parameter \`UserId\` 2 calls per minute on API \`${svc.apis["/p"]}\`.`,
    );
    expect(await statuses(2, user("u2"))).toEqual([200, 200]);
    // A condition with an undocumented syntax applies unconditionally (one per second per k).
    expect(await statuses(2, () => get(svc, "/release/p?k=a"))).toEqual([200, 429]);
    expect((await get(svc, "/release/p?k=a")).headers["retry-after"]).toBe("1");
    expect((await get(svc, "/release/p?k=b")).status).toBe(200);
    nextSecond();
    // 6 admitted so far of the default policy's 8 per minute: two more, then the default refuses.
    expect(await statuses(3, () => get(svc, "/release/p"))).toEqual([200, 200, 429]);
    expect((await get(svc, "/release/p")).message).toMatch(/allows API `.*` 8 calls per minute \(default policy\)/);
  });

  it("path: counts per request path; default_window 0 turns the default policy off", async () => {
    const svc = await newService(c, [{ path: "/files" }]);
    await plugin(
      "TrafficControlByParameter",
      { default_window: 0, strategies: [{ name: "per_path", strategy_weight: 1, parameters: [{ type: "path" }], rate_limit: 1, window: 60 }] },
      svc,
      ["/files"],
    );
    nextMinute();
    expect(await statuses(2, () => get(svc, "/release/files/a"))).toEqual([200, 429]);
    expect(await statuses(2, () => get(svc, "/release/files/b"))).toEqual([200, 429]);
  });
});

describe("Cors plugin", () => {
  const preflight = (origin: string, method = "GET", headers?: string) => ({
    origin,
    "access-control-request-method": method,
    ...(headers ? { "access-control-request-headers": headers } : {}),
  });

  it("overrides EnableCORS while bound: listed origins only, echoed with credentials, expose headers", async () => {
    const svc = await newService(c, [{ path: "/c", cors: true, backend: backend.url }]);
    expect((await get(svc, "/release/c", { headers: { origin: "https://evil.example" } })).headers["access-control-allow-origin"]).toBe("*");
    const id = await plugin(
      "Cors",
      { allow_origin: ["https://app.example", "http://dev.example:8080"], allow_methods: ["GET", "POST"], allow_headers: ["X-Custom"], expose_headers: ["X-Api-ID", "X-Trace"], allow_credentials: true, max_age: 100 },
      svc,
      ["/c"],
    );

    const ok = await get(svc, "/release/c", { headers: { origin: "https://app.example" } });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({
      "access-control-allow-origin": "https://app.example",
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "X-Api-ID, X-Trace",
      vary: "Origin",
    });
    // The scheme's default port may be written or not.
    expect((await get(svc, "/release/c", { headers: { origin: "https://app.example:443" } })).headers["access-control-allow-origin"]).toBe("https://app.example:443");
    expect((await get(svc, "/release/c", { headers: { origin: "http://dev.example:8080" } })).headers["access-control-allow-origin"]).toBe("http://dev.example:8080");

    const other = await get(svc, "/release/c", { headers: { origin: "https://evil.example" } });
    expect(other.status).toBe(200);
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    expect(other.headers["access-control-allow-credentials"]).toBeUndefined();
    expect((await get(svc, "/release/c", { headers: { origin: "http://dev.example" } })).headers["access-control-allow-origin"]).toBeUndefined();

    await detach(id, svc, "/c");
    expect((await get(svc, "/release/c", { headers: { origin: "https://evil.example" } })).headers["access-control-allow-origin"]).toBe("*");
  });

  it("answers preflights itself: allowed ones with 204 and the configured headers, others 403 saying why", async () => {
    const svc = await newService(c, [{ path: "/pf", method: "POST", backend: backend.url }]);
    await plugin(
      "Cors",
      { allow_origin: ["https://app.example"], allow_methods: ["GET", "POST"], allow_headers: ["X-Custom", "Content-Type"], expose_headers: [], allow_credentials: false, max_age: 100 },
      svc,
      ["/pf"],
    );
    const backendCalls = backend.calls();
    const ok = await get(svc, "/release/pf", { method: "OPTIONS", headers: preflight("https://app.example", "POST", "x-custom, content-type") });
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      "access-control-allow-origin": "https://app.example",
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "X-Custom, Content-Type",
      "access-control-max-age": "100",
      vary: "Origin",
    });
    expect(ok.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(backend.calls()).toBe(backendCalls);

    const badOrigin = await get(svc, "/release/pf", { method: "OPTIONS", headers: preflight("https://evil.example", "POST") });
    expect([badOrigin.status, badOrigin.message]).toEqual([403, "CORS preflight refused: origin `https://evil.example` is not allowed by the API's Cors plugin."]);
    expect(badOrigin.headers["access-control-allow-origin"]).toBeUndefined();
    const badHeader = await get(svc, "/release/pf", { method: "OPTIONS", headers: preflight("https://app.example", "POST", "x-other") });
    expect([badHeader.status, badHeader.message]).toEqual([403, "CORS preflight refused: request header `x-other` is not among the Cors plugin's allowed headers (X-Custom, Content-Type)."]);
  });

  it("refuses a preflight for a method the plugin does not allow", async () => {
    const svc = await newService(c, [{ path: "/put", method: "PUT" }]);
    await plugin("Cors", { allow_origin: ["*"], allow_methods: ["GET"], max_age: 60 }, svc, ["/put"]);
    const r = await get(svc, "/release/put", { method: "OPTIONS", headers: preflight("https://app.example", "PUT") });
    expect([r.status, r.message]).toEqual([403, "CORS preflight refused: method PUT is not among the Cors plugin's allowed methods (GET)."]);
  });

  it("`*`: any origin, as `*` without credentials and echoed with them; `*` headers echo what is asked", async () => {
    const svc = await newService(c, [{ path: "/any" }, { path: "/cred" }]);
    await plugin("Cors", { allow_origin: ["*"], allow_methods: ["GET"], allow_headers: ["*"], max_age: 60 }, svc, ["/any"]);
    await plugin("Cors", { allow_origin: ["**"], allow_methods: ["GET"], allow_credentials: true, max_age: 60 }, svc, ["/cred"]);
    const any = await get(svc, "/release/any", { headers: { origin: "https://x.example" } });
    expect(any.headers["access-control-allow-origin"]).toBe("*");
    expect(any.headers.vary).toBeUndefined();
    const anyPreflight = await get(svc, "/release/any", { method: "OPTIONS", headers: preflight("https://x.example", "GET", "x-a, x-b") });
    expect(anyPreflight.headers["access-control-allow-headers"]).toBe("x-a, x-b");
    const cred = await get(svc, "/release/cred", { headers: { origin: "https://x.example" } });
    expect(cred.headers["access-control-allow-origin"]).toBe("https://x.example");
    expect(cred.headers["access-control-allow-credentials"]).toBe("true");
    // A call without Origin gets no CORS headers from the plugin.
    expect((await get(svc, "/release/any")).headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("CustomReq plugin", () => {
  it("sets, removes and renames headers and query parameters before the backend", async () => {
    const svc = await newService(c, [{ path: "/r", backend: backend.url }]);
    const id = await plugin(
      "CustomReq",
      {
        headers: { set: { "X-From": "gw", "X-Real-IP": "10.9.9.9" }, remove: ["Cookie"], rename: { "X-Old": "X-New" } },
        queries: { set: { v: "2" }, remove: ["debug"], rename: { q: "query" } },
      },
      svc,
      ["/r"],
    );
    const r = await get(svc, "/release/r?q=a&q=b&debug=1&v=1&keep=yes", { headers: { cookie: "a=b", "x-old": "moved", "x-stay": "1" } });
    expect(r.status).toBe(200);
    const echo = r.json();
    expect(echo.query).toEqual({ query: ["a", "b"], v: ["2"], keep: ["yes"] });
    expect(echo.headers).toMatchObject({ "x-from": "gw", "x-new": "moved", "x-stay": "1", "x-real-ip": "10.9.9.9" });
    expect(echo.headers.cookie).toBeUndefined();
    expect(echo.headers["x-old"]).toBeUndefined();

    await detach(id, svc, "/r");
    const plain = (await get(svc, "/release/r?debug=1", { headers: { cookie: "a=b" } })).json();
    expect(plain.query).toEqual({ debug: ["1"] });
    expect(plain.headers.cookie).toBe("a=b");
  });
});

/** A verification service: answers the status in `x-verdict` (default 200), a Location with 302, waits on /slow. */
function startAuthServer() {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const status = Number(req.headers["x-verdict"] ?? 200);
      const answer = () => {
        res.writeHead(status, status === 302 ? { Location: "https://login.example/" } : {});
        res.end("verdict");
      };
      if (req.url!.startsWith("/slow")) setTimeout(answer, 1500);
      else answer();
    });
  });
  return new Promise<{ url: string; seen: typeof seen; close(): Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe("CustomAuth plugin", () => {
  let auth: Awaited<ReturnType<typeof startAuthServer>>;
  beforeAll(async () => {
    auth = await startAuthServer();
  });
  afterAll(() => auth?.close());

  it("admits on 2xx; refuses with the verification service's own status; the request it gets", async () => {
    const svc = await newService(c, [{ path: "/g", backend: backend.url }]);
    await plugin("CustomAuth", { url: `${auth.url}/verify?src=gw`, method: "POST", timeout: 5, headers: { "X-Auth-Secret": "s3" } }, svc, ["/g"]);
    const before = backend.calls();
    const ok = await get(svc, "/release/g?x=1", { headers: { authorization: "token-1" } });
    expect([ok.status, ok.json().path]).toEqual([200, "/g"]);
    const asked = auth.seen.at(-1)!;
    expect(asked.method).toBe("POST");
    expect(asked.url).toBe("/verify?src=gw&x=1");
    expect(asked.headers).toMatchObject({ authorization: "token-1", "x-auth-secret": "s3", "x-forwarded-method": "GET", "x-forwarded-uri": "/release/g?x=1", "x-real-ip": "127.0.0.1" });
    expect(asked.headers["x-api-requestid"]).toBe(ok.headers["x-api-requestid"]);
    expect(asked.body).toBe("");

    for (const verdict of [401, 403, 418, 500]) {
      const r = await get(svc, "/release/g", { headers: { "x-verdict": String(verdict) } });
      expect(r.status).toBe(verdict);
      expect(r.message).toMatch(new RegExp(`^CustomAuth plugin \`plugin-[0-9a-z]{8}\`: the verification service refused the call \\(${verdict}\\)\\.$`));
    }
    const redirect = await get(svc, "/release/g", { headers: { "x-verdict": "302" } });
    expect([redirect.status, redirect.headers.location]).toEqual([302, "https://login.example/"]);
    expect(backend.calls()).toBe(before + 1);
  });

  it("answers 502 when the verification service is unreachable and 504 when it is too slow", async () => {
    const closed = await startAuthServer();
    await closed.close();
    const svc = await newService(c, [{ path: "/down" }, { path: "/slow" }]);
    await plugin("CustomAuth", { url: `${closed.url}/verify` }, svc, ["/down"]);
    await plugin("CustomAuth", { url: `${auth.url}/slow`, timeout: 1 }, svc, ["/slow"]);
    const down = await get(svc, "/release/down");
    expect(down.status).toBe(502);
    expect(down.message).toMatch(/the verification service could not be reached \(ECONNREFUSED\)/);
    const slow = await get(svc, "/release/slow");
    expect(slow.status).toBe(504);
    expect(slow.message).toMatch(/the verification service did not answer within 1 s\./);
  });

  it("sends the body with is_send_body, and the backend gets it too", async () => {
    const svc = await newService(c, [{ path: "/b", method: "POST", backend: backend.url }]);
    await plugin("CustomAuth", { url: `${auth.url}/verify`, is_send_body: true }, svc, ["/b"]);
    const r = await get(svc, "/release/b", { method: "POST", body: '{"order":42}', headers: { "content-type": "application/json" } });
    expect(r.status).toBe(200);
    expect(r.json().body).toBe('{"order":42}');
    expect(auth.seen.at(-1)).toMatchObject({ method: "POST", body: '{"order":42}' });
  });

  it("reuses verdicts by cache_key for cache_ttl seconds, refusals too", async () => {
    const svc = await newService(c, [{ path: "/cached" }]);
    await plugin("CustomAuth", { url: `${auth.url}/verify`, cache_key: ["header.authorization", "query.tenant"], cache_ttl: 60 }, svc, ["/cached"]);
    const asked = () => auth.seen.length;
    const start = asked();
    const send = (token: string, tenant = "t1", verdict = "200") => get(svc, `/release/cached?tenant=${tenant}`, { headers: { authorization: token, "x-verdict": verdict } });
    expect((await send("A")).status).toBe(200);
    expect((await send("A", "t1", "403")).status).toBe(200); // cached: the service is not asked
    expect(asked()).toBe(start + 1);
    expect((await send("A", "t2")).status).toBe(200);
    expect((await send("B", "t1", "403")).status).toBe(403);
    expect((await send("B", "t1", "200")).status).toBe(403);
    expect(asked()).toBe(start + 3);
    // No cache key values at all: not cached.
    await get(svc, "/release/cached");
    await get(svc, "/release/cached");
    expect(asked()).toBe(start + 5);
    now += 60_000;
    expect((await send("B", "t1", "200")).status).toBe(200);
    expect(asked()).toBe(start + 6);
  });

  it("runs after authentication and before the limits: refused calls spend no budget", async () => {
    const svc = await newService(c, [{ path: "/order", backend: backend.url }, { path: "/signed", auth: "SECRET" }]);
    await plugin("CustomAuth", { url: `${auth.url}/verify` }, svc, ["/order", "/signed"]);
    await plugin("TrafficControl", { expire_type: "minute", expire: 1, api_rate_limit: 1 }, svc, ["/order"]);
    nextMinute();
    const start = auth.seen.length;
    expect((await get(svc, "/release/order", { headers: { "x-verdict": "403" } })).status).toBe(403);
    expect((await get(svc, "/release/order", { headers: { "x-verdict": "403" } })).status).toBe(403);
    expect(await statuses(2, () => get(svc, "/release/order"))).toEqual([200, 429]);
    // Key-pair authentication fails first: the verification service is not asked.
    expect((await get(svc, "/release/signed")).status).toBe(401);
    expect(auth.seen.length).toBe(start + 4);
  });
});
