/**
 * The typed client (src/client): generated from the registered actions (stale → fails), and
 * driven against the server side by side with the official SDK: two fresh servers with the
 * same account receive the same calls, one through the SDK, one through ApigwClient, and
 * the answers must be equal once RequestIds, generated ids, secrets and times (which
 * naturally differ) are normalised. Every registered action is called, with explicit inputs
 * where the simple ones derived from its schema would not get far.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { ApigwClient, ApigwError, actionNames, flattenParams, type ActionInputs, type SignMethod } from "../src/client/index.js";
import { loadActions } from "../src/control/registry.js";
import { buildClientSource, clientPath } from "../scripts/gen-client.js";
import { startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

const actions = await loadActions();

describe("generated client", () => {
  it("is up to date (run `npm run client` after adding or changing an action)", async () => {
    expect(readFileSync(clientPath, "utf8")).toBe(await buildClientSource());
  });

  it("has one method per registered action, and only those", () => {
    expect([...actionNames].sort()).toEqual([...actions.keys()].sort());
    const client = new ApigwClient({ endpoint: "127.0.0.1:1", secretId: "AKIDx", secretKey: "k" });
    for (const name of actions.keys()) expect(typeof (client as unknown as Record<string, unknown>)[name], name).toBe("function");
  });

  it("types inputs by the action's schema and outputs by the documented response", () => {
    const client = new ApigwClient({ endpoint: "127.0.0.1:1", secretId: "AKIDx", secretKey: "k" });
    // Compile-time checks (tsc): the required parameters and documented enums are in the types.
    expectTypeOf<ActionInputs["CreateService"]>().toHaveProperty("ServiceName").toEqualTypeOf<string>();
    expectTypeOf<ActionInputs["CreateService"]["Protocol"]>().toEqualTypeOf<"http" | "https" | "http&https">();
    expectTypeOf(client.CreateService).returns.resolves.toHaveProperty("ServiceId");
    expectTypeOf(client.CreateService).returns.resolves.toHaveProperty("RequestId").toEqualTypeOf<string>();
    expectTypeOf(client.DescribeServicesStatus).parameter(0).toEqualTypeOf<ActionInputs["DescribeServicesStatus"] | undefined>();
    // @ts-expect-error ServiceName is required
    void (() => client.CreateService({ Protocol: "http" }));
    // @ts-expect-error Protocol is an enum
    void (() => client.CreateService({ ServiceName: "a", Protocol: "ftp" }));
    // @ts-expect-error NetTypes items are an enum too
    void (() => client.CreateService({ ServiceName: "a", Protocol: "http", NetTypes: ["SOMEWHERE"] }));
    // @ts-expect-error Limit is a number
    void (() => client.DescribeServicesStatus({ Limit: "10" }));
  });

  it("flattens nested parameters for v1 and GET the way the server unflattens them", () => {
    expect(flattenParams({ Limit: 10, On: true, Tags: [{ Key: "a", Value: "b" }], Filters: [{ Name: "n", Values: ["x", "y"] }], Skip: undefined, Empty: [] })).toEqual({
      Limit: "10",
      On: "true",
      "Tags.0.Key": "a",
      "Tags.0.Value": "b",
      "Filters.0.Name": "n",
      "Filters.0.Values.0": "x",
      "Filters.0.Values.1": "y",
    });
  });
});

// ---- Side by side with the official SDK ----------------------------------------------------

const APP_ID = "1251000001";
const SECRET_ID = "AKIDclientTestSideBySide000000000";
const SECRET_KEY = "clientTestSideBySideSecretKey000";

type Answer = { ok: true; body: unknown } | { ok: false; code: string; message: string };
type Fixtures = Record<string, string>;

/** Replaces what naturally differs between two servers by stable placeholders (per side, in order of appearance). */
class Normaliser {
  private readonly tokens = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  constructor(
    private readonly uin: string,
    /** The gateway's port is in URLs and InnerHttpPort; each server has its own. */
    private readonly gatewayPort: number,
  ) {}

