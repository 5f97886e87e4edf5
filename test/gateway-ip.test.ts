/**
 * IP access control enforced by the gateway (DATAPLANE §7.1): IP strategies (WHITE / BLACK)
 * and the IPControl plugin, bound per environment and API through the official SDK. The
 * server listens on `::` (dual stack), and calls come from chosen loopback addresses
 * (127.0.0.x, ::1), so rules see different clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";
import { call, newService, type Service } from "./policy-helpers.js";

let s: TestServer;
let c: ApigatewayClient;

beforeAll(async () => {
  s = await startTestServer({ host: "::" });
  c = s.client();
});
afterAll(() => s?.close());

/** A call from `from` (IPv4 through 127.0.0.1, IPv6 through ::1). */
function callFrom(from: string, svc: Service, path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<Awaited<ReturnType<typeof call>>>((resolve, reject) => {
    // policy-helpers' call() connects to 127.0.0.1; an IPv6 source needs an IPv6 destination.
    if (!from.includes(":")) return call(s.apigw.gatewayPort, svc.host, path, { from, headers, method }).then(resolve, reject);
    import("node:http").then(({ request }) => {
      const req = request({ host: "::1", port: s.apigw.gatewayPort, path, method, localAddress: from, headers: { Host: svc.host, ...headers }, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const message = res.headers["content-type"]?.startsWith("application/json") ? (JSON.parse(text) as { message?: string }).message : undefined;
          resolve({ status: res.statusCode!, headers: res.headers, text, message, json: () => JSON.parse(text) });
        });
      });
      req.on("error", reject);
      req.end();
    }, reject);
  });
}

const status = async (from: string, svc: Service, path: string) => (await callFrom(from, svc, path)).status;

async function strategy(svc: Service, type: "WHITE" | "BLACK", data: string, paths: string[], env = "release"): Promise<string> {
  const id = (await c.CreateIPStrategy({ ServiceId: svc.serviceId, StrategyName: `s_${Math.random().toString(36).slice(2, 8)}`, StrategyType: type, StrategyData: data })).Result!.StrategyId!;
  await c.BindIPStrategy({ ServiceId: svc.serviceId, StrategyId: id, EnvironmentName: env, BindApiIds: paths.map((p) => svc.apis[p]!) });
  return id;
}

async function ipControl(svc: Service, data: { type: string; blocks: string }, paths: string[], env = "release"): Promise<string> {
  const id = (await c.CreatePlugin({ PluginName: `ip_${Math.random().toString(36).slice(2, 8)}`, PluginType: "IPControl", PluginData: JSON.stringify(data) })).Result!.PluginId!;
  await c.AttachPlugin({ PluginId: id, ServiceId: svc.serviceId, EnvironmentName: env, ApiIds: paths.map((p) => svc.apis[p]!) });
  return id;
}

