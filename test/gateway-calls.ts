/**
 * Helpers for the custom-domain, API-document and log suites: an echo backend, calls to the
 * gateway with a chosen Host (http.request: fetch does not let a caller set Host), and a
 * service with APIs created and released through the SDK.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { ApigatewayClient } from "./helpers.js";

/** A backend answering JSON `{method, path, query, headers}`; `x-test-status` sets its status. */
export function startEchoBackend(): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url!, "http://backend");
      const body = JSON.stringify({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
      res.writeHead(Number(req.headers["x-test-status"] ?? 200), { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = { path: string; method: string; message?: string; query: Record<string, string> }>(): T;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Call the HTTPS listener (self-signed certificates accepted), with SNI = Host. */
  tls?: boolean;
}

/** One request to the gateway listening on `port` at 127.0.0.1, with `Host: host`. */
export function call(port: number, host: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const transport = options.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: { Host: host, ...options.headers },
        agent: false,
        ...(options.tls ? { servername: host.replace(/:\d+$/, ""), rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const text = body.toString("utf8");
          resolve({ status: res.statusCode!, headers: res.headers, body, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** GET of a whole URL (http), e.g. a document page or a download. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const u = new URL(url);
  return call(Number(u.port), u.host, u.pathname + u.search, { headers });
}

export interface ApiSpec {
  path: string;
  method?: string;
  name?: string;
  auth?: "NONE" | "SECRET";
  params?: Array<{ Name: string; Position: string; Type?: string; Required?: boolean; DefaultValue?: string; Desc?: string }>;
  successExample?: string;
  desc?: string;
}

let seq = 0;

/** A service with HTTP APIs to `backendUrl`, created through the SDK, released to `environments`. */
export async function releasedService(
  client: ApigatewayClient,
  backendUrl: string,
  apis: ApiSpec[],
  environments: string[] = ["release"],
): Promise<{ serviceId: string; domain: string; apiIds: string[] }> {
  const created = await client.CreateService({ ServiceName: `svc_${process.pid}_${seq++}`, Protocol: "http&https", ServiceDesc: "test service" });
  const serviceId = created.ServiceId!;
  const apiIds: string[] = [];
  for (const a of apis) {
    const r = await client.CreateApi({
      ServiceId: serviceId,
      ApiName: a.name ?? `api_${seq++}`,
      ApiDesc: a.desc,
      Protocol: "HTTP",
      AuthType: a.auth ?? "NONE",
      ServiceType: "HTTP",
      ServiceTimeout: 15,
      RequestConfig: { Path: a.path, Method: a.method ?? "GET" },
      ServiceConfig: { Url: backendUrl, Path: a.path.replace(/^(=|\^~)/, ""), Method: a.method ?? "GET" },
      RequestParameters: a.params?.map((p) => ({ Type: "string", Required: false, DefaultValue: "", Desc: "", ...p })),
      ResponseType: a.successExample ? "JSON" : undefined,
      ResponseSuccessExample: a.successExample,
    });
    apiIds.push(r.Result!.ApiId);
  }
  for (const env of environments) await client.ReleaseService({ ServiceId: serviceId, EnvironmentName: env, ReleaseDesc: `to ${env}` });
  return { serviceId, domain: created.OuterSubDomain!, apiIds };
}