  private static readonly ID_PATTERNS: Array<[kind: string, re: RegExp]> = [
    ["release", /(?<![0-9A-Za-z])\d{14}[0-9a-f]{32}(?![0-9A-Za-z])/g],
    ["uuid", /(?<![0-9A-Za-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9A-Za-z])/g],
    ["id", /(?<![0-9A-Za-z])(?:service|api|usagePlan|app|IPStrategy|plugin|apidoc)-[0-9a-z]{8}(?![0-9A-Za-z])/g],
    ["key", /(?<![0-9A-Za-z])AKID[0-9A-Za-z]{20,}(?![0-9A-Za-z])/g],
  ];

  private token(kind: string, value: string): string {
    let t = this.tokens.get(value);
    if (!t) {
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      t = `<${kind}#${n}>`;
      this.tokens.set(value, t);
    }
    return t;
  }

  string(s: string): string {
    let out = s;
    for (const [kind, re] of Normaliser.ID_PATTERNS) out = out.replace(re, (m) => this.token(kind, m));
    out = out.replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?/g, "<time>");
    // Download links carry an unguessable token (GenerateApiDocument).
    out = out.replace(/\/__download\/[0-9A-Za-z_-]+\//g, "/__download/<token>/");
    out = out.split(`:${this.gatewayPort}`).join(":<gateway-port>");
    return this.uin ? out.split(this.uin).join("<uin>") : out;
  }

  value(v: unknown, key = ""): unknown {
    if (typeof v === "string") {
      // Generated secrets differ by nature; their presence still has to match.
      if (/Secret$|SecretKey$|^ApiAppKey$|Token$|Password$/.test(key) && v !== "") return "<secret>";
      return this.string(v);
    }
    if (typeof v === "number" && v === this.gatewayPort) return "<gateway-port>";
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== "RequestId") out[k] = this.value(x, k);
      return out;
    }
    return v;
  }

  answer(a: Answer): unknown {
    return a.ok ? { ok: true, body: this.value(a.body) } : { ok: false, code: a.code, message: this.string(a.message) };
  }
}

const normaliserFor = (server: TestServer) => new Normaliser(server.apigw.defaultKey.account.uin, Number(new URL(server.apigw.gatewayUrl).port));

interface Side {
  name: string;
  call(action: string, params: Record<string, unknown>): Promise<Answer>;
  fixtures: Fixtures;
  norm: Normaliser;
}

function sdkSide(server: TestServer): Side {
  const sdk = server.client();
  return {
    name: "sdk",
    fixtures: {},
    norm: normaliserFor(server),
    async call(action, params) {
      const method = (sdk as unknown as Record<string, unknown>)[action];
      try {
        const body =
          typeof method === "function"
            ? await (method as (p: unknown) => Promise<unknown>).call(sdk, params)
            : await (sdk as ApigatewayClient & { request(a: string, p: unknown): Promise<unknown> }).request(action, params);
        return { ok: true, body };
      } catch (e) {
        const err = e as { code?: string; message: string };
        if (!err.code) throw e;
        return { ok: false, code: err.code, message: err.message };
      }
    },
  };
}

function clientSide(server: TestServer, signMethod: SignMethod = "TC3-HMAC-SHA256", reqMethod: "POST" | "GET" = "POST"): Side & { client: ApigwClient } {
  const client = new ApigwClient({ endpoint: server.apigw.controlUrl, secretId: SECRET_ID, secretKey: SECRET_KEY, region: "ap-guangzhou", signMethod, reqMethod });
  return {
    name: "client",
    client,
    fixtures: {},
    norm: normaliserFor(server),
    async call(action, params) {
      const method = (client as unknown as Record<string, unknown>)[action];
      try {
        const body =
          typeof method === "function" && (actionNames as readonly string[]).includes(action)
            ? await (method as (p: unknown) => Promise<unknown>).call(client, params)
            : await client.request(action, params);
        return { ok: true, body };
      } catch (e) {
        if (!(e instanceof ApigwError)) throw e;
        expect(e.requestId, `${action}: ApigwError carries the RequestId`).toMatch(/^[0-9a-f-]{36}$/);
        return { ok: false, code: e.code, message: e.message };
      }
    },
  };
}

