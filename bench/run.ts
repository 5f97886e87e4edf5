/**
 * `npm run bench`: requests per second through the gateway, against the same answers given
 * without it, on loopback.
 *
 *   MOCK API via the gateway   vs  a bare node:http server answering the same bytes
 *   HTTP API via the gateway   vs  the same backend called directly
 *
 * Each server runs in its own child process (this file, started with --role=…); the load
 * comes from this process: wrk when it is on PATH, otherwise a small undici client keeping
 * BENCH_CONNECTIONS requests in flight for BENCH_SECONDS after a short warm-up.
 * BENCH_ONLY=mock|http runs one pair; BENCH_CPU_PROF_DIR=dir profiles the gateway process.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = 1;
/** "mock" or "http" runs only that pair of scenarios. */
const ONLY = process.env.BENCH_ONLY;
/** When set, the gateway process writes a CPU profile (.cpuprofile) there on exit. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;

/** What the MOCK API and the bare server answer, and what the backend answers. */
const ANSWER = JSON.stringify({ hello: "world", from: "apigw bench" });
const ANSWER_TYPE = "application/json; charset=utf-8";

// ---------------------------------------------------------------------------------------
// Child roles
// ---------------------------------------------------------------------------------------

/** A node:http server answering ANSWER to everything, as fast as node:http goes. */
function fixedAnswerServer(): http.Server {
  const body = Buffer.from(ANSWER);
  return http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": ANSWER_TYPE, "Content-Length": body.length });
    res.end(body);
  });
}

async function listenAndReport(server: http.Server): Promise<void> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** apigw in-process with an in-memory store, one service published with a MOCK and an HTTP API. */
async function runGateway(backendUrl: string): Promise<void> {
  const { loadConfig } = await import("../src/config.js");
  const { startApigw } = await import("../src/server.js");
  const { newId, releaseVersion } = await import("../src/ids.js");
  const { defaultDomains, services } = await import("../src/resources/services.js");
  const { publish, releases } = await import("../src/resources/releases.js");

  const config = loadConfig({ APIGW_LOG_LEVEL: "error", APIGW_LIMIT_SERVICE_QPS: "100000000" }, { controlPort: 0, gatewayPort: 0, db: ":memory:" });
  const apigw = await startApigw(config);
  const scope = { appId: apigw.defaultKey.account.appId, region: "ap-guangzhou" };
  const db = apigw.store.db;
  const serviceId = newId.service();
  const domains = defaultDomains(config, scope, serviceId);
  const now = new Date().toISOString();
  const service = {
    ServiceId: serviceId, ServiceName: "bench", ServiceDesc: "", Protocol: "http", NetTypes: ["OUTER"], IpVersion: "IPv4",
    ExclusiveSetName: "", SetServerName: "", AppIdType: "", InstanceId: "", ProjectId: "0", TceArch: "", Tags: [],
    OuterSubDomain: domains.outer, InnerSubDomain: domains.inner, CreatedTime: now, ModifiedTime: now,
  };
  const api = (path: string, backend: Record<string, unknown>) => ({
    ServiceId: serviceId, ApiId: newId.api(), ApiName: path.slice(1), ApiDesc: "", ApiType: "NORMAL", Protocol: "HTTP",
    AuthType: "NONE", ApiBusinessType: "NORMAL", AuthRelationApiId: "", RequestConfig: { Path: path, Method: "GET" },
    RequestParameters: [], ServiceTimeout: 15, ServiceParameters: [], ConstantParameters: [], ServiceMockReturnMessage: "",
    EnableCORS: false, IsBase64Encoded: false, Tags: [], CreatedTime: now, ModifiedTime: now, ServiceConfig: {}, ServiceType: "HTTP",
    ...backend,
  });
  const versionName = releaseVersion(new Date());
  await services.insert(db, scope, serviceId, service);
  await releases.insert(db, scope, versionName, {
    ServiceId: serviceId, VersionName: versionName, VersionDesc: "bench", CreatedTime: now, Service: service,
    Apis: [
      api("/mock", { ServiceType: "MOCK", ServiceMockReturnMessage: ANSWER }),
      api("/http", { ServiceType: "HTTP", ServiceConfig: { Url: backendUrl, Path: "/", Method: "GET" } }),
    ],
  }, serviceId);
  await publish(db, scope, serviceId, "release", { name: versionName, desc: "bench" }, now);
  apigw.events.changed({ ...scope, serviceId });
  process.send!({ port: apigw.gatewayPort, host: domains.outer });
}

// ---------------------------------------------------------------------------------------
// Load generation
// ---------------------------------------------------------------------------------------

interface Result {
  requestsPerSecond: number;
  errors: number;
}

