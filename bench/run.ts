/**
 * `npm run bench`: the gateway measured side by side with what it is compared to, in one run
 * on one machine, loopback only. Six measurements, one table:
 *
 *   1. MOCK API via the gateway        vs  a bare node:http server answering the same bytes
 *   2. HTTP API via the gateway        vs  nginx (one worker, proxy_pass, upstream keepalive)
 *                                          in front of the same backend
 *   3. the HTTP API with key-pair (SECRET) auth and a usage plan  vs  2's gateway figure
 *   4. a service with 10,000 published APIs  vs  a service with one (the same kind of API hit)
 *   5. added latency: p99 via the gateway minus p99 of the backend called directly, both under
 *      the same fixed-rate (open-loop) load at half of 2's gateway figure
 *   6. memory: the gateway's RSS after one million more requests vs after warm-up
 *
 * Processes: the backend (node:http, fixed answer; also the "bare node:http" of 1), apigw (its
 * gateway, control API and a file database in a temp dir, as `npm start` runs it; the
 * configuration is made through the control API, except the 10,000 APIs, inserted as one
 * release), and nginx with a generated nginx.conf in the same temp dir. Throughput comes from
 * wrk (-t1, BENCH_CONNECTIONS connections; a small undici load generator without wrk); runs are
 * interleaved (every scenario once per round, BENCH_ROUNDS rounds of BENCH_SECONDS) and each
 * figure is the median of its rounds. Latency comes from the open-loop generator below (wrk2 is
 * not packaged). nginx and wrk are installed with apt-get when missing. Every child process is
 * stopped at the end, and the temp dir removed.
 *
 * BENCH_CPU_PROF_DIR=dir writes a CPU profile of the gateway process there.
 */
import { execFileSync, fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Requests through the gateway between the two memory samples. */
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 1_000_000);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const BIG_SERVICE_APIS = 10_000;

/** What the MOCK API, the bare server and the backend answer. */
const ANSWER = JSON.stringify({ hello: "world", from: "apigw bench" });
const ANSWER_TYPE = "application/json; charset=utf-8";
/** The API hit on the one-API and the 10,000-API services (a template path). */
const ROUTED_PATH = "/users/{id}/orders";
const ROUTED_REQUEST = "/release/users/42/orders";

// ---------------------------------------------------------------------------------------
// Child roles
// ---------------------------------------------------------------------------------------

/** A node:http server answering ANSWER to everything. */
function fixedAnswerServer(): http.Server {
  const body = Buffer.from(ANSWER);
  return http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": ANSWER_TYPE, "Content-Length": body.length });
    res.end(body);
  });
}

async function runFixed(): Promise<void> {
  const server = fixedAnswerServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** The `{name}` segments of an API path, declared as required path parameters (as CreateApi wants them). */
const pathParams = (path: string) =>
  [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ Name: m[1]!, Position: "PATH", Type: "string", Required: true, Desc: "", DefaultValue: "" }));

/** What the gateway child tells the orchestrator once it is ready. */
interface GatewayReady {
  port: number;
  /** Host of the service with the MOCK, HTTP and SECRET APIs. */
  mainHost: string;
  oneHost: string;
  bigHost: string;
  /** Headers of a signed call to the SECRET API (X-Date valid 15 minutes). */
  signed: Record<string, string>;
  setupMs: number;
  accessLogThreaded: boolean;
}

/**
 * apigw as `npm start` runs it (file database in `dir`), set up through its control API:
 * service "bench" (MOCK /mock, HTTP /http, SECRET /secret with a key in a usage plan), service
 * "one" (one MOCK API at ROUTED_PATH) and service "big" (the same API among 10,000).
 */