/** Ids found in an answer become fixtures for later calls (the first of each kind). */
const FIXTURE_OF: Array<[RegExp, string]> = [
  [/^service-[0-9a-z]{8}$/, "ServiceId"],
  [/^api-[0-9a-z]{8}$/, "ApiId"],
  [/^usagePlan-[0-9a-z]{8}$/, "UsagePlanId"],
  [/^app-[0-9a-z]{8}$/, "ApiAppId"],
  [/^IPStrategy-[0-9a-z]{8}$/, "StrategyId"],
  [/^plugin-[0-9a-z]{8}$/, "PluginId"],
  [/^apidoc-[0-9a-z]{8}$/, "ApiDocId"],
  [/^AKID[0-9a-z]{36}$/, "AccessKeyId"],
  [/^\d{14}[0-9a-f]{32}$/, "VersionName"],
];

/** Values found by their field name rather than their shape. */
const FIXTURE_FIELDS = new Set(["ApiAppKey", "OuterSubDomain"]);

function collectFixtures(v: unknown, into: Fixtures, key = ""): void {
  if (typeof v === "string") {
    if (FIXTURE_FIELDS.has(key) && v && !(key in into)) into[key] = v;
    for (const [re, name] of FIXTURE_OF) if (re.test(v) && !(name in into)) into[name] = v;
  } else if (Array.isArray(v)) v.forEach((x) => collectFixtures(x, into));
  else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => collectFixtures(x, into, k));
}

/** The schema-derived simple input (below) with some parameters given. */
const withSimple = (action: string, f: Fixtures, given: Record<string, unknown>) => ({ ...simpleInput(jsonSchemaOf(action), f), ...given });

/** Inputs for actions whose schema-derived simple input would not get past validation. */
const SCENARIOS: Record<string, (f: Fixtures) => Record<string, unknown>> = {
  CreateIPStrategy: (f) => ({ ServiceId: f.ServiceId, StrategyName: "office", StrategyType: "WHITE", StrategyData: "10.0.0.0/8;192.168.1.1" }),
  ModifyIPStrategy: (f) => ({ ServiceId: f.ServiceId, StrategyId: f.StrategyId, StrategyData: "10.1.0.0/16" }),
  CreatePlugin: () => ({ PluginName: "ipc", PluginType: "IPControl", PluginData: JSON.stringify({ type: "white_list", blocks: "10.0.0.0/8" }), Description: "d" }),
  ModifyPlugin: (f) => ({ PluginId: f.PluginId, PluginName: "ipc2", PluginData: JSON.stringify({ type: "black_list", blocks: "1.2.3.4" }) }),
  CreateAPIDoc: (f) => ({ ApiDocName: "doc", ServiceId: f.ServiceId, Environment: "release", ApiIds: [f.ApiId] }),
  BindSubDomain: (f) => withSimple("BindSubDomain", f, { SubDomain: "api.example.com", Protocol: "http", NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: f.OuterSubDomain }),
  DescribeLogSearch: (f) => ({ StartTime: "2020-01-01 00:00:00", EndTime: "2030-01-01 00:00:00", ServiceId: f.ServiceId, Limit: 10 }),
  GenerateApiDocument: (f) => ({ ServiceId: f.ServiceId, GenEnvironment: "release", GenLanguage: "python" }),
  CreateService: () => ({ ServiceName: "svc_side", Protocol: "http&https", ServiceDesc: "a=b&c 服务", NetTypes: ["OUTER", "INNER"], Tags: [{ Key: "team", Value: "web" }] }),
  CreateApi: (f) => ({
    ServiceId: f.ServiceId,
    ApiName: "hello",
    ServiceType: "MOCK",
    ServiceTimeout: 15,
    Protocol: "HTTP",
    AuthType: "NONE",
    RequestConfig: { Path: "/hello", Method: "GET" },
    ServiceMockReturnMessage: "hi",
  }),
  ModifyApi: (f) => ({
    ServiceId: f.ServiceId,
    ApiId: f.ApiId,
    ApiName: "hello2",
    ServiceType: "MOCK",
    ServiceTimeout: 10,
    Protocol: "HTTP",
    AuthType: "NONE",
    RequestConfig: { Path: "/hello2", Method: "POST" },
    ServiceMockReturnMessage: "hi again",
  }),
  CreateApiKey: () => ({ SecretName: "key_side", AccessKeyType: "auto" }),
  CreateUsagePlan: () => ({ UsagePlanName: "plan_side", UsagePlanDesc: "d", MaxRequestNumPreSec: 10, MaxRequestNum: 100 }),
  ReleaseService: (f) => ({ ServiceId: f.ServiceId, EnvironmentName: "release", ReleaseDesc: "v1" }),
  DescribeServicesStatus: () => ({ Limit: 10, Offset: 0, Filters: [{ Name: "ServiceName", Values: ["svc_side"] }] }),
  ModifyService: (f) => ({ ServiceId: f.ServiceId, ServiceName: "svc_side2", ServiceDesc: "changed" }),
  ModifyServiceEnvironmentStrategy: (f) => ({ ServiceId: f.ServiceId, Strategy: 100, EnvironmentNames: ["release", "test"] }),
  ModifyApiEnvironmentStrategy: (f) => ({ ServiceId: f.ServiceId, Strategy: 50, EnvironmentName: "release", ApiIds: [f.ApiId] }),
};

