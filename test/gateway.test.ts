/**
 * The gateway end to end: real sockets, a real local backend that echoes what it receives,
 * and configuration published straight into the store (as ReleaseService will do), followed
 * by the change event.
 */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.js";
import type { AccessLogRecord } from "../src/gateway/access-log.js";
import { createGateway } from "../src/gateway/gateway.js";
import { newId, releaseVersion } from "../src/ids.js";
import type { ApiRecord } from "../src/resources/apis.js";
import { publish, releases, unpublish, type ReleaseRecord } from "../src/resources/releases.js";
import { defaultDomains, services, type ServiceRecord } from "../src/resources/services.js";
import type { Scope } from "../src/store/resources.js";
import { startTestServer, type TestServer } from "./helpers.js";

// ---------------------------------------------------------------------------------------
// A backend that answers with what it received. Request headers steer it:
// x-test-sleep (ms before answering), x-test-status, x-test-type, x-test-size (pad the body).
// ---------------------------------------------------------------------------------------

interface Echo {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function startEchoBackend(): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the gateway gave up on this request
    }
    const sleep = Number(req.headers["x-test-sleep"] ?? 0);
    if (sleep) await new Promise((r) => setTimeout(r, sleep));
    if (res.destroyed) return;
    const url = new URL(req.url!, "http://backend");
    const echo: Echo & { pad?: string } = {
      method: req.method!,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    const size = Number(req.headers["x-test-size"] ?? 0);
    if (size) echo.pad = "x".repeat(size);
    const body = JSON.stringify(echo);
    res.writeHead(Number(req.headers["x-test-status"] ?? 200), {
      "Content-Type": (req.headers["x-test-type"] as string) ?? "application/json",
      "Content-Length": Buffer.byteLength(body),
      "X-Backend": "echo",
      // A header the backend declares hop-by-hop (named in its Connection): not for the client.
      ...(req.headers["x-test-hop"] ? { Connection: "keep-alive, X-Private", "X-Private": "backend only", "Keep-Alive": "timeout=5" } : {}),
      ...(req.headers["x-test-encoding"] ? { "Content-Encoding": req.headers["x-test-encoding"] as string } : {}),
    });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

// ---------------------------------------------------------------------------------------
// Publishing without the control API: service record, release snapshot, environment row.
// ---------------------------------------------------------------------------------------

let server: TestServer;
let scope: Scope;
let backendUrl: string;
let echoBackend: http.Server;
const config = loadConfig({});

type ApiSpec = Partial<Omit<ApiRecord, "RequestConfig" | "ServiceConfig">> & {
  path: string;
  method?: string;
  ServiceConfig?: ApiRecord["ServiceConfig"];
};

function apiRecord(serviceId: string, spec: ApiSpec): ApiRecord {
  const { path, method, ...rest } = spec;
  const now = new Date().toISOString();
  return {
    ServiceId: serviceId,
    ApiId: newId.api(),
    ApiName: `api_${path}`,
    ApiDesc: "",
    ApiType: "NORMAL",
    Protocol: "HTTP",
    AuthType: "NONE",
    ApiBusinessType: "NORMAL",
    AuthRelationApiId: "",
    RequestConfig: { Path: path, Method: method ?? "GET" },
    RequestParameters: [],
    ServiceType: "HTTP",
    ServiceTimeout: 15,
    ServiceConfig: { Url: backendUrl, Path: "", Method: "ANY" },
    ServiceParameters: [],
    ConstantParameters: [],
    ServiceMockReturnMessage: "",
    EnableCORS: false,
    IsBase64Encoded: false,
    Tags: [],
    CreatedTime: now,
    ModifiedTime: now,
    ...rest,
  };
}

function mock(path: string, message: string, extra: Partial<ApiSpec> = {}): ApiSpec {
  return { path, ServiceType: "MOCK", ServiceMockReturnMessage: message, ...extra };
}

interface Published {
  serviceId: string;
  host: string;
  innerHost: string;
  /** Publishes a new snapshot of `apis` to `environment`. */
  release(apis: ApiSpec[], environment?: string): Promise<void>;
}

async function publishService(apis: ApiSpec[], environments = ["release"]): Promise<Published> {
  const db = server.apigw.store.db;
  const serviceId = newId.service();
  const domains = defaultDomains(config, scope, serviceId);
  const now = new Date().toISOString();
  const service: ServiceRecord = {
    ServiceId: serviceId,
    ServiceName: "gwtest",
    ServiceDesc: "",
    Protocol: "http",
    NetTypes: ["OUTER", "INNER"],
    IpVersion: "IPv4",
    ExclusiveSetName: "",
    SetServerName: "",
    AppIdType: "",
    InstanceId: "",
    ProjectId: "0",
    TceArch: "",
    Tags: [],
    OuterSubDomain: domains.outer,
    InnerSubDomain: domains.inner,
    CreatedTime: now,
    ModifiedTime: now,
  };
  await services.insert(db, scope, serviceId, service);
  const release = async (specs: ApiSpec[], environment = "release") => {
    const versionName = releaseVersion(new Date());
    const record: ReleaseRecord = {
      ServiceId: serviceId,
      VersionName: versionName,
      VersionDesc: "test",
      CreatedTime: now,
      Service: service,
      Apis: specs.map((s) => apiRecord(serviceId, s)),
    };
    await releases.insert(db, scope, versionName, record, serviceId);
    await publish(db, scope, serviceId, environment, { name: versionName, desc: "test" }, now);
    server.apigw.events.changed({ ...scope, serviceId });
  };
  for (const env of environments) await release(apis, env);
  return { serviceId, host: domains.outer, innerHost: domains.inner, release };
}

// ---------------------------------------------------------------------------------------
// Calling the gateway (http.request, since fetch does not let a caller set Host).
// ---------------------------------------------------------------------------------------

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  json<T = Echo & { message?: string }>(): T;
}