async function runGateway(backendUrl: string, dir: string): Promise<void> {
  const started = performance.now();
  const { loadConfig } = await import("../src/config.js");
  const { startApigw } = await import("../src/server.js");
  const { ApigwClient } = await import("../src/client/index.js");
  const { releaseVersion } = await import("../src/ids.js");
  const { services } = await import("../src/resources/services.js");
  const { publish, releases } = await import("../src/resources/releases.js");
  const { createHmac } = await import("node:crypto");

  // The service QPS raised (a shared instance's 5000 would throttle the bench).
  const config = loadConfig(
    { APIGW_LOG_LEVEL: "error", APIGW_LIMIT_SERVICE_QPS: "100000000" },
    { controlPort: 0, gatewayPort: 0, db: join(dir, "apigw.db") },
  );
  const apigw = await startApigw(config);
  const key = apigw.defaultKey;
  const c = new ApigwClient({ endpoint: apigw.controlUrl, secretId: key.secretId, secretKey: key.secretKey, region: "ap-guangzhou" });

  const service = async (name: string) => {
    const s = await c.CreateService({ ServiceName: name, Protocol: "http", NetTypes: ["OUTER"] });
    return { id: s.ServiceId!, host: s.OuterSubDomain! };
  };
  const api = async (serviceId: string, path: string, auth: "NONE" | "SECRET", backend?: string) =>
    (
      await c.CreateApi({
        ServiceId: serviceId,
        ApiName: `bench${path.replace(/[^a-z]/g, "_")}`,
        Protocol: "HTTP",
        AuthType: auth,
        ServiceTimeout: 15,
        RequestConfig: { Path: path, Method: "GET" },
        RequestParameters: pathParams(path),
        ...(backend
          ? { ServiceType: "HTTP", ServiceConfig: { Url: backend, Path: "/", Method: "GET" } }
          : { ServiceType: "MOCK", ServiceMockReturnMessage: ANSWER }),
      })
    ).Result!.ApiId!;

  const main = await service("bench");
  await api(main.id, "/mock", "NONE");
  await api(main.id, "/http", "NONE", backendUrl);
  await api(main.id, "/secret", "SECRET", backendUrl);
  await c.ReleaseService({ ServiceId: main.id, EnvironmentName: "release", ReleaseDesc: "bench" });
  const apiKey = (await c.CreateApiKey({ SecretName: "bench" })).Result!;
  // A quota high enough never to run out. No plan QPS: the control API allows at most 2000,
  // which would throttle the bench (the service QPS and the quota are still checked per call).
  const planId = (await c.CreateUsagePlan({ UsagePlanName: "bench", MaxRequestNumPreSec: -1, MaxRequestNum: 100_000_000 })).Result!.UsagePlanId!;
  await c.BindSecretIds({ UsagePlanId: planId, AccessKeyIds: [apiKey.AccessKeyId!] });
  await c.BindEnvironment({ UsagePlanIds: [planId], ServiceId: main.id, Environment: "release", BindType: "SERVICE" });

  const one = await service("one");
  await api(one.id, ROUTED_PATH, "NONE");
  await c.ReleaseService({ ServiceId: one.id, EnvironmentName: "release", ReleaseDesc: "bench" });

  // 10,000 APIs: more than CreateApi allows per service, so released as one snapshot. A mix of
  // exact, priority-prefix, template and prefix paths, plus the API measured.
  const big = await service("big");
  const scope = { appId: key.account.appId, region: "ap-guangzhou" };
  const db = apigw.store.db;
  const record = (await services.get(db, scope, big.id))!;
  const now = new Date().toISOString();
  const mockApi = (i: number, path: string) => ({
    ServiceId: big.id, ApiId: `api-${i.toString(36).padStart(8, "0")}`, ApiName: `api_${i}`, ApiDesc: "", ApiType: "NORMAL",
    Protocol: "HTTP", AuthType: "NONE", ApiBusinessType: "NORMAL", AuthRelationApiId: "", RequestConfig: { Path: path, Method: "GET" },
    RequestParameters: pathParams(path), ServiceTimeout: 15, ServiceParameters: [], ConstantParameters: [], ServiceType: "MOCK",
    ServiceMockReturnMessage: ANSWER, ServiceConfig: {}, EnableCORS: false, IsBase64Encoded: false, Tags: [], CreatedTime: now, ModifiedTime: now,
  });
  const kinds = [(i: number) => `=/exact${i}/item`, (i: number) => `^~/static${i}`, (i: number) => `/users${i}/{id}/orders`, (i: number) => `/prefix${i}/items`];
  const apis = Array.from({ length: BIG_SERVICE_APIS - 1 }, (_, i) => mockApi(i + 1, kinds[i % 4]!(i)));
  apis.push(mockApi(0, ROUTED_PATH));
  const versionName = releaseVersion(new Date());
  await releases.insert(db, scope, versionName, { ServiceId: big.id, VersionName: versionName, VersionDesc: "bench", CreatedTime: now, Service: record, Apis: apis } as never, big.id);
  await publish(db, scope, big.id, "release", { name: versionName, desc: "bench" }, now);
  apigw.events.changed({ ...scope, serviceId: big.id });
  await apigw.gateway.view.settled();

  const xDate = new Date().toUTCString();
  const signature = createHmac("sha1", apiKey.AccessKeySecret!).update(`x-date: ${xDate}\nsource: bench`).digest("base64");
  const signed = {
    "X-Date": xDate,
    Source: "bench",
    Authorization: `hmac id="${apiKey.AccessKeyId}", algorithm="hmac-sha1", headers="x-date source", signature="${signature}"`,
  };

  process.on("message", (m: { cmd?: string }) => {
    if (m.cmd === "rss") process.send!({ rss: process.memoryUsage.rss() });
  });
  const ready: GatewayReady = {
    port: apigw.gatewayPort,
    mainHost: main.host,
    oneHost: one.host,
    bigHost: big.host,
    signed,
    setupMs: performance.now() - started,
    accessLogThreaded: apigw.accessLogs.threaded,
  };
  process.send!(ready);
}