describe("IP strategies", () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await newService(c, [{ path: "/white" }, { path: "/black" }, { path: "/free" }, { path: "/v6" }, { path: "/secret", auth: "SECRET" }], ["release", "test"]);
  });

  it("a whitelist admits listed IPs and CIDRs only, on the bound APIs of the bound environment", async () => {
    const id = await strategy(svc, "WHITE", "127.0.0.2\n10.0.0.0/8;127.0.1.0/24", ["/white"]);
    expect(await status("127.0.0.2", svc, "/release/white")).toBe(200);
    expect(await status("127.0.1.77", svc, "/release/white")).toBe(200);
    const denied = await callFrom("127.0.0.3", svc, "/release/white");
    expect(denied.status).toBe(403);
    expect(denied.message).toBe(`IP access denied: client IP 127.0.0.3 is not in the whitelist of IP strategy \`${id}\` bound to this API.`);
    expect(denied.headers["x-api-requestid"]).toBeTruthy();
    expect(await status("127.0.0.3", svc, "/release/free")).toBe(200);
    expect(await status("127.0.0.3", svc, "/test/white")).toBe(200);
  });

  it("a blacklist refuses listed IPs and CIDRs", async () => {
    const id = await strategy(svc, "BLACK", "127.0.0.0/30", ["/black"]);
    expect(await status("127.0.0.4", svc, "/release/black")).toBe(200);
    const denied = await callFrom("127.0.0.2", svc, "/release/black");
    expect([denied.status, denied.message]).toEqual([403, `IP access denied: client IP 127.0.0.2 is in the blacklist of IP strategy \`${id}\` bound to this API.`]);
  });

  it("matches IPv6 clients and CIDRs, and reads IPv4-mapped peers as IPv4", async () => {
    await strategy(svc, "WHITE", "::1\n127.0.0.8", ["/v6"]);
    expect(await status("::1", svc, "/release/v6")).toBe(200);
    expect(await status("127.0.0.8", svc, "/release/v6")).toBe(200);
    expect(await status("127.0.0.9", svc, "/release/v6")).toBe(403);
  });

  it("does not trust X-Forwarded-For from the client", async () => {
    const r = await callFrom("127.0.0.3", svc, "/release/white", { "x-forwarded-for": "127.0.0.2" });
    expect(r.status).toBe(403);
    expect(r.message).toContain("127.0.0.3");
  });

  it("checks the IP before authentication", async () => {
    await strategy(svc, "BLACK", "127.0.0.66", ["/secret"]);
    expect((await callFrom("127.0.0.66", svc, "/release/secret")).status).toBe(403);
    expect((await callFrom("127.0.0.67", svc, "/release/secret")).status).toBe(401);
  });

  it("applies a modified list, an unbinding and a binding at once, without a re-release", async () => {
    const live = await newService(c, [{ path: "/live" }]);
    const id = await strategy(live, "WHITE", "127.0.0.2", ["/live"]);
    expect(await status("127.0.0.5", live, "/release/live")).toBe(403);
    await c.ModifyIPStrategy({ ServiceId: live.serviceId, StrategyId: id, StrategyData: "127.0.0.5" });
    expect(await status("127.0.0.5", live, "/release/live")).toBe(200);
    expect(await status("127.0.0.2", live, "/release/live")).toBe(403);
    await c.UnBindIPStrategy({ ServiceId: live.serviceId, StrategyId: id, EnvironmentName: "release", UnBindApiIds: [live.apis["/live"]!] });
    expect(await status("127.0.0.2", live, "/release/live")).toBe(200);
    await c.BindIPStrategy({ ServiceId: live.serviceId, StrategyId: id, EnvironmentName: "release", BindApiIds: [live.apis["/live"]!] });
    expect(await status("127.0.0.2", live, "/release/live")).toBe(403);
  });
});

describe("IPControl plugin", () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await newService(c, [{ path: "/a" }, { path: "/both" }, { path: "/cors", cors: true }, { path: "/v6" }]);
  });

  it("a black_list plugin refuses listed clients with 403 naming the plugin", async () => {
    const id = await ipControl(svc, { type: "black_list", blocks: "127.0.0.5;127.0.0.6" }, ["/a"]);
    expect(await status("127.0.0.7", svc, "/release/a")).toBe(200);
    const denied = await callFrom("127.0.0.6", svc, "/release/a");
    expect([denied.status, denied.message]).toEqual([403, `IP access denied: client IP 127.0.0.6 is in the blacklist of IPControl plugin \`${id}\` bound to this API.`]);

    await c.ModifyPlugin({ PluginId: id, PluginData: JSON.stringify({ type: "white_list", blocks: "127.0.0.6" }) });
    expect(await status("127.0.0.6", svc, "/release/a")).toBe(200);
    expect(await status("127.0.0.7", svc, "/release/a")).toBe(403);
    await c.DetachPlugin({ PluginId: id, ServiceId: svc.serviceId, EnvironmentName: "release", ApiId: svc.apis["/a"]! });
    expect(await status("127.0.0.7", svc, "/release/a")).toBe(200);
  });

  it("an IPv6 CIDR", async () => {
    await ipControl(svc, { type: "white", blocks: "::0/127" }, ["/v6"]);
    expect(await status("::1", svc, "/release/v6")).toBe(200);
    expect(await status("127.0.0.1", svc, "/release/v6")).toBe(403);
  });

  it("with an IP strategy: the client must pass both", async () => {
    await strategy(svc, "WHITE", "127.0.0.0/29", ["/both"]);
    await ipControl(svc, { type: "black_list", blocks: "127.0.0.3" }, ["/both"]);
    expect(await status("127.0.0.2", svc, "/release/both")).toBe(200);
    expect(await status("127.0.0.3", svc, "/release/both")).toBe(403);
    expect(await status("127.0.0.9", svc, "/release/both")).toBe(403);
  });

  it("refuses a CORS preflight from a denied client, without CORS headers", async () => {
    await ipControl(svc, { type: "black_list", blocks: "127.0.0.9" }, ["/cors"]);
    const preflight = { origin: "https://app.example", "access-control-request-method": "GET" };
    const denied = await callFrom("127.0.0.9", svc, "/release/cors", preflight, "OPTIONS");
    expect(denied.status).toBe(403);
    expect(denied.headers["access-control-allow-origin"]).toBeUndefined();
    const allowed = await callFrom("127.0.0.10", svc, "/release/cors", preflight, "OPTIONS");
    expect(allowed.status).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe("*");
  });
});