function call(
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: server.apigw.gatewayPort, path, method: options.method ?? "GET", headers: { Host: host, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text = res.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString() : raw.toString();
          resolve({ status: res.statusCode!, headers: res.headers, raw, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  echoBackend = await startEchoBackend();
  backendUrl = `http://127.0.0.1:${(echoBackend.address() as AddressInfo).port}`;
  server = await startTestServer();
  scope = { appId: server.apigw.defaultKey.account.appId, region: "ap-guangzhou" };
});

afterAll(async () => {
  await server?.close();
  echoBackend?.closeAllConnections();
  await new Promise((r) => echoBackend?.close(r));
});

// ---------------------------------------------------------------------------------------

describe("gateway addressing", () => {
  it("listens on the port it reports, and every answer carries X-Api-RequestId", async () => {
    expect(server.apigw.gatewayPort).toBeGreaterThan(0);
    expect(server.apigw.gatewayUrl).toBe(`http://127.0.0.1:${server.apigw.gatewayPort}`);
    const r = await call("nobody.example", "/release/x");
    expect(r.status).toBe(404);
    expect(r.json().message).toMatch(/^Not Found Host/);
    expect(r.headers["x-api-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("finds the service by Host: default domain, inner domain, any case, port ignored", async () => {
    const s = await publishService([mock("/hello", "hi")]);
    for (const host of [s.host, s.innerHost, `${s.host.toUpperCase()}:8080`, `${s.host}:80`]) {
      const r = await call(host, "/release/hello");
      expect(r.status, host).toBe(200);
      expect(r.text).toBe("hi");
    }
  });

  it("answers only environments that are published", async () => {
    const s = await publishService([mock("/hello", "hi")], ["release"]);
    const notPublished = await call(s.host, "/test/hello");
    expect(notPublished.status).toBe(404);
    expect(notPublished.json().message).toContain("not published in environment `test`");
    const notAnEnvironment = await call(s.host, "/hello");
    expect(notAnEnvironment.status).toBe(404);
    expect(notAnEnvironment.json().message).toContain("must start with an environment");
    const noApi = await call(s.host, "/release/nothing");
    expect(noApi.status).toBe(404);
    expect(noApi.json().message).toMatch(/^There is no api match/);
    expect(noApi.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("serves the released snapshot and swaps it on a change event", async () => {
    const s = await publishService([mock("/v", "one")], ["release", "prepub"]);
    expect((await call(s.host, "/prepub/v")).text).toBe("one");
    await s.release([mock("/v", "two")], "prepub");
    expect((await call(s.host, "/prepub/v")).text).toBe("two");
    expect((await call(s.host, "/release/v")).text).toBe("one");

    await unpublish(server.apigw.store.db, scope, s.serviceId, "prepub", new Date().toISOString());
    server.apigw.events.changed({ ...scope, serviceId: s.serviceId });
    expect((await call(s.host, "/prepub/v")).status).toBe(404);
    expect((await call(s.host, "/release/v")).text).toBe("one");
  });

  it("an event without a service id reloads the whole account-region", async () => {
    const s = await publishService([mock("/v", "one")]);
    await unpublish(server.apigw.store.db, scope, s.serviceId, "release", new Date().toISOString());
    server.apigw.events.changed({ ...scope });
    expect((await call(s.host, "/release/v")).status).toBe(404);
  });

  it("a change made inside a transaction is served once it commits, never before", async () => {
    const s = await publishService([mock("/v", "before")]);
    const db = server.apigw.store.db;
    await db.transaction().execute(async (trx) => {
      const versionName = releaseVersion(new Date());
      const record: ReleaseRecord = { ...(await releases.list(trx, scope, s.serviceId))[0]!, VersionName: versionName };
      record.Apis = [apiRecord(s.serviceId, mock("/v", "after"))];
      await releases.insert(trx, scope, versionName, record, s.serviceId);
      await publish(trx, scope, s.serviceId, "release", { name: versionName, desc: "" }, new Date().toISOString());
      // Fired too early, as a careless caller might: the gateway must wait for the commit.
      server.apigw.events.changed({ ...scope, serviceId: s.serviceId });
      expect((await call(s.host, "/release/v")).text).toBe("before");
    });
    await server.apigw.gateway.view.settled();
    expect((await call(s.host, "/release/v")).text).toBe("after");
  });

  it("rejects dot segments that would escape a backend path", async () => {
    const s = await publishService([{ path: "/files", ServiceConfig: { Url: backendUrl, Path: "/public", Method: "ANY" } }]);
    expect((await call(s.host, "/release/files/../secret")).status).toBe(400);
    expect((await call(s.host, "/release/files/%2e%2e/secret")).status).toBe(400);
    expect((await call(s.host, "/release/files/a..b")).json().path).toBe("/public/a..b");
  });
});

describe("through the control API", () => {
  it("serves what ReleaseService publishes as soon as it answers, and stops after UnReleaseService", async () => {
    const client = server.client();
    const { ServiceId, OuterSubDomain } = await client.CreateService({ ServiceName: "gw_sdk", Protocol: "http" });
    await client.CreateApi({
      ServiceId: ServiceId!,
      ApiName: "hello",
      Protocol: "HTTP",
      ServiceType: "MOCK",
      ServiceTimeout: 15,
      ServiceMockReturnMessage: "hello from the SDK",
      RequestConfig: { Path: "/hello", Method: "GET" },
    });
    const host = OuterSubDomain!;
    expect((await call(host, "/test/hello")).status).toBe(404);
    await client.ReleaseService({ ServiceId: ServiceId!, EnvironmentName: "test", ReleaseDesc: "v1" });
    expect((await call(host, "/test/hello")).text).toBe("hello from the SDK");
    await client.UnReleaseService({ ServiceId: ServiceId!, EnvironmentName: "test" });
    expect((await call(host, "/test/hello")).status).toBe(404);
  });
});

describe("matching priority (§2.4)", () => {
  let host: string;
  beforeAll(async () => {
    host = (
      await publishService([
        mock("=/user", "exact"),
        mock("^~/user/vip", "priority"),
        mock("/user/{id}", "template"),
        mock("/user", "prefix"),
        mock("/user/list/all", "longer prefix"),
        mock("/m", "any", { method: "ANY" }),
        mock("/m", "get"),
      ])
    ).host;
  });

  it.each([
    ["/release/user", "exact"],
    ["/release/user/vip/7", "priority"],
    ["/release/user/42", "template"],
    ["/release/user/42/more", "template"],
    ["/release/usertest", "prefix"],
    ["/release/user/", "prefix"],
  ])("%s → %s", async (path, expected) => {
    const r = await call(host, path);
    expect(r.status).toBe(200);
    expect(r.text).toBe(expected);
  });

  it("an exact method beats ANY", async () => {
    expect((await call(host, "/release/m")).text).toBe("get");
    expect((await call(host, "/release/m", { method: "DELETE" })).text).toBe("any");
    expect((await call(host, "/release/user", { method: "POST" })).status).toBe(404);
  });
});

describe("HTTP backend", () => {
  it("composes the backend path as in the §2.5 table", async () => {
    const rows: Array<[frontend: string, backendPath: string, request: string, expected: string]> = [
      ["/", "/", "/a/b", "/a/b"],
      ["/a", "/b", "/a/b", "/b/b"],
      ["/a", "/", "/a/b", "/b"],
      ["/a", "/b", "/a/c", "/b/c"],
      ["/apia/", "", "/apia/20171012/index.html", "/apia/20171012/index.html"],
      ["/apia/", "/endpoint/", "/apia/20171012/index.html", "/endpoint/20171012/index.html"],
      ["/user/{id}", "/users/{id}/profile", "/user/42", "/users/42/profile"],
      ["/user/{id}", "/users/{id}", "/user/42/orders", "/users/42/orders"],
    ];
    for (const [frontend, backendPath, request, expected] of rows) {
      const s = await publishService([{ path: frontend, ServiceConfig: { Url: backendUrl, Path: backendPath, Method: "ANY" } }]);
      const r = await call(s.host, `/release${request}`);
      expect(r.status, `${frontend} ${backendPath} ${request}`).toBe(200);
      expect(r.json().path, `${frontend} ${backendPath} ${request}`).toBe(expected);
    }
  });

  it("passes method, query, headers and body through, and the backend's status, headers and body back", async () => {
    const s = await publishService([{ path: "/echo", method: "ANY" }]);
    const r = await call(s.host, "/release/echo/x?a=1&b=two%20words", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Custom": "c", "X-Test-Status": "201" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(r.status).toBe(201);
    expect(r.headers["x-backend"]).toBe("echo");
    expect(r.headers["x-api-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
    const echo = r.json();
    expect(echo.method).toBe("POST");
    expect(echo.path).toBe("/echo/x");
    expect(echo.query).toEqual({ a: "1", b: "two words" });
    expect(echo.headers["x-custom"]).toBe("c");
    expect(echo.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(echo.body)).toEqual({ hello: "world" });
    // The backend sees its own Host, who called, and the request id.
    expect(echo.headers.host).toBe(backendUrl.slice("http://".length));
    expect(echo.headers["x-api-requestid"]).toBe(r.headers["x-api-requestid"]);
    expect(echo.headers["x-real-ip"]).toBe("127.0.0.1");
  });

  it("appends the client to X-Forwarded-For and keeps hop-by-hop headers to itself", async () => {
    const s = await publishService([{ path: "/echo" }]);
    const echo = (
      await call(s.host, "/release/echo", { headers: { "X-Forwarded-For": "10.0.0.1", Connection: "keep-alive, X-Hop", "X-Hop": "1" } })
    ).json();
    expect(echo.headers["x-forwarded-for"]).toBe("10.0.0.1, 127.0.0.1");
    expect(echo.headers["x-hop"]).toBeUndefined();
    const first = (await call(s.host, "/release/echo")).json();
    expect(first.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("keeps the backend's hop-by-hop headers from the client, with or without gzip", async () => {
    const s = await publishService([{ path: "/echo" }]);
    const extras: Array<Record<string, string>> = [{}, { "Accept-Encoding": "gzip", "X-Test-Size": "5000" }];
    for (const extra of extras) {
      const r = await call(s.host, "/release/echo", { headers: { "X-Test-Hop": "1", ...extra } });
      expect(r.status).toBe(200);
      expect(r.headers["x-backend"]).toBe("echo");
      expect(r.headers["x-private"]).toBeUndefined();
      expect(r.headers["x-api-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("uses the backend method when one is configured", async () => {
    const s = await publishService([{ path: "/m", ServiceConfig: { Url: backendUrl, Path: "/m", Method: "POST" } }]);
    expect((await call(s.host, "/release/m")).json().method).toBe("POST");
  });

  it("streams a chunked upload through", async () => {
    const s = await publishService([{ path: "/up", method: "PUT" }]);
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port: server.apigw.gatewayPort, path: "/release/up", method: "PUT", headers: { Host: s.host } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode!, headers: res.headers, raw: Buffer.from(text), text, json: () => JSON.parse(text) });
          });
        },
      );
      req.on("error", reject);
      req.write("part one, ");
      req.end("part two");
    });
    expect(r.status).toBe(200);
    expect(r.json().body).toBe("part one, part two");
  });

  it("answers 502 when the backend refuses the connection", async () => {
    const s = await publishService([{ path: "/x", ServiceConfig: { Url: `http://127.0.0.1:${await closedPort()}`, Path: "", Method: "ANY" } }]);
    const r = await call(s.host, "/release/x");
    expect(r.status).toBe(502);
    expect(r.json().message).toContain("could not be reached (ECONNREFUSED)");
  });

  it("answers 504 when the backend is slower than the API's timeout", async () => {
    const s = await publishService([{ path: "/slow", ServiceTimeout: 1 }]);
    const r = await call(s.host, "/release/slow", { headers: { "X-Test-Sleep": "2500" } });
    expect(r.status).toBe(504);
    expect(r.json().message).toContain("timeout of 1 s");
  });

  it("answers 413 to a declared body over the limit, without reading it", async () => {
    const s = await publishService([{ path: "/up", method: "POST" }]);
    const socket = net.connect(server.apigw.gatewayPort, "127.0.0.1");
    await once(socket, "connect");
    socket.write(`POST /release/up HTTP/1.1\r\nHost: ${s.host}\r\nContent-Length: 999999999\r\n\r\nabc`);
    let head = "";
    for await (const chunk of socket) {
      head += String(chunk);
      if (head.includes("\r\n\r\n")) break;
    }
    socket.destroy();
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(head.toLowerCase()).toContain("x-api-requestid:");
  });
});

describe("request body limit on the streaming path", () => {
  it("answers 413 when a chunked upload grows past the limit", async () => {
    const { store, events } = server.apigw;
    const small = await createGateway({ store, events, maxBodyBytes: 1000 });
    await new Promise<void>((r) => small.server.listen(0, "127.0.0.1", r));
    try {
      const s = await publishService([{ path: "/up", method: "POST" }]);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: (small.server.address() as AddressInfo).port, path: "/release/up", method: "POST", headers: { Host: s.host } },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.on("error", reject);
        for (let i = 0; i < 10; i++) req.write("z".repeat(300));
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      small.server.closeAllConnections();
      await new Promise((r) => small.server.close(r));
      await small.close();
    }
  });
});

describe("frontend parameters and mapping (§3, §4.3)", () => {
  let host: string;
  beforeAll(async () => {
    const param = (Name: string, Position: string, extra: Partial<ApiRecord["RequestParameters"][number]> = {}) => ({
      Name,
      Position,
      Type: "string",
      Desc: "",
      DefaultValue: "",
      Required: false,
      ...extra,
    });
    const mapping = (from: [string, string], to: [string, string], DefaultValue = "") => ({
      RelevantRequestParameterPosition: from[0],
      RelevantRequestParameterName: from[1],
      Position: to[0],
      Name: to[1],
      DefaultValue,
      RelevantRequestParameterDesc: "",
      RelevantRequestParameterType: "string",
    });
    host = (
      await publishService([
        {
          path: "/items/{id}",
          ServiceConfig: { Url: backendUrl, Path: "/backend/items", Method: "ANY" },
          RequestParameters: [
            param("id", "path", { Required: true }),
            param("name", "query", { Required: true }),
            param("page", "query", { DefaultValue: "1" }),
            param("X-Token", "header"),
            param("q", "query"),
            param("X-Lang", "header", { DefaultValue: "en" }),
          ],
          ServiceParameters: [
            mapping(["path", "id"], ["query", "itemId"]),
            mapping(["header", "X-Token"], ["header", "X-Auth"]),
            mapping(["query", "q"], ["head", "X-Search"]),
          ],
          ConstantParameters: [
            { Name: "X-Const", Position: "header", DefaultValue: "c1", Desc: "" },
            { Name: "source", Position: "query", DefaultValue: "gateway", Desc: "" },
          ],
        },
        {
          path: "/pets/{petId}",
          ServiceConfig: { Url: backendUrl, Path: "/v2/pets/{petId}/detail", Method: "ANY" },
        },
        mock("/required", "ok", { RequestParameters: [param("X-Must", "header", { Required: true })] }),
      ])
    ).host;
  });

  it("rejects a request without a required parameter with 400 naming it", async () => {
    const r = await call(host, "/release/items/5");
    expect(r.status).toBe(400);
    expect(r.json().message).toBe("Missing required parameter `name` in query.");
    const h = await call(host, "/release/required");
    expect(h.status).toBe(400);
    expect(h.json().message).toContain("`X-Must` in header");
    expect((await call(host, "/release/required", { headers: { "X-Must": "yes" } })).text).toBe("ok");
  });

  it("maps parameters, applies defaults and adds constants", async () => {
    const echo = (await call(host, "/release/items/5?name=n&q=find%20me&keep=1", { headers: { "X-Token": "t0k" } })).json();
    expect(echo.path).toBe("/backend/items");
    expect(echo.query).toEqual({ name: "n", keep: "1", itemId: "5", page: "1", source: "gateway" });
    expect(echo.headers["x-auth"]).toBe("t0k");
    expect(echo.headers["x-token"]).toBeUndefined();
    expect(echo.headers["x-search"]).toBe("find me");
    expect(echo.headers["x-lang"]).toBe("en");
    expect(echo.headers["x-const"]).toBe("c1");
  });

  it("keeps values the caller gave over defaults", async () => {
    const echo = (await call(host, "/release/items/5?name=n&page=3", { headers: { "X-Lang": "fr" } })).json();
    expect(echo.query.page).toBe("3");
    expect(echo.headers["x-lang"]).toBe("fr");
  });

  it("fills backend path placeholders from path parameters", async () => {
    const echo = (await call(host, "/release/pets/p%20q")).json();
    expect(echo.path).toBe("/v2/pets/p%20q/detail");
  });
});

describe("mock and unsupported backends", () => {
  it("answers the mock message, as JSON when it is JSON", async () => {
    const s = await publishService([mock("/json", '{"ok":true}'), mock("/text", "hello world")]);
    const json = await call(s.host, "/release/json");
    expect(json.status).toBe(200);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(json.json()).toEqual({ ok: true });
    const text = await call(s.host, "/release/text");
    expect(text.headers["content-type"]).toMatch(/^text\/plain/);
    expect(text.text).toBe("hello world");
  });

  it("answers 502 for backends that need the cloud", async () => {
    const s = await publishService([
      { path: "/scf", ServiceType: "SCF", ServiceConfig: {} },
      { path: "/ws", ServiceType: "WEBSOCKET", ServiceConfig: { Url: "ws://127.0.0.1:1", Path: "/" } },
    ]);
    const scf = await call(s.host, "/release/scf");
    expect(scf.status).toBe(502);
    expect(scf.json().message).toContain("Backend type SCF");
    expect((await call(s.host, "/release/ws")).json().message).toContain("Backend type WEBSOCKET");
  });
});

describe("CORS (§7.2)", () => {
  it("answers the preflight of a CORS API and marks its responses", async () => {
    const s = await publishService([mock("/cors", "c", { EnableCORS: true, method: "POST" }), mock("/plain", "p")]);
    const preflight = await call(s.host, "/release/cors", {
      method: "OPTIONS",
      headers: { Origin: "http://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-a, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-methods"]).toBe("POST");
    expect(preflight.headers["access-control-allow-headers"]).toBe("x-a, content-type");
    expect(preflight.headers["access-control-max-age"]).toBe("600");
    expect(preflight.headers["x-api-requestid"]).toBeDefined();

    const actual = await call(s.host, "/release/cors", { method: "POST", headers: { Origin: "http://app.example" } });
    expect(actual.headers["access-control-allow-origin"]).toBe("*");
    const plain = await call(s.host, "/release/plain", { headers: { Origin: "http://app.example" } });
    expect(plain.headers["access-control-allow-origin"]).toBeUndefined();
    const noCors = await call(s.host, "/release/plain", { method: "OPTIONS", headers: { "Access-Control-Request-Method": "GET" } });
    expect(noCors.status).toBe(404);
  });

  it("adds the header to proxied responses too", async () => {
    const s = await publishService([{ path: "/p", EnableCORS: true }]);
    expect((await call(s.host, "/release/p")).headers["access-control-allow-origin"]).toBe("*");
  });
});

describe("gzip (§4.11)", () => {
  let host: string;
  beforeAll(async () => {
    host = (await publishService([{ path: "/echo" }, mock("/bigmock", JSON.stringify({ pad: "y".repeat(4000) })), mock("/smallmock", "{}")])).host;
  });
  const gzip = { "Accept-Encoding": "gzip, deflate" };

  it("compresses a large compressible backend response when the client accepts gzip", async () => {
    const r = await call(host, "/release/echo", { headers: { ...gzip, "X-Test-Size": "5000" } });
    expect(r.headers["content-encoding"]).toBe("gzip");
    expect(r.headers.vary).toContain("Accept-Encoding");
    expect(r.raw.length).toBeLessThan(5000);
    expect(r.json<{ pad: string }>().pad).toHaveLength(5000);
  });

  it("leaves small, incompressible, already encoded responses and non-gzip clients alone", async () => {
    expect((await call(host, "/release/echo", { headers: gzip })).headers["content-encoding"]).toBeUndefined();
    expect((await call(host, "/release/echo", { headers: { ...gzip, "X-Test-Size": "5000", "X-Test-Type": "image/png" } })).headers["content-encoding"]).toBeUndefined();
    const encoded = await call(host, "/release/echo", { headers: { ...gzip, "X-Test-Size": "5000", "X-Test-Encoding": "br" } });
    expect(encoded.headers["content-encoding"]).toBe("br");
    expect((await call(host, "/release/echo", { headers: { "X-Test-Size": "5000" } })).headers["content-encoding"]).toBeUndefined();
  });

  it("compresses large mock answers", async () => {
    const big = await call(host, "/release/bigmock", { headers: gzip });
    expect(big.headers["content-encoding"]).toBe("gzip");
    expect(big.json<{ pad: string }>().pad).toHaveLength(4000);
    expect((await call(host, "/release/smallmock", { headers: gzip })).headers["content-encoding"]).toBeUndefined();
  });
});

describe("access log", () => {
  it("hands one record per request to the sink", async () => {
    const records: AccessLogRecord[] = [];
    server.apigw.gateway.setAccessLog((r) => records.push(r));
    try {
      const s = await publishService([{ path: "/echo" }]);
      const ok = await call(s.host, "/release/echo/a?x=1");
      const missing = await call(s.host, "/prepub/echo");
      await vi.waitFor(() => expect(records).toHaveLength(2));
      const [first, second] = records;
      expect(first).toMatchObject({
        requestId: ok.headers["x-api-requestid"],
        appId: scope.appId,
        region: "ap-guangzhou",
        serviceId: s.serviceId,
        environment: "release",
        host: s.host,
        clientIp: "127.0.0.1",
        method: "GET",
        path: "/release/echo/a",
        status: 200,
        backendStatus: 200,
        errorMessage: "",
      });
      expect(first!.apiId).toMatch(/^api-/);
      expect(first!.latencyMs).toBeGreaterThanOrEqual(0);
      expect(second).toMatchObject({ requestId: missing.headers["x-api-requestid"], status: 404, backendStatus: undefined, apiId: "" });
      expect(second!.errorMessage).toContain("not published");
    } finally {
      server.apigw.gateway.setAccessLog(() => {});
    }
  });

  it("records 499 when the client leaves before the backend answers", async () => {
    const records: AccessLogRecord[] = [];
    server.apigw.gateway.setAccessLog((r) => records.push(r));
    try {
      const s = await publishService([{ path: "/slow" }]);
      const req = http.request({
        host: "127.0.0.1",
        port: server.apigw.gatewayPort,
        path: "/release/slow",
        headers: { Host: s.host, "X-Test-Sleep": "300" },
      });
      req.on("error", () => {});
      req.end();
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
      await vi.waitFor(() => expect(records).toHaveLength(1));
      expect(records[0]).toMatchObject({ status: 499 });
      expect(records[0]!.errorMessage).toContain("client closed");
    } finally {
      server.apigw.gateway.setAccessLog(() => {});
    }
  });
});