/** Keeps CONNECTIONS requests in flight on keep-alive connections and counts the answers. */
async function undiciLoad(port: number, path: string, host: string, seconds: number): Promise<Result> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  let counting = false;
  let stopped = false;
  let done = 0;
  let errors = 0;
  const options = { path, method: "GET" as const, headers: { host } };

  const loop = (): Promise<void> =>
    new Promise((resolve) => {
      const next = () => {
        if (stopped) return resolve();
        pool.dispatch(options, handler);
      };
      let status = 0;
      const handler = {
        onConnect() {},
        onHeaders(statusCode: number) {
          status = statusCode;
          return true;
        },
        onData() {
          return true;
        },
        onComplete() {
          if (counting) status === 200 ? done++ : errors++;
          next();
        },
        onError() {
          if (counting) errors++;
          next();
        },
      };
      next();
    });

  const loops = Array.from({ length: CONNECTIONS }, loop);
  await sleep(WARMUP_SECONDS * 1000);
  counting = true;
  const started = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = (performance.now() - started) / 1000;
  stopped = true;
  await Promise.all(loops);
  await pool.close();
  return { requestsPerSecond: done / elapsed, errors };
}

function hasWrk(): boolean {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (e) {
    // wrk --version exits 1 after printing its version
    return (e as { status?: number }).status === 1;
  }
}

function wrkLoad(port: number, path: string, host: string, seconds: number): Result {
  const out = execFileSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${seconds + WARMUP_SECONDS}s`, "-H", `Host: ${host}`, `http://127.0.0.1:${port}${path}`], {
    encoding: "utf8",
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { requestsPerSecond: rps, errors };
}

// ---------------------------------------------------------------------------------------
// Orchestration
// ---------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startChild(role: string, ...args: string[]): Promise<{ child: ChildProcess; port: number; host?: string }> {
  const profile = role === "gateway" && CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
  const child = fork(fileURLToPath(import.meta.url), [`--role=${role}`, ...args], { execArgv: ["--import", "tsx", ...profile], stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("message", (m: { port: number; host?: string }) => resolve({ child, ...m }));
    child.once("exit", (code) => reject(new Error(`${role} exited with ${code} before it was ready`)));
  });
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    const backend = await startChild("fixed");
    const bare = await startChild("fixed");
    children.push(backend.child, bare.child);
    const gateway = await startChild("gateway", `http://127.0.0.1:${backend.port}`);
    children.push(gateway.child);
    const host = gateway.host!;

    const useWrk = hasWrk();
    const load = (port: number, path: string, h: string) => (useWrk ? Promise.resolve(wrkLoad(port, path, h, SECONDS)) : undiciLoad(port, path, h, SECONDS));
    console.log(`load: ${useWrk ? "wrk" : "built-in undici client"}, ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, loopback`);

    const rows: Array<[string, Result, string]> = [];
    if (ONLY !== "http") {
      const mockViaGateway = await load(gateway.port, "/release/mock", host);
      const bareNode = await load(bare.port, "/", "bare.localhost");
      rows.push(
        ["MOCK API via gateway", mockViaGateway, `${ratio(mockViaGateway, bareNode)} of bare node:http`],
        ["bare node:http, same bytes", bareNode, ""],
      );
    }
    if (ONLY !== "mock") {
      const httpViaGateway = await load(gateway.port, "/release/http", host);
      const direct = await load(backend.port, "/", "backend.localhost");
      rows.push(
        ["HTTP API via gateway → backend", httpViaGateway, `${ratio(httpViaGateway, direct)} of direct`],
        ["backend called directly", direct, ""],
      );
    }
    console.log("");
    console.log(`${"scenario".padEnd(34)}${"req/s".padStart(10)}${"errors".padStart(8)}   ratio`);
    for (const [name, r, note] of rows) {
      console.log(`${name.padEnd(34)}${Math.round(r.requestsPerSecond).toString().padStart(10)}${String(r.errors).padStart(8)}   ${note}`);
    }
  } finally {
    for (const child of children) child.kill();
  }
}

function ratio(a: Result, b: Result): string {
  return b.requestsPerSecond ? (a.requestsPerSecond / b.requestsPerSecond).toFixed(2) : "n/a";
}

const role = process.argv.find((a) => a.startsWith("--role="))?.slice("--role=".length);
// Exit normally when the parent is done, so that --cpu-prof (via NODE_OPTIONS) gets written.
if (role) process.on("SIGTERM", () => process.exit(0));
if (role === "fixed") await listenAndReport(fixedAnswerServer());
else if (role === "gateway") await runGateway(process.argv[3]!);
else await main();