/** A simple value for a required parameter, from fixtures or the schema. */
function simpleValue(name: string, s: Record<string, unknown>, f: Fixtures): unknown {
  if (name in f) return f[name];
  const single = name.replace(/s$/, "");
  if (s.type === "array" && single in f) return [f[single]];
  // BindApiIds, AccessKeyIds…: a list of a fixture's kind.
  const kind = Object.keys(f).find((k) => single.endsWith(k));
  if (kind) return s.type === "array" ? [f[kind]] : f[kind];
  if (/^(Gen)?Environment(Name)?$/.test(name)) return "release";
  if (/Region$/.test(name)) return "ap-guangzhou";
  if (name === "SubDomain") return "api.example.com";
  if (name === "EnvironmentNames") return ["release"];
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case "string":
      return "demo";
    case "integer":
    case "number":
      return typeof s.minimum === "number" && s.minimum > 1 ? s.minimum : 1;
    case "boolean":
      return false;
    case "array":
      return [simpleValue(single, (s.items ?? {}) as Record<string, unknown>, f)];
    case "object":
      return simpleInput(s, f);
    default:
      return "demo";
  }
}

function simpleInput(schema: Record<string, unknown>, f: Fixtures): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const name of (schema.required ?? []) as string[]) out[name] = simpleValue(name, props[name] ?? {}, f);
  return out;
}

