/**
 * Helpers for the gateway suites on applications, OAuth, IP strategies and plugins: a backend
 * that echoes everything it got (body included), services and APIs made through the SDK, an
 * APP signer written from DATAPLANE §5.3 independently of the gateway's code, and calls with a
 * chosen Host, from a chosen local address.
 */
import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ApigatewayClient } from "./helpers.js";

export interface Echo {
  method: string;
  path: string;
  /** Every value of each query parameter. */
  query: Record<string, string[]>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A backend answering JSON Echo; `x-test-status` sets its status. Counts the calls it gets. */
export function startBodyEchoBackend(): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url!, "http://backend");
      const query: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
      const echo: Echo = { method: req.method!, path: url.pathname, query, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const body = JSON.stringify(echo);
      res.writeHead(Number(req.headers["x-test-status"] ?? 200), { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls: () => calls,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

export interface ApiDef {
  path: string;
  method?: string;
  auth?: "NONE" | "SECRET" | "APP" | "OAUTH";
  /** HTTP backend URL; a mock answering "ok" when absent. */
  backend?: string;
  cors?: boolean;
  /** Extra CreateApi fields (OAuth settings, parameters). */
  extra?: Record<string, unknown>;
}

export interface Service {
  serviceId: string;
  host: string;
  /** API ids by path. */
  apis: Record<string, string>;
}

let seq = 0;

export async function createApi(c: ApigatewayClient, serviceId: string, a: ApiDef): Promise<string> {
  const method = a.method ?? "GET";
  const backend = a.backend
    ? { ServiceType: "HTTP", ServiceConfig: { Url: a.backend, Path: a.path.replace(/^(=|\^~)/, ""), Method: method } }
    : { ServiceType: "MOCK", ServiceMockReturnMessage: "ok" };
  const r = await c.CreateApi({
    ServiceId: serviceId,
    ApiName: `api_${++seq}`,
    Protocol: "HTTP",
    AuthType: a.auth ?? "NONE",
    ServiceTimeout: 15,
    RequestConfig: { Path: a.path, Method: method },
    EnableCORS: a.cors,
    ...backend,
    ...a.extra,
  } as Parameters<ApigatewayClient["CreateApi"]>[0]);
  return r.Result!.ApiId!;
}

/** A service with `apis`, released to each of `environments`. */
export async function newService(c: ApigatewayClient, apis: ApiDef[], environments = ["release"]): Promise<Service> {
  const created = await c.CreateService({ ServiceName: `policy_${process.pid}_${++seq}`, Protocol: "http" });
  const serviceId = created.ServiceId!;
  const ids: Record<string, string> = {};
  for (const a of apis) ids[a.path] = await createApi(c, serviceId, a);
  for (const env of environments) await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: env, ReleaseDesc: "policy tests" });
  return { serviceId, host: created.OuterSubDomain!, apis: ids };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** `message` of a JSON answer. */
  message: string | undefined;
  json<T = Echo>(): T;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The local address to call from (127.0.0.0/8 on Linux), so IP rules see different clients. */
  from?: string;
}

/** One request to the gateway at 127.0.0.1:`port` with `Host: host`. */
export function call(port: number, host: string, path: string, o: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: o.method ?? "GET", headers: { Host: host, ...o.headers }, localAddress: o.from, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let message: string | undefined;
          if (res.headers["content-type"]?.startsWith("application/json")) message = (JSON.parse(text) as { message?: string }).message;
          resolve({ status: res.statusCode!, headers: res.headers, text, message, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

export const times = (count: number, status: number) => Array<number>(count).fill(status);

/** `count` calls one after the other; their statuses. */
export async function statuses(count: number, send: () => Promise<Reply>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await send()).status);
  return out;
}

export interface AppKey {
  key: string;
  secret: string;
}

export interface AppRequest {
  method?: string;
  /** The path without the environment. */
  path: string;
  /** Query parameters, sent URL-encoded, signed decoded. */
  query?: Array<[string, string]>;
  body?: string;
  contentType?: string;
  accept?: string;
  /** Send Content-MD5 (of `body`, or this value). */
  contentMd5?: boolean | string;
  xDate: number;
  algorithm?: "hmac-sha1" | "hmac-sha256";
  /** Sign with this secret instead. */
  secret?: string;
  /** More headers to sign. */
  signed?: Record<string, string>;
}

/**
 * Headers and the request target of an APP call to environment `env`, signed as §5.3 says:
 * signed headers sorted, six lines, form fields merged into the parameters.
 */
export function signApp(app: AppKey, env: string, r: AppRequest): { target: string; headers: Record<string, string> } {
  const method = r.method ?? "GET";
  const signedHeaders: Record<string, string> = { "x-date": new Date(r.xDate).toUTCString(), source: "policy-test", ...r.signed };
  const headers: Record<string, string> = { ...signedHeaders };
  if (r.accept !== undefined) headers.accept = r.accept;
  if (r.contentType !== undefined) headers["content-type"] = r.contentType;
  const isForm = r.contentType?.startsWith("application/x-www-form-urlencoded") ?? false;
  let md5 = "";
  if (r.contentMd5) {
    md5 = typeof r.contentMd5 === "string" ? r.contentMd5 : createHash("md5").update(r.body ?? "").digest("base64");
    headers["content-md5"] = md5;
  }
  const params = [...(r.query ?? [])];
  if (isForm && r.body) for (const [k, v] of new URLSearchParams(r.body)) params.push([k, v]);
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const pathAndParams = params.length ? `${r.path}?${params.map(([k, v]) => (v ? `${k}=${v}` : k)).join("&")}` : r.path;
  const names = Object.keys(signedHeaders).sort();
  const headerBlock = names.map((n) => `${n}: ${signedHeaders[n]}\n`).join("");
  const stringToSign = `${headerBlock}${method}\n${r.accept ?? ""}\n${r.contentType ?? ""}\n${md5}\n${pathAndParams}`;
  const algorithm = r.algorithm ?? "hmac-sha1";
  const signature = createHmac(algorithm.slice(5), r.secret ?? app.secret).update(stringToSign).digest("base64");
  headers.authorization = `hmac id="${app.key}", algorithm="${algorithm}", headers="${names.join(" ")}", signature="${signature}"`;
  const query = r.query?.length ? `?${new URLSearchParams(r.query).toString()}` : "";
  return { target: `/${env}${r.path}${query}`, headers };
}