// ---------------------------------------------------------------------------------------
// Load generation
// ---------------------------------------------------------------------------------------

interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
}

interface Result {
  requestsPerSecond: number;
  /** Requests answered during the run. */
  requests: number;
  /** Non-2xx answers and socket errors. */
  errors: number;
}

let wrkAvailable = false;

function wrkLoad(t: Target, seconds: number): Result {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`];
  for (const [name, value] of Object.entries(t.headers)) args.push("-H", `${name}: ${value}`);
  const out = execFileSync("wrk", [...args, `http://127.0.0.1:${t.port}${t.path}`], { encoding: "utf8" });
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSecond: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    errors: num(/Non-2xx or 3xx responses:\s+(\d+)/) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

/** Without wrk: CONNECTIONS requests kept in flight on keep-alive connections for `seconds`. */
async function undiciLoad(t: Target, seconds: number): Promise<Result> {
  const pool = new Pool(`http://127.0.0.1:${t.port}`, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  let stopped = false;
  let done = 0;
  let errors = 0;
  const options = { path: t.path, method: "GET" as const, headers: t.headers };
  const loop = () =>
    new Promise<void>((resolve) => {
      let status = 0;
      const next = () => (stopped ? resolve() : pool.dispatch(options, handler));
      const handler = {
        onConnect() {},
        onHeaders: (statusCode: number) => ((status = statusCode), true),
        onData: () => true,
        onComplete: () => (status === 200 ? done++ : errors++, next()),
        onError: () => (errors++, next()),
      };
      next();
    });
  const started = performance.now();
  const loops = Array.from({ length: CONNECTIONS }, loop);
  await sleep(seconds * 1000);
  stopped = true;
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(loops);
  await pool.close();
  return { requestsPerSecond: done / elapsed, requests: done + errors, errors };
}

const load = (t: Target, seconds: number): Promise<Result> => (wrkAvailable ? Promise.resolve(wrkLoad(t, seconds)) : undiciLoad(t, seconds));

interface Latency {
  rate: number;
  sent: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** How late the generator sent its requests at worst (ms): it kept its schedule when this is small. */
  maxLag: number;
}

/**
 * Open-loop load at a fixed rate (what wrk2 does; it is not packaged): requests go out on
 * schedule, every 1/rate s (in the batches a 1 ms timer allows), whether or not earlier ones
 * were answered, each on an idle keep-alive connection (a new one when none is idle); latency
 * is from writing the request to reading the answer's last byte. The client is a few lines on
 * raw sockets (a prepared request, Content-Length framing) so that it takes little CPU from
 * the servers it measures on a small machine.
 */
class OpenLoop {
  private readonly idle: OpenLoopConnection[] = [];
  private readonly all: OpenLoopConnection[] = [];
  private readonly request: Buffer;

  constructor(private readonly target: Target) {
    const lines = [`GET ${target.path} HTTP/1.1`, ...Object.entries(target.headers).map(([k, v]) => `${k}: ${v}`), "", ""];
    this.request = Buffer.from(lines.join("\r\n"), "latin1");
  }

  async run(rate: number, seconds: number): Promise<Latency> {
    const total = Math.round(rate * seconds);
    const latencies = new Float64Array(total).fill(Number.NaN);
    let completed = 0;
    let errors = 0;
    let maxLag = 0;
    await new Promise<void>((resolve) => {
      const done = (i: number, latency: number, ok: boolean) => {
        latencies[i] = latency;
        if (!ok) errors++;
        if (++completed === total) resolve();
      };
      const interval = 1000 / rate;
      const start = performance.now() + 5;
      let next = 0;
      const tick = () => {
        const now = performance.now();
        while (next < total && start + next * interval <= now) {
          maxLag = Math.max(maxLag, now - (start + next * interval));
          const i = next++;
          let connection = this.idle.pop();
          while (connection?.closed) connection = this.idle.pop();
          if (!connection) this.all.push((connection = new OpenLoopConnection(this.target.port, this.request, this.idle)));
          connection.send((latency, ok) => done(i, latency, ok));
        }
        if (next < total) setTimeout(tick, 1);
      };
      setTimeout(tick, 5);
      // Never wait for ever: what is unanswered 10 s after the last send counts as errors.
      setTimeout(() => {
        errors += total - completed;
        resolve();
      }, seconds * 1000 + 10_000).unref();
    });
    const sorted = Array.from(latencies).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return { rate, sent: total, errors, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1] ?? Number.NaN, maxLag };
  }

  close(): void {
    for (const c of this.all) c.socket.destroy();
  }
}

class OpenLoopConnection {
  readonly socket: net.Socket;
  private pending: Buffer | undefined;
  private sentAt = 0;
  private callback: ((latency: number, ok: boolean) => void) | undefined;
  private connected = false;
  /** Closed (by the server's idle timeout, say): never used again. */
  closed = false;

  constructor(
    port: number,
    private readonly request: Buffer,
    private readonly idle: OpenLoopConnection[],
  ) {
    this.socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
    this.socket.on("connect", () => {
      this.connected = true;
      if (this.callback) this.write();
    });
    this.socket.on("data", (d: Buffer) => this.onData(d));
    this.socket.on("error", () => this.fail());
    this.socket.on("close", () => {
      this.closed = true;
      this.fail();
    });
  }

  /** Sends the request (once connected: a new connection's connecting time counts). */
  send(callback: (latency: number, ok: boolean) => void): void {
    this.callback = callback;
    this.pending = undefined;
    this.sentAt = performance.now();
    if (this.connected) this.write();
  }

  private write(): void {
    this.socket.write(this.request);
  }

  private onData(d: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, d]) : d;
    const end = buf.indexOf("\r\n\r\n");
    const length = end < 0 ? -1 : Number(/\r\ncontent-length: *(\d+)/i.exec(buf.toString("latin1", 0, end))?.[1] ?? -1);
    if (end < 0 || buf.length < end + 4 + length) {
      this.pending = buf;
      return;
    }
    this.pending = undefined;
    const callback = this.callback!;
    this.callback = undefined;
    const ok = buf.toString("latin1", 9, 12) === "200" && length >= 0;
    this.idle.push(this);
    callback(performance.now() - this.sentAt, ok);
  }

  private fail(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(Number.NaN, false);
  }
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children: ChildProcess[] = [];

