/**
 * The `apigw` command line, spawned as a child process (`node bin/apigw.mjs …`): the README's
 * examples as written, help from the schemas, `call` (flags to nested, typed parameters,
 * profiles, errors), `credentials` on a database file, and `export`/`import` into a fresh
 * server giving identical Describe* answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadCatalog } from "../src/cli/catalog.js";
import { accountTables, exportAccount, importAccount } from "../src/cli/transfer.js";
import { loadActions } from "../src/control/registry.js";
import { openStore } from "../src/store/db.js";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "apigw.mjs");
const actions = await loadActions();
// The CLI caches the actions' JSON schemas (node_modules/.cache/apigw); fill it once here
// rather than in many concurrent child processes.
await loadCatalog().get("CreateService");
const scratch = mkdtempSync(join(tmpdir(), "apigw-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment without the caller's APIGW_* settings, with a private HOME. */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("APIGW_")) env[k] = v;
  env.HOME = join(scratch, "nohome");
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function apigw(args: string[], env: NodeJS.ProcessEnv, cwd = root, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // `timeout`: a child left behind by an aborted run does not outlive it for long.
    const child = spawn(process.execPath, [bin, ...args], { env, cwd, stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

const show = (r: Run) => `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;

/** `apigw serve` in the background: resolves with the printed address and key pair. */
function serveProcess(env: NodeJS.ProcessEnv, cwd: string, args: string[] = []): Promise<{ child: ChildProcess; output(): string; url: string; secretId: string; secretKey: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "serve", ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`apigw serve exited with ${code}: ${out}${err}`)));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /control API {2}(http:\/\/\S+)/.exec(out)?.[1];
      const secretId = /SecretId +(\S+)/.exec(out)?.[1];
      const secretKey = /SecretKey +(\S+)/.exec(out)?.[1];
      if (url && secretId && secretKey) {
        resolve({
          child,
          output: () => out,
          url,
          secretId,
          secretKey,
          stop: () =>
            new Promise((done) => {
              child.removeAllListeners("exit");
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/** Splits a command line as a POSIX shell would for the quoting the README uses; drops a trailing comment. */
function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let cur = "";
  let has = false;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unbalanced quote in: ${line}`);
      cur += line.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === "#" && !has) {
      break;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return { words, comment: line.slice(i) };
}

function readmeSection(title: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

function fences(text: string): Array<{ lang: string; title?: string; body: string }> {
  return [...text.matchAll(/```(\w+)([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1]!,
    title: /title=(\S+)/.exec(m[2]!)?.[1],
    body: m[3]!,
  }));
}

// ---- The README's examples, as written -----------------------------------------------------
// Every child process pays for tsx's loader (a few hundred ms of CPU); on a loaded machine the
// sequential ones add up, hence the generous per-test timeout (no test asserts on timing).

describe.concurrent("README: Command line", { timeout: 90_000 }, () => {
  it("runs every command of the section's examples in order, with the exit codes it states", async () => {
    const work = join(scratch, "readme");
    const home = join(work, "home");
    mkdirSync(home, { recursive: true });
    const blocks = fences(readmeSection("Command line"));
    const db = join(work, "apigw.db");
    let server: Awaited<ReturnType<typeof serveProcess>> | undefined;
    const ran: string[] = [];
    const outputs = new Map<string, Run>();
    try {
      const files = () => {
        for (const b of blocks.filter((x) => x.title)) {
          let body = b.body;
          if (b.title!.includes(".apigw/credentials")) {
            body = body
              .replace(/^(endpoint\s*=).*$/m, `$1 ${server!.url}`)
              .replace(/^(secret_id\s*=).*$/m, `$1 ${server!.secretId}`)
              .replace(/^(secret_key\s*=).*$/m, `$1 ${server!.secretKey}`);
          }
          const path = b.title!.startsWith("~/") ? join(home, b.title!.slice(2)) : join(work, b.title!);
          mkdirSync(join(path, ".."), { recursive: true });
          writeFileSync(path, body);
        }
      };
      for (const block of blocks.filter((b) => b.lang === "sh")) {
        for (const raw of block.body.split("\n")) {
          const line = raw.trim();
          if (!line || line.startsWith("#") || line.startsWith("export ")) continue;
          const { words, comment } = shellWords(line);
          expect(words[0], `README command: ${line}`).toBe("apigw");
          if (words[1] === "serve") {
            server = await serveProcess(
              baseEnv({ HOME: home, APIGW_DB: db, APIGW_CONTROL_PORT: "0", APIGW_GATEWAY_PORT: "0", APIGW_LOG_LEVEL: "warn" }),
              work,
            );
            files();
            ran.push(line);
            continue;
          }
          expect(server, "the README starts the server before calling it").toBeDefined();
          const env = baseEnv({ HOME: home, APIGW_DB: db, APIGW_ENDPOINT: server!.url, APIGW_SECRET_ID: server!.secretId, APIGW_SECRET_KEY: server!.secretKey });
          const r = await apigw(words.slice(1), env, work);
          const expected = Number(/exit code (\d+)/.exec(comment)?.[1] ?? 0);
          expect(r.code, `${line}\n${show(r)}`).toBe(expected);
          if (words[1] === "call" && expected === 0 && !words.includes("--help")) {
            expect(JSON.parse(r.stdout).RequestId, line).toMatch(/^[0-9a-f-]{36}$/);
          }
          if (expected === 1) {
            expect(r.stdout).toBe("");
            expect(r.stderr).toMatch(/^apigw: \w+ failed: [\w.]+: .+$/m);
            expect(r.stderr).toMatch(/^RequestId: [0-9a-f-]{36}$/m);
          }
          outputs.set(words.slice(1).join(" "), r);
          ran.push(line);
        }
      }
    } finally {
      await server?.stop();
    }
    expect(ran.length).toBeGreaterThanOrEqual(12);
    // What the examples did: services from flags and from the file, an export, a copy.
    const exported = JSON.parse(readFileSync(join(work, "account.json"), "utf8")) as { tables: { services: Array<{ data: { ServiceName: string; ServiceDesc: string; Protocol: string } }> } };
    const names = exported.tables.services.map((s) => s.data.ServiceName).sort();
    expect(names).toEqual(["demo", "from_file_2"]);
    expect(exported.tables.services.find((s) => s.data.ServiceName === "from_file_2")!.data).toMatchObject({ Protocol: "https", ServiceDesc: "created from a file" });
    expect(existsSync(join(work, "copy.db"))).toBe(true);

    // The help the README shows: every registered action with its title…
    const list = outputs.get("call --help")!.stdout;
    for (const name of actions.keys()) expect(list).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    expect(list).toMatch(/^ {2}CreateService +创建服务$/m);
    // …and an action's parameters with their types, required flags, enums and ranges.
    const help = outputs.get("call CreateService --help")!.stdout;
    expect(help).toMatch(/^\* --ServiceName <string> +required; 1–50 characters\. 用户自定义的服务名称/m);
    expect(help).toMatch(/^\* --Protocol <string> +required; one of http \| https \| http&https/m);
    expect(help).toMatch(/^ {2}--NetTypes <string\[\]> +optional; 1–2 items; one of INNER \| OUTER/m);
    expect(help).toMatch(/^ {2}--Tags\.N\.Key <string> +required in its object/m);
    expect(help).toContain("Example: apigw call CreateService --ServiceName <string> --Protocol <string>");
  });
});

// ---- Help ------------------------------------------------------------------------------------

describe.concurrent("help from the schemas", { timeout: 90_000 }, () => {
  const env = baseEnv();

  it("apigw --help lists the commands; an unknown command is a usage error", async () => {
    const [r, bad] = await Promise.all([apigw(["--help"], env), apigw(["frobnicate"], env)]);
    expect(r.code).toBe(0);
    for (const c of ["serve", "call", "credentials", "export", "import"]) expect(r.stdout).toContain(`  ${c}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it("apigw call <Action> --help for an unknown action is a usage error", async () => {
    const unknown = await apigw(["call", "NoSuchAction", "--help"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown action "NoSuchAction"');
  });

  it("apigw serve takes every setting as a flag (flags override the environment)", async () => {
    const db = join(scratch, "serve-flags.db");
    const server = await serveProcess(baseEnv({ APIGW_DB: join(scratch, "not-this.db"), APIGW_CONTROL_PORT: "1" }), scratch, [
      "--control-port", "0", "--gateway-port=0", "--db", db, "--log-level", "warn", "--regions", "ap-guangzhou,ap-tokyo",
    ]);
    try {
      expect(server.output()).toContain(`database           ${db}`);
      expect(server.output()).toMatch(/regions: ap-guangzhou, ap-tokyo, …/);
      const call = await apigw(["call", "DescribeServicesStatus", "--region", "ap-shanghai"], baseEnv({ APIGW_ENDPOINT: server.url, APIGW_SECRET_ID: server.secretId, APIGW_SECRET_KEY: server.secretKey }));
      expect(call.stderr).toContain("InvalidParameterValue.InvalidRegion");
    } finally {
      await server.stop();
    }
    expect(existsSync(db)).toBe(true);
    const bad = await apigw(["serve", "--contrl-port", "1"], baseEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option --contrl-port");
  });

  it("every command has --help", async () => {
    const runs = await Promise.all(["serve", "credentials", "export", "import"].map((c) => apigw([c, "--help"], env)));
    for (const r of runs) {
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toMatch(/^Usage: apigw /);
    }
    expect(runs[0]!.stdout).toMatch(/--control-port +APIGW_CONTROL_PORT/);
    expect(runs[0]!.stdout).toMatch(/--db +APIGW_DB/);
  });
});

// ---- apigw call ------------------------------------------------------------------------------

describe.concurrent("apigw call", { timeout: 90_000 }, () => {
  let s: TestServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    s = await startTestServer();
    env = baseEnv({ APIGW_ENDPOINT: s.apigw.controlUrl, APIGW_SECRET_ID: s.secretId, APIGW_SECRET_KEY: s.secretKey });
  });
  afterAll(() => s?.close());

  it("turns flags into typed, nested parameters: numbers, repeated flags, JSON arrays, dotted paths", async () => {
    const [created, json] = await Promise.all([
      apigw(["call", "CreateService", "--ServiceName", "cli_a", "--Protocol", "http", "--NetTypes", "OUTER", "--NetTypes", "INNER", "--Tags.0.Key", "team", "--Tags.0.Value=web app"], env),
      apigw(["call", "CreateService", "--ServiceName", "cli_b", "--Protocol", "https", "--NetTypes", '["INNER"]'], env),
    ]);
    expect(created.code, show(created)).toBe(0);
    const answer = JSON.parse(created.stdout);
    expect(answer).toMatchObject({ ServiceName: "cli_a", NetTypes: ["OUTER", "INNER"] });
    expect(JSON.parse(json.stdout).NetTypes).toEqual(["INNER"]);
    const described = await s.client().DescribeService({ ServiceId: answer.ServiceId });
    expect(described.Tags).toEqual([{ Key: "team", Value: "web app" }]);

    if (actions.has("CreateApi") && actions.has("DescribeApi")) {
      const api = await apigw(
        ["call", "CreateApi", "--ServiceId", answer.ServiceId, "--ApiName", "cli_api", "--ServiceType", "MOCK", "--ServiceTimeout", "15", "--Protocol", "HTTP",
          "--RequestConfig.Path", "/a", "--RequestConfig.Method", "GET", "--ServiceMockReturnMessage", "hi", "--EnableCORS", "true", "--AuthType", "NONE"],
        env,
      );
      expect(api.code, show(api)).toBe(0);
      const apiId = JSON.stringify(JSON.parse(api.stdout)).match(/api-[0-9a-z]{8}/)![0];
      const info = ((await s.client().DescribeApi({ ServiceId: answer.ServiceId, ApiId: apiId })) as { Result?: unknown }).Result;
      expect(info).toMatchObject({ EnableCORS: true, RequestConfig: { Path: "/a", Method: "GET" }, ServiceTimeout: 15 });
    }
  });

  it("reads --cli-input-json (a file or stdin); flags override it", async () => {
    // (A file with an overriding flag is in the README's examples.)
    const stdin = await apigw(["call", "CreateService", "--cli-input-json", "-", "--ServiceDesc", "flag", "--Tags.0.Value", "v2"], env, root,
      JSON.stringify({ ServiceName: "from_stdin", Protocol: "http", ServiceDesc: "stdin", Tags: [{ Key: "a", Value: "b" }] }));
    expect(stdin.code, show(stdin)).toBe(0);
    expect(JSON.parse(stdin.stdout)).toMatchObject({ ServiceName: "from_stdin", ServiceDesc: "flag" });
    const described = await s.client().DescribeService({ ServiceId: JSON.parse(stdin.stdout).ServiceId });
    expect(described.Tags).toEqual([{ Key: "a", Value: "v2" }]);
  });

  it("signs with v1 and over GET on request (nested parameters flattened)", async () => {
    await s.client().CreateService({ ServiceName: "signed_svc", Protocol: "http" });
    // (HmacSHA256 over GET is in the README's examples.)
    const variants = [["HmacSHA1", "POST"]] as const;
    const runs = await Promise.all(
      variants.map(([m, req]) => apigw(["call", "DescribeServicesStatus", "--Limit", "2", "--Filters.0.Name", "ServiceName", "--Filters.0.Values.0", "signed_svc", "--sign-method", m, "--req-method", req], env)),
    );
    runs.forEach((r, i) => {
      expect(r.code, `${variants[i]!.join(" ")}\n${show(r)}`).toBe(0);
      expect(JSON.parse(r.stdout).Result.TotalCount).toBe(1);
    });
  });

  it("prints an error with its code and RequestId and exits 1", async () => {
    const [notFound, badNumber, down] = await Promise.all([
      apigw(["call", "DescribeService", "--ServiceId", "service-nope0000", "--sign-method", "HmacSHA1"], env),
      apigw(["call", "DescribeServicesStatus", "--Limit", "many"], env),
      apigw(["call", "DescribeServicesStatus", "--endpoint", "http://127.0.0.1:1"], env),
    ]);
    expect(notFound.code).toBe(1);
    expect(notFound.stdout).toBe("");
    expect(notFound.stderr).toMatch(/DescribeService failed: ResourceNotFound\.InvalidService: Service `service-nope0000` does not exist/);
    expect(notFound.stderr).toMatch(/^RequestId: [0-9a-f-]{36}$/m);
    expect(badNumber.code).toBe(1);
    expect(badNumber.stderr).toMatch(/InvalidParameter(\.FormatError)?: .*`Limit`/);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("ClientError.NetworkError");
  });

  it("refuses to run without a key pair or with an unknown option (exit 2)", async () => {
    const [none, opt] = await Promise.all([
      apigw(["call", "DescribeServicesStatus"], baseEnv({ APIGW_ENDPOINT: s.apigw.controlUrl })),
      apigw(["call", "DescribeServicesStatus", "extra", "--limit", "1"], env),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no key pair");
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("unknown option --limit");
  });

  it("takes its settings from profiles: --profile beats the environment, which beats the default profile", async () => {
    const home = join(scratch, "profile-home");
    mkdirSync(join(home, ".apigw"), { recursive: true });
    writeFileSync(
      join(home, ".apigw", "credentials"),
      `# local apigw\n[default]\nendpoint = ${s.apigw.controlUrl}\nsecret_id = ${s.secretId}\nsecret_key = ${s.secretKey}\n\n[broken]\nendpoint = ${s.apigw.controlUrl}\nsecretId = ${s.secretId}\nsecretKey = wrong\n`,
    );
    const jsonFile = join(scratch, "profiles.json");
    writeFileSync(jsonFile, JSON.stringify({ good: { endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: s.secretKey, region: "ap-guangzhou", signMethod: "HmacSHA256" } }));

    const [viaDefault, missing, envWins, profileWins, byEnvName] = await Promise.all([
      apigw(["call", "DescribeServicesStatus", "--Limit", "1"], baseEnv({ HOME: home })),
      // An explicit profile that is not in the file is an error, not a fallback.
      apigw(["call", "DescribeServicesStatus", "--profile", "nope"], baseEnv({ HOME: home })),
      // The environment beats the default profile…
      apigw(["call", "DescribeServicesStatus"], baseEnv({ HOME: home, APIGW_SECRET_KEY: "wrong" })),
      // …and an explicit --profile beats the environment.
      apigw(["call", "DescribeServicesStatus", "--profile-file", jsonFile, "--profile", "good"], baseEnv({ APIGW_SECRET_KEY: "wrong", APIGW_ENDPOINT: "http://127.0.0.1:1" })),
      apigw(["call", "DescribeServicesStatus"], baseEnv({ APIGW_PROFILE_FILE: jsonFile, APIGW_PROFILE: "good" })),
    ]);
    expect(viaDefault.code, show(viaDefault)).toBe(0);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('profile "nope" not found in');
    expect(envWins.stderr).toContain("AuthFailure.SignatureFailure");
    expect(profileWins.code, show(profileWins)).toBe(0);
    expect(byEnvName.code, show(byEnvName)).toBe(0);
  });
});

// ---- apigw credentials --------------------------------------------------------------------

describe.concurrent("apigw credentials", { timeout: 90_000 }, () => {
  it("lists and creates key pairs in the database file; a running server accepts a new one at once", async () => {
    const db = join(scratch, "creds.db");
    const s = await startTestServer({ db });
    try {
      const env = baseEnv({ APIGW_DB: db, APIGW_ENDPOINT: s.apigw.controlUrl });
      const listed = await apigw(["credentials", "list", "--json"], env);
      expect(listed.code, show(listed)).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([{ AppId: s.apigw.defaultKey.account.appId, Uin: s.apigw.defaultKey.account.uin, SecretId: s.secretId, SecretKey: s.secretKey, Default: true }]);

      const [created, other] = await Promise.all([
        apigw(["credentials", "create", "--json"], env),
        apigw(["credentials", "create", "--app-id", "1300000009", "--secret-id", "AKIDotherAccount0000000000000000", "--secret-key", "otherKey"], env),
      ]);
      expect(created.code, show(created)).toBe(0);
      const key = JSON.parse(created.stdout) as { AppId: string; SecretId: string; SecretKey: string };
      expect(key.AppId).toBe(s.apigw.defaultKey.account.appId);
      expect(key.SecretId).toMatch(/^AKID/);
      expect(other.code, show(other)).toBe(0);
      expect(other.stdout).toMatch(/^AppId +1300000009$/m);
      await s.client().CreateService({ ServiceName: "creds_svc", Protocol: "http" });

      const [call, otherCall, text, dup] = await Promise.all([
        apigw(["call", "DescribeServicesStatus", "--secret-id", key.SecretId, "--secret-key", key.SecretKey], env),
        apigw(["call", "DescribeServicesStatus", "--secret-id", "AKIDotherAccount0000000000000000", "--secret-key", "otherKey"], env),
        apigw(["credentials", "list"], env),
        apigw(["credentials", "create", "--secret-id", "AKIDotherAccount0000000000000000", "--secret-key", "x"], env),
      ]);
      // The running server accepts the new key pairs at once; the other account sees only its own services.
      expect(call.code, show(call)).toBe(0);
      expect(JSON.parse(call.stdout).Result.TotalCount).toBe(1);
      expect(JSON.parse(otherCall.stdout).Result.TotalCount).toBe(0);
      expect(text.stdout.trim().split("\n")).toHaveLength(4);
      expect(text.stdout).toMatch(new RegExp(`^\\* +${s.apigw.defaultKey.account.appId} .*${s.secretId}`, "m"));
      expect(text.stdout).toMatch(/^ +1300000009 .*AKIDotherAccount0000000000000000 +otherKey$/m);
      expect(dup.code).toBe(2);
      expect(dup.stderr).toContain("already exists");
    } finally {
      await s.close();
    }
  });

  it("creates the default account on an empty database, which the server then uses; refuses to list a missing one", async () => {
    const db = join(scratch, "empty.db");
    const missing = await apigw(["credentials", "list"], baseEnv({ APIGW_DB: db }));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no database at");
    const created = await apigw(["credentials", "create", "--db", db, "--json"], baseEnv());
    expect(created.code, show(created)).toBe(0);
    const key = JSON.parse(created.stdout) as { SecretId: string; SecretKey: string };
    const s = await startTestServer({ db });
    try {
      expect(s.secretId).toBe(key.SecretId);
      expect(s.secretKey).toBe(key.SecretKey);
    } finally {
      await s.close();
    }
  });
});

// ---- apigw export / import ----------------------------------------------------------------

/** A simple value for a required parameter of a Describe* action, from the resources at hand. */
function describeInput(action: string, f: Record<string, string>): Record<string, unknown> | undefined {
  const schema = z.toJSONSchema(actions.get(action)!.input, { io: "input", unrepresentable: "any" }) as { required?: string[]; properties?: Record<string, { type?: string; enum?: string[] }> };
  const out: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const p = schema.properties?.[name] ?? {};
    if (name in f) out[name] = f[name];
    else if (/^Environment(Name)?$/.test(name)) out[name] = "release";
    else if (p.enum) out[name] = p.enum[0];
    else return undefined;
  }
  return out;
}

async function describeEverything(c: ApigatewayClient, region: string, serviceIds: string[], extra: Record<string, string>): Promise<Record<string, unknown>> {
  const call = async (action: string, params: Record<string, unknown>) => {
    try {
      const { RequestId: _r, ...rest } = (await (c as unknown as { request(a: string, p: unknown): Promise<Record<string, unknown>> }).request(action, params));
      return rest;
    } catch (e) {
      return { error: (e as { code?: string }).code };
    }
  };
  const out: Record<string, unknown> = {};
  out[`${region} DescribeServicesStatus`] = await call("DescribeServicesStatus", { Limit: 100 });
  for (const serviceId of serviceIds) {
    for (const action of [...actions.keys()].filter((a) => a.startsWith("Describe")).sort()) {
      const input = describeInput(action, { ...extra, ServiceId: serviceId });
      if (!input || !("ServiceId" in input || Object.keys(input).length === 0)) continue;
      out[`${region} ${action} ${serviceId}`] = await call(action, input);
    }
  }
  for (const action of [...actions.keys()].filter((a) => a.startsWith("Describe")).sort()) {
    const input = describeInput(action, extra);
    if (input && !("ServiceId" in input)) out[`${region} ${action}`] = await call(action, input);
  }
  return out;
}

describe.concurrent("apigw export / import", { timeout: 90_000 }, () => {
  it("imports into a fresh server with identical Describe* answers", async () => {
    const dbA = join(scratch, "export-a.db");
    const dbB = join(scratch, "export-b.db");
    const file = join(scratch, "account.json");
    const a = await startTestServer({ db: dbA });
    // Answers carry the gateway's port (InnerHttpPort, URLs): B runs with A's, as a moved installation would.
    const gatewayPort = Number(new URL(a.apigw.gatewayUrl).port);
    const gz = a.client();
    const sh = a.client({ region: "ap-shanghai" });
    const extra: Record<string, string> = {};
    const services: Record<string, string[]> = { "ap-guangzhou": [], "ap-shanghai": [] };
    const s1 = (await gz.CreateService({ ServiceName: "orders", Protocol: "http&https", NetTypes: ["OUTER", "INNER"], Tags: [{ Key: "team", Value: "a" }] })).ServiceId!;
    const s2 = (await gz.CreateService({ ServiceName: "users", Protocol: "https", ServiceDesc: "users 服务" })).ServiceId!;
    const s3 = (await sh.CreateService({ ServiceName: "shanghai", Protocol: "http" })).ServiceId!;
    services["ap-guangzhou"]!.push(s1, s2);
    services["ap-shanghai"]!.push(s3);
    await gz.ModifyService({ ServiceId: s2, ServiceDesc: "changed" });
    const req = (c: ApigatewayClient, action: string, p: unknown) => (c as unknown as { request(a: string, p: unknown): Promise<Record<string, unknown>> }).request(action, p);
    if (actions.has("CreateApi")) {
      const api = await req(gz, "CreateApi", { ServiceId: s1, ApiName: "list", ServiceType: "MOCK", ServiceTimeout: 15, Protocol: "HTTP", AuthType: "NONE", RequestConfig: { Path: "/orders", Method: "GET" }, ServiceMockReturnMessage: "[]" });
      extra.ApiId = JSON.stringify(api).match(/api-[0-9a-z]{8}/)![0];
    }
    if (actions.has("ReleaseService")) {
      await req(gz, "ReleaseService", { ServiceId: s1, EnvironmentName: "release", ReleaseDesc: "first" });
      await req(gz, "ReleaseService", { ServiceId: s1, EnvironmentName: "test", ReleaseDesc: "second" });
    }
    if (actions.has("CreateUsagePlan")) {
      const plan = await req(gz, "CreateUsagePlan", { UsagePlanName: "gold", MaxRequestNumPreSec: 100 });
      extra.UsagePlanId = JSON.stringify(plan).match(/usagePlan-[0-9a-z]{8}/)![0];
      if (actions.has("BindEnvironment")) await req(gz, "BindEnvironment", { UsagePlanIds: [extra.UsagePlanId], BindType: "SERVICE", Environment: "release", ServiceId: s1 });
    }
    if (actions.has("CreateApiKey")) {
      const key = await req(gz, "CreateApiKey", { SecretName: "k1" });
      extra.AccessKeyId = JSON.stringify(key).match(/AKID[0-9a-z]{36}/)![0];
      if (actions.has("BindSecretIds") && extra.UsagePlanId) await req(gz, "BindSecretIds", { UsagePlanId: extra.UsagePlanId, AccessKeyIds: [extra.AccessKeyId] });
    }
    if (actions.has("ModifyServiceEnvironmentStrategy")) await req(gz, "ModifyServiceEnvironmentStrategy", { ServiceId: s1, Strategy: 200, EnvironmentNames: ["release"] });

    const before: Record<string, unknown> = {};
    for (const region of ["ap-guangzhou", "ap-shanghai"]) Object.assign(before, await describeEverything(a.client({ region }), region, services[region]!, extra));
    expect(before["ap-guangzhou DescribeServicesStatus"]).toMatchObject({ Result: { TotalCount: 2 } });

    // Export while A is running (a consistent read), then import into B's database with B stopped.
    const [exported, one] = await Promise.all([
      apigw(["export", "--db", dbA, "--include-credentials", "--out", file], baseEnv()),
      apigw(["export", "--db", dbA, "--region", "ap-shanghai"], baseEnv()),
    ]);
    expect(exported.code, show(exported)).toBe(0);
    expect(exported.stderr).toMatch(/exported account \d+ \(all regions\): .*\b3 services\b/);
    // One region only, without key pairs unless asked.
    expect(one.code, show(one)).toBe(0);
    const doc = JSON.parse(one.stdout) as { regions: string[]; credentials?: unknown; tables: { services: Array<{ id: string }> } };
    expect(doc.regions).toEqual(["ap-shanghai"]);
    expect(doc.credentials).toBeUndefined();
    expect(doc.tables.services.map((r) => r.id)).toEqual([s3]);
    const appIdA = a.apigw.defaultKey.account.appId;
    await a.close();

    const fresh = await startTestServer({ db: dbB, gatewayPort });
    const freshAppId = fresh.apigw.defaultKey.account.appId;
    await fresh.close();
    expect(freshAppId).not.toBe(appIdA);
    const imported = await apigw(["import", file], baseEnv({ APIGW_DB: dbB }));
    expect(imported.code, show(imported)).toBe(0);
    expect(imported.stderr).toMatch(/imported account \d+: .*\b3 services\b/);

    const b = await startTestServer({ db: dbB, gatewayPort });
    try {
      expect(b.apigw.defaultKey.account.appId).toBe(freshAppId);
      const after: Record<string, unknown> = {};
      for (const region of ["ap-guangzhou", "ap-shanghai"]) {
        Object.assign(after, await describeEverything(b.client({ region, secretId: a.secretId, secretKey: a.secretKey }), region, services[region]!, extra));
      }
      expect(Object.keys(after).length).toBeGreaterThanOrEqual(5);
      expect(after).toEqual(before);
      // B's own account does not see the imported configuration.
      expect(await b.client().DescribeServicesStatus({})).toMatchObject({ Result: { TotalCount: 0 } });
    } finally {
      await b.close();
    }

    // A second import is refused (the account has configuration there) unless --replace.
    const again = await apigw(["import", file, "--db", dbB], baseEnv());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("use --replace");
    const replaced = await apigw(["import", file, "--db", dbB, "--replace"], baseEnv());
    expect(replaced.code, show(replaced)).toBe(0);
    const b2 = await startTestServer({ db: dbB, gatewayPort });
    try {
      const after: Record<string, unknown> = {};
      for (const region of ["ap-guangzhou", "ap-shanghai"]) {
        Object.assign(after, await describeEverything(b2.client({ region, secretId: a.secretId, secretKey: a.secretKey }), region, services[region]!, extra));
      }
      expect(after).toEqual(before);
    } finally {
      await b2.close();
    }

  });

  it("is generic over the store: every account table round-trips, a new one included; other accounts stay out", async () => {
    const src = await openStore(join(scratch, "generic-src.db"));
    const dst = await openStore(join(scratch, "generic-dst.db"));
    try {
      for (const store of [src, dst]) {
        // A resource kind that lands later: exported and imported without any change to the code.
        store.sqlite.exec("CREATE TABLE future_things (id TEXT PRIMARY KEY, app_id TEXT NOT NULL, region TEXT NOT NULL, parent_id TEXT, data TEXT NOT NULL, body BLOB, created_at TEXT NOT NULL)");
      }
      const now = new Date().toISOString();
      src.sqlite.prepare("INSERT INTO accounts (app_id, uin, owner_uin, is_default, created_at) VALUES (?, ?, ?, ?, ?)").run("1250000001", "100000000001", "100000000001", 1, now);
      src.sqlite.prepare("INSERT INTO accounts (app_id, uin, owner_uin, is_default, created_at) VALUES (?, ?, ?, ?, ?)").run("1250000002", "100000000002", "100000000002", 0, now);
      const tables = accountTables(src.sqlite);
      for (const t of ["services", "apis", "releases", "usage_plans", "api_keys", "bindings", "environments", "release_history", "future_things"]) expect(tables).toContain(t);
      const cols = (t: string) => src.sqlite.prepare(`PRAGMA table_info("${t}")`).all() as Array<{ name: string; type: string; pk: number }>;
      const rowsOf = (db: SQLite.Database, t: string, appId: string) =>
        (db.prepare(`SELECT * FROM "${t}" WHERE app_id = ?`).all(appId) as Array<Record<string, unknown>>)
          .map((r) => {
            const { seq: _seq, ...rest } = r;
            return JSON.stringify(rest);
          })
          .sort();
      let n = 0;
      for (const t of tables) {
        for (const [appId, region] of [["1250000001", "ap-guangzhou"], ["1250000001", "ap-shanghai"], ["1250000002", "ap-guangzhou"]] as const) {
          n++;
          const row: Record<string, unknown> = {};
          for (const c of cols(t)) {
            if (c.pk && c.type.toUpperCase() === "INTEGER") continue;
            row[c.name] =
              c.name === "app_id"
                ? appId
                : c.name === "region"
                  ? region
                  : c.name === "data"
                    ? JSON.stringify({ n, nested: { list: [1, "x"] } })
                    : c.type.toUpperCase() === "BLOB"
                      ? Buffer.from([0, 255, n, 10])
                      : /INT|REAL/i.test(c.type)
                        ? n
                        : `${t}-${c.name}-${n}`;
          }
          const names = Object.keys(row);
          src.sqlite.prepare(`INSERT INTO "${t}" (${names.map((x) => `"${x}"`).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`).run(...names.map((k) => row[k]));
        }
      }
      // Access logs are activity, not configuration: left out unless asked for.
      const configTables = tables.filter((t) => t !== "access_logs");
      const withoutLogs = exportAccount(src.sqlite, {});
      if (tables.includes("access_logs")) expect(withoutLogs.tables.access_logs).toBeUndefined();
      const doc = exportAccount(src.sqlite, { includeLogs: true });
      expect(doc.account).toMatchObject({ app_id: "1250000001", uin: "100000000001" });
      for (const t of tables) expect(doc.counts[t], t).toBe(2);
      expect(Object.keys(withoutLogs.tables).sort()).toEqual([...configTables].sort());
      // BLOBs travel as base64 and come back as the same bytes (compared below).
      expect(doc.tables.future_things![0]!.body).toEqual({ $base64: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
      expect((doc.tables.services![0]!.data as { nested: unknown }).nested).toEqual({ list: [1, "x"] });

      const result = importAccount(dst.sqlite, JSON.parse(JSON.stringify(doc)));
      expect(result.appId).toBe("1250000001");
      for (const t of tables) expect(rowsOf(dst.sqlite, t, "1250000001"), t).toEqual(rowsOf(src.sqlite, t, "1250000001"));
      for (const t of tables) expect(rowsOf(dst.sqlite, t, "1250000002"), t).toEqual([]);
      expect(dst.sqlite.prepare("SELECT app_id, uin, is_default FROM accounts").all()).toEqual([{ app_id: "1250000001", uin: "100000000001", is_default: 1 }]);

      const regional = exportAccount(src.sqlite, { appId: "1250000001", region: "ap-shanghai" });
      for (const t of configTables) expect(regional.counts[t], t).toBe(1);
      expect(() => exportAccount(src.sqlite, { appId: "999" })).toThrow(/no account 999/);
      expect(() => importAccount(dst.sqlite, { format: "something-else" })).toThrow(/not an apigw export/);
      const future = JSON.parse(JSON.stringify(doc));
      future.tables.unknown_table = [{ id: "x" }];
      expect(() => importAccount(dst.sqlite, future, { replace: true })).toThrow(/table "unknown_table"/);
    } finally {
      await src.close();
      await dst.close();
    }
  });
});