function jsonSchemaOf(action: string): Record<string, unknown> {
  return z.toJSONSchema(actions.get(action)!.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

function inputFor(action: string, f: Fixtures): Record<string, unknown> {
  const scenario = SCENARIOS[action];
  return scenario ? scenario(f) : simpleInput(jsonSchemaOf(action), f);
}

/** Creates first (the service before what lives in it), then releases and bindings, reads and changes, unbinds, deletes (the service last). */
function rank(name: string): number {
  if (name === "CreateService") return 0;
  // A document describes a published environment.
  if (name === "CreateAPIDoc") return 2.5;
  if (name.startsWith("Create")) return 1;
  if (name.startsWith("Release")) return 2;
  if (name.startsWith("Bind")) return 3;
  if (name.startsWith("Un")) return 5;
  if (name === "DeleteService") return 7;
  if (name.startsWith("Delete")) return 6;
  return 4;
}
const plan = [...actions.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

describe("ApigwClient side by side with the official SDK", () => {
  let sdkServer: TestServer;
  let clientServer: TestServer;
  let sides: [Side, Side];
  const results = new Map<string, Answer>();

  beforeAll(async () => {
    const same = { secretId: SECRET_ID, secretKey: SECRET_KEY, credentials: [{ appId: APP_ID, secretId: SECRET_ID, secretKey: SECRET_KEY }] };
    [sdkServer, clientServer] = await Promise.all([startTestServer(same), startTestServer(same)]);
    sides = [sdkSide(sdkServer), clientSide(clientServer)];
  });
  afterAll(async () => {
    await Promise.all([sdkServer?.close(), clientServer?.close()]);
  });

  for (const action of plan) {
    it(`${action}: same answer through both`, async () => {
      const answers: unknown[] = [];
      for (const side of sides) {
        const params = inputFor(action, side.fixtures);
        const answer = await side.call(action, params);
        if (answer.ok) collectFixtures(answer.body, side.fixtures);
        answers.push(side.norm.answer(answer));
        if (side.name === "client") results.set(action, answer);
        // Creation times order lists; keep consecutive creations apart by more than a millisecond.
        if (action.startsWith("Create")) await new Promise((r) => setTimeout(r, 3));
      }
      expect(answers[1], `${action} through ApigwClient vs the SDK`).toEqual(answers[0]);
    });
  }

  it("the service actions succeeded (the comparison above was not only of errors)", () => {
    for (const name of ["CreateService", "DescribeService", "DescribeServicesStatus", "ModifyService"]) {
      const r = results.get(name);
      expect(r, name).toBeDefined();
      expect(r!.ok ? "ok" : `${(r as { code: string }).code}: ${(r as { message: string }).message}`, name).toBe("ok");
    }
    const ok = [...results.values()].filter((r) => r.ok).length;
    expect(ok).toBeGreaterThan(results.size / 2);
  });
});

// ---- Sign methods, errors -----------------------------------------------------------------

describe("ApigwClient sign methods and errors", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  const variants: Array<[SignMethod, "POST" | "GET"]> = [
    ["TC3-HMAC-SHA256", "POST"],
    ["TC3-HMAC-SHA256", "GET"],
    ["HmacSHA1", "POST"],
    ["HmacSHA1", "GET"],
    ["HmacSHA256", "POST"],
    ["HmacSHA256", "GET"],
  ];

  it.each(variants)("%s over %s: nested, numeric and boolean parameters arrive as the SDK sends them", async (signMethod, reqMethod) => {
    const client = new ApigwClient({ endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: s.secretKey, signMethod, reqMethod });
    const sdk = s.client({ signMethod, reqMethod });
    const name = `svc_${signMethod.replace(/-/g, "")}_${reqMethod}`;
    const created = await client.CreateService({ ServiceName: name, Protocol: "http", ServiceDesc: "x y&z=1 é", NetTypes: ["OUTER", "INNER"], Tags: [{ Key: "k", Value: "v w" }] });
    expect(created.ServiceId).toMatch(/^service-[0-9a-z]{8}$/);
    const mine = await client.DescribeService({ ServiceId: created.ServiceId! });
    const theirs = await sdk.DescribeService({ ServiceId: created.ServiceId! });
    const { RequestId: _a, ...a } = mine;
    const { RequestId: _b, ...b } = theirs as typeof theirs & { RequestId: string };
    expect(a).toEqual(b);
    expect(mine).toMatchObject({ ServiceName: name, ServiceDesc: "x y&z=1 é", Tags: [{ Key: "k", Value: "v w" }] });
    const listed = await client.DescribeServicesStatus({ Limit: 5, Filters: [{ Name: "ServiceName", Values: [name] }] });
    expect(listed.Result?.TotalCount).toBe(1);
    if ("DeleteService" in client) {
      const deleted = await client.DeleteService({ ServiceId: created.ServiceId!, SkipVerification: 1 });
      expect(deleted.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("throws ApigwError with the code, message and RequestId the SDK reports", async () => {
    const client = new ApigwClient({ endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: s.secretKey });
    const mine = await client.DescribeService({ ServiceId: "service-nope0000" }).catch((e: unknown) => e);
    expect(mine).toBeInstanceOf(ApigwError);
    const err = mine as ApigwError;
    expect(err.code).toBe("ResourceNotFound.InvalidService");
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const theirs = await s.client().DescribeService({ ServiceId: "service-nope0000" }).catch((e: { code: string; message: string }) => e);
    expect({ code: err.code, message: err.message }).toEqual({ code: (theirs as { code: string }).code, message: (theirs as { message: string }).message });

    const invalid = await client.request("CreateService", { ServiceName: "x", Protocol: "ftp" }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ name: "ApigwError", code: "InvalidParameterValue" });
    expect((invalid as ApigwError).message).toContain("Protocol");
  });

  it("reports signature, unknown-action and transport failures as ApigwError", async () => {
    const wrongKey = new ApigwClient({ endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: "wrong" });
    await expect(wrongKey.DescribeServicesStatus()).rejects.toMatchObject({ code: "AuthFailure.SignatureFailure" });
    const v1Wrong = new ApigwClient({ endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: "wrong", signMethod: "HmacSHA256" });
    await expect(v1Wrong.DescribeServicesStatus()).rejects.toMatchObject({ code: "AuthFailure.SignatureFailure" });
    const client = new ApigwClient({ endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: s.secretKey });
    await expect(client.request("NoSuchAction", {})).rejects.toMatchObject({ code: "InvalidAction" });
    const shanghai = new ApigwClient({ endpoint: s.apigw.controlUrl, secretId: s.secretId, secretKey: s.secretKey, region: "xx-nowhere-1" });
    await expect(shanghai.DescribeServicesStatus()).rejects.toMatchObject({ code: "InvalidParameterValue.InvalidRegion" });

    // A port nothing listens on: a closed server's.
    const other = await startTestServer();
    const closedUrl = other.apigw.controlUrl;
    await other.close();
    const down = new ApigwClient({ endpoint: closedUrl, secretId: "AKIDx", secretKey: "k" });
    const e = await down.DescribeServicesStatus().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApigwError);
    expect((e as ApigwError).code).toBe("ClientError.NetworkError");
    expect((e as ApigwError).requestId).toBe("");
  });

  it("accepts an endpoint without a scheme and rejects a bad sign method", async () => {
    const bare = new ApigwClient({ endpoint: `127.0.0.1:${s.apigw.controlPort}`, secretId: s.secretId, secretKey: s.secretKey });
    await expect(bare.DescribeServicesStatus({ Limit: 1 })).resolves.toHaveProperty("Result");
    expect(() => new ApigwClient({ endpoint: "x", secretId: "a", secretKey: "b", signMethod: "MD5" as SignMethod })).toThrow(/signMethod/);
  });
});

// ---- The README's example, as written --------------------------------------------------------

describe("README: Typed client", () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), "apigw-client-readme-"));
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the section's example, importing the package as \"apigw\" through its exports", async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const start = readme.indexOf("\n## Typed client\n");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, "README Typed client has a ts example").toBeDefined();
    expect(code).toContain('from "apigw"');
    // An application next to an installed apigw (npm links a local path the same way).
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "apigw"), "dir");
    writeFileSync(join(dir, "example.ts"), code!);
    const env = { ...process.env, APIGW_ENDPOINT: s.apigw.controlUrl, APIGW_SECRET_ID: s.secretId, APIGW_SECRET_KEY: s.secretKey };
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, "node_modules", "tsx", "dist", "cli.mjs"), "example.ts"], { cwd: dir, env, timeout: 60_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^typed service-[0-9a-z]{8}-\d+\.ap-guangzhou\.apigw\.localhost 1$/);
    expect(lines[1]).toMatch(/^ResourceNotFound\.InvalidService Service `service-nope0000` does not exist in this region\. [0-9a-f-]{36}$/);
    const listed = await s.client().DescribeServicesStatus({ Filters: [{ Name: "ServiceName", Values: ["typed"] }] });
    expect(listed.Result?.TotalCount).toBe(1);
  });
});