function startChild<T>(role: string, ...args: string[]): Promise<{ child: ChildProcess } & T> {
  const profile = role === "gateway" && CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
  const child = fork(fileURLToPath(import.meta.url), [`--role=${role}`, ...args], { execArgv: ["--import", "tsx", ...profile], stdio: "inherit" });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("message", (m: T) => resolve({ child, ...m }));
    child.once("exit", (code) => reject(new Error(`${role} exited with ${code} before it was ready`)));
  });
}

function rssOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: { rss?: number }) => {
      if (m.rss === undefined) return;
      child.off("message", onMessage);
      resolve(m.rss);
    };
    child.on("message", onMessage);
    child.send({ cmd: "rss" });
  });
}

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/usr/local/sbin", "/sbin"])) {
    try {
      execFileSync("test", ["-x", join(dir, cmd)]);
      return true;
    } catch {
      // not there
    }
  }
  return false;
}

function nginxBinary(): string {
  for (const p of ["nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx"]) {
    try {
      execFileSync(p, ["-v"], { stdio: "ignore" });
      return p;
    } catch {
      // next
    }
  }
  return "";
}

/** nginx-light and wrk from the distribution, when either is missing (say so first). */
function ensureTools(): void {
  const missing = [...(nginxBinary() ? [] : ["nginx-light"]), ...(onPath("wrk") ? [] : ["wrk"])];
  if (!missing.length) return;
  console.log(`bench: ${missing.join(" and ")} missing; installing: apt-get install -y nginx-light wrk`);
  try {
    execFileSync("apt-get", ["install", "-y", "nginx-light", "wrk"], { stdio: "inherit" });
  } catch (e) {
    console.log(`bench: apt-get failed (${(e as Error).message.split("\n")[0]}); going on without what is missing`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** nginx with one worker in front of the backend: proxy_pass with upstream keepalive, the gateway's forwarding headers, no access log. */
async function startNginx(dir: string, backendPort: number): Promise<{ child: ChildProcess; port: number } | undefined> {
  const binary = nginxBinary();
  if (!binary) return undefined;
  const port = await freePort();
  const temp = (name: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    return join(dir, name);
  };
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "nginx-error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp("client_body")};
  proxy_temp_path ${temp("proxy")};
  fastcgi_temp_path ${temp("fastcgi")};
  uwsgi_temp_path ${temp("uwsgi")};
  scgi_temp_path ${temp("scgi")};
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Api-RequestId $request_id;
      add_header X-Api-RequestId $request_id;
    }
  }
}
`,
  );
  const child = spawn(binary, ["-p", dir, "-e", join(dir, "nginx-error.log"), "-c", conf], { stdio: ["ignore", "inherit", "inherit"] });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return undefined;
    if (await canConnect(port)) return { child, port };
    await sleep(50);
  }
  return undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

function stopChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
}

// ---------------------------------------------------------------------------------------
// Orchestration
// ---------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : Number.NaN;
};
const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : "n/a");

async function main(): Promise<void> {
  const began = performance.now();
  ensureTools();
  wrkAvailable = onPath("wrk");
  const dir = mkdtempSync(join(tmpdir(), "apigw-bench-"));
  process.on("exit", () => {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

  const backend = await startChild<{ port: number }>("fixed");
  const gateway = await startChild<GatewayReady>("gateway", `http://127.0.0.1:${backend.port}`, dir);
  const nginx = await startNginx(dir, backend.port);
  const nginxVersion = nginx ? spawnSync(nginxBinary(), ["-v"], { encoding: "utf8" }).stderr.trim() || "nginx" : "";

  const gw = (path: string, host: string, extra: Record<string, string> = {}): Target => ({ port: gateway.port, path, headers: { Host: host, ...extra } });
  const scenarios = {
    gwMock: gw("/release/mock", gateway.mainHost),
    bare: { port: backend.port, path: "/", headers: { Host: "bare.localhost" } },
    gwHttp: gw("/release/http", gateway.mainHost),
    nginx: nginx ? { port: nginx.port, path: "/", headers: { Host: "nginx.localhost" } } : undefined,
    gwSecret: gw("/release/secret", gateway.mainHost, gateway.signed),
    one: gw(ROUTED_REQUEST, gateway.oneHost),
    big: gw(ROUTED_REQUEST, gateway.bigHost),
  };
  const viaGateway = new Set(["gwMock", "gwHttp", "gwSecret", "one", "big"]);
  type Name = keyof typeof scenarios;

  console.log(
    `bench: ${wrkAvailable ? `wrk -t1 -c${CONNECTIONS}` : `built-in undici client, ${CONNECTIONS} connections`}, ` +
      `${ROUNDS} interleaved rounds of ${SECONDS} s per scenario, loopback; apigw ready in ${(gateway.setupMs / 1000).toFixed(1)} s ` +
      `(file database, access log ${gateway.accessLogThreaded ? "written by a worker thread" : "written on the main thread"}); ` +
      `${nginx ? nginxVersion : "nginx not available"}`,
  );

  // Warm-up: every scenario once (JIT, connection pools, SQLite pages), then the first memory sample.
  for (const [name, t] of Object.entries(scenarios)) {
    if (!t) continue;
    const r = await load(t, WARMUP_SECONDS);
    if (r.errors) console.log(`bench: warm-up of ${name}: ${r.errors} errors`);
  }
  await sleep(500);
  const rssWarm = await rssOf(gateway.child);
  let gatewayRequests = 0;

  const runs: Record<string, Result[]> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, t] of Object.entries(scenarios) as Array<[Name, Target | undefined]>) {
      if (!t) continue;
      const r = await load(t, SECONDS);
      (runs[name] ??= []).push(r);
      if (viaGateway.has(name)) gatewayRequests += r.requests;
    }
  }
  const rps = (name: Name) => median((runs[name] ?? []).map((r) => r.requestsPerSecond));
  const errorsOf = (name: Name) => (runs[name] ?? []).reduce((a, r) => a + r.errors, 0);

  // 5. Latency at half the gateway's HTTP maximum, through the gateway and directly.
  const rate = Math.max(100, Math.round(rps("gwHttp") / 2));
  const latency = async (t: Target) => {
    const generator = new OpenLoop(t);
    await generator.run(rate, 1); // warm-up at that rate: connections open, code hot
    const result = await generator.run(rate, LATENCY_SECONDS);
    generator.close();
    return result;
  };
  const latGateway = await latency(scenarios.gwHttp);
  const latDirect = await latency(scenarios.bare);
  gatewayRequests += Math.round(rate * (LATENCY_SECONDS + 1));

  // 6. Memory: make it MEMORY_REQUESTS requests since the warm-up sample (MOCK and HTTP in turn).
  let turn = 0;
  while (gatewayRequests < MEMORY_REQUESTS) {
    const t = turn++ % 2 ? scenarios.gwHttp : scenarios.gwMock;
    const expected = (turn % 2 ? rps("gwMock") : rps("gwHttp")) || 10_000;
    const seconds = Math.max(1, Math.min(10, Math.ceil((MEMORY_REQUESTS - gatewayRequests) / expected)));
    gatewayRequests += (await load(t, seconds)).requests;
  }
  await sleep(500);
  const rssAfter = await rssOf(gateway.child);

  // ---- the table
  const rows: Array<[string, string, string, string, string, string]> = [];
  const ratio = (a: number, b: number) => (b ? a / b : Number.NaN);
  const r1 = ratio(rps("gwMock"), rps("bare"));
  rows.push(["1 MOCK API via gateway", `${fmt(rps("gwMock"))} req/s`, `bare node:http ${fmt(rps("bare"))} req/s`, r1.toFixed(2), "≥ 0.70", r1 >= 0.7 ? "met" : "NOT met"]);
  const r2 = nginx ? ratio(rps("gwHttp"), rps("nginx")) : Number.NaN;
  rows.push([
    "2 HTTP API via gateway",
    `${fmt(rps("gwHttp"))} req/s`,
    nginx ? `nginx proxy ${fmt(rps("nginx"))} req/s` : "nginx not available",
    nginx ? r2.toFixed(2) : "n/a",
    "≥ 0.60",
    nginx ? (r2 >= 0.6 ? "met" : "NOT met") : "not measured",
  ]);
  const r3 = ratio(rps("gwSecret"), rps("gwHttp"));
  rows.push(["3 SECRET auth + usage plan", `${fmt(rps("gwSecret"))} req/s`, `target 2 gateway ${fmt(rps("gwHttp"))} req/s`, r3.toFixed(2), "≥ 0.80", r3 >= 0.8 ? "met" : "NOT met"]);
  const r4 = ratio(rps("big"), rps("one"));
  rows.push([`4 service with ${fmt(BIG_SERVICE_APIS)} APIs`, `${fmt(rps("big"))} req/s`, `1-API service ${fmt(rps("one"))} req/s`, r4.toFixed(2), "0.90–1.10", Math.abs(1 - r4) <= 0.1 ? "met" : "NOT met"]);
  const added = latGateway.p99 - latDirect.p99;
  rows.push([`5 p99 added @ ${fmt(rate)} req/s`, `+${ms(added)} (p99 ${ms(latGateway.p99)})`, `direct backend p99 ${ms(latDirect.p99)}`, "—", "< 1 ms", added < 1 ? "met" : "NOT met"]);
  const r6 = ratio(rssAfter, rssWarm);
  rows.push([`6 RSS after ${fmt(gatewayRequests)} requests`, `${(rssAfter / 2 ** 20).toFixed(1)} MB`, `after warm-up ${(rssWarm / 2 ** 20).toFixed(1)} MB`, r6.toFixed(2), "≤ 1.10", r6 <= 1.1 ? "met" : "NOT met"]);

  const header = ["target", "figure", "baseline", "ratio", "goal", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log("");
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));

  console.log("");
  // "bare" is also the backend: the HTTP API next to the same load sent straight to it.
  console.log(`HTTP API via gateway / the backend called directly: ${ratio(rps("gwHttp"), rps("bare")).toFixed(2)} (${fmt(rps("gwHttp"))} / ${fmt(rps("bare"))} req/s)`);
  console.log("");
  console.log("per scenario (req/s in each round; errors are non-2xx answers and socket errors):");
  for (const name of Object.keys(runs) as Name[]) {
    console.log(`  ${name.padEnd(9)} ${runs[name]!.map((r) => fmt(r.requestsPerSecond).padStart(7)).join(" ")}   median ${fmt(rps(name))}   errors ${errorsOf(name)}`);
  }
  for (const [name, l] of [["gateway", latGateway], ["direct ", latDirect]] as const) {
    console.log(
      `  latency ${name} @ ${fmt(l.rate)} req/s, ${fmt(l.sent)} requests: p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}  errors ${l.errors}  (generator lag ≤ ${ms(l.maxLag)})`,
    );
  }
  const model = cpus()[0]?.model ?? "unknown CPU";
  console.log(`machine: ${cpus().length} CPUs (${model}), node ${process.version}, ${Math.round((performance.now() - began) / 1000)} s in all`);
  if (CPU_PROFILE_DIR) console.log(`gateway CPU profile in ${CPU_PROFILE_DIR}`);
}

const role = process.argv.find((a) => a.startsWith("--role="))?.slice("--role=".length);
if (role) {
  // Exit normally when the orchestrator is done (so that --cpu-prof gets written), or gone.
  process.on("SIGTERM", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
}
if (role === "fixed") await runFixed();
else if (role === "gateway") await runGateway(process.argv[3]!, process.argv[4]!);
else {
  try {
    await main();
  } finally {
    stopChildren();
  }
}
