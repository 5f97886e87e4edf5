/**
 * API documents and GenerateApiDocument end to end: documents created through the official SDK,
 * their pages fetched from the gateway with and without the password, rebuilt after a release;
 * the generated document and SDK archive downloaded, the JavaScript client unpacked and used to
 * call released APIs (NONE, and SECRET with a key bound through a usage plan), the Python client
 * too when python3 is on the machine.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModifyAPIDocRequest } from "tencentcloud-sdk-nodejs/tencentcloud/services/apigateway/v20180808/apigateway_models.js";
import { unzip, zip } from "../src/resources/archive.js";
import { get, releasedService, startEchoBackend, type ApiSpec } from "./gateway-calls.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

const OTHER = { appId: "1300000088", secretId: "AKIDapiDocsOtherAccount000000000", secretKey: "apiDocsOtherAccountKey" };

let s: TestServer;
let c: ApigatewayClient;
let other: ApigatewayClient;
let backend: Awaited<ReturnType<typeof startEchoBackend>>;
const tmp = mkdtempSync(join(tmpdir(), "apigw-docs-"));

beforeAll(async () => {
  backend = await startEchoBackend();
  s = await startTestServer({}, { APIGW_CREDENTIALS: `${OTHER.appId}:${OTHER.secretId}:${OTHER.secretKey}` });
  c = s.client();
  other = s.client({ secretId: OTHER.secretId, secretKey: OTHER.secretKey });
});
afterAll(async () => {
  await s.close();
  await backend.close();
  rmSync(tmp, { recursive: true, force: true });
});

const USERS: ApiSpec = {
  path: "/users/{id}",
  name: "get_user",
  desc: "Reads one user <by id>",
  params: [
    { Name: "id", Position: "PATH", Required: true, Desc: "user id" },
    { Name: "verbose", Position: "QUERY", DefaultValue: "0", Desc: "more fields" },
  ],
  successExample: '{"id": 1, "name": "<Ann>"}',
};
const ORDERS: ApiSpec = { path: "/orders", name: "create order", method: "POST", auth: "SECRET" };

const basic = (password: string) => ({ Authorization: `Basic ${Buffer.from(`reader:${password}`).toString("base64")}` });

describe("API documents", () => {
  it("create → page behind the password → view count → reset password → rebuild after a release → delete", async () => {
    const svc = await releasedService(c, backend.url, [USERS, ORDERS]);
    const created = await c.CreateAPIDoc({ ApiDocName: "Shop API", ServiceId: svc.serviceId, Environment: "release", ApiIds: svc.apiIds });
    expect(created.Result).toEqual({ ApiDocId: expect.stringMatching(/^apidoc-[0-9a-z]{8}$/), ApiDocName: "Shop API", ApiDocStatus: "COMPLETED", Tags: [] });
    const id = created.Result!.ApiDocId!;

    const detail = (await c.DescribeAPIDocDetail({ ApiDocId: id })).Result!;
    expect(detail).toMatchObject({
      ApiDocId: id,
      ApiDocName: "Shop API",
      ApiDocStatus: "COMPLETED",
      ApiCount: 2,
      ViewCount: 0,
      ReleaseCount: 1,
      ApiDocUri: `http://127.0.0.1:${s.apigw.gatewayPort}/__apidoc/${id}`,
      SharePassword: expect.stringMatching(/^[A-Za-z0-9]{8}$/),
      ServiceId: svc.serviceId,
      Environment: "release",
      ApiIds: svc.apiIds,
      ApiNames: ["get_user", "create order"],
      UpdatedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect((detail as Record<string, unknown>).UpdateTime).toBe(detail.UpdatedTime);
    const password = detail.SharePassword!;

    // No password: 401 with a Basic challenge and a form; a wrong one: 401.
    const anonymous = await get(detail.ApiDocUri!);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    expect(anonymous.text).toContain('name="password"');
    expect((await get(`${detail.ApiDocUri}?password=wrong`)).status).toBe(401);
    expect((await get(detail.ApiDocUri!, basic("wrong"))).status).toBe(401);

    // The page documents the released APIs.
    const page = await get(`${detail.ApiDocUri}?password=${password}`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    for (const text of ["Shop API", "get_user", "/users/{id}", "create order", "/orders", "POST", "verbose", "more fields", "user id", svc.serviceId, "Key pair (SECRET)"]) {
      expect(page.text).toContain(text);
    }
    expect(page.text).toContain("Reads one user &lt;by id&gt;"); // escaped
    expect(page.text).toContain("{&quot;id&quot;: 1, &quot;name&quot;: &quot;&lt;Ann&gt;&quot;}");
    expect(page.text).toContain(`${svc.domain}:${s.apigw.gatewayPort}/release/users/{id}`);
    expect((await get(detail.ApiDocUri!, basic(password))).status).toBe(200);
    expect((await c.DescribeAPIDocDetail({ ApiDocId: id })).Result!.ViewCount).toBe(2);

    // A new password replaces the old one at once.
    const reset = await c.ResetAPIDocPassword({ ApiDocId: id });
    expect(reset.Result).toMatchObject({ ApiDocId: id, ApiDocName: "Shop API", ApiDocStatus: "COMPLETED" });
    const fresh = (await c.DescribeAPIDocDetail({ ApiDocId: id })).Result!.SharePassword!;
    expect(fresh).not.toBe(password);
    expect((await get(`${detail.ApiDocUri}?password=${password}`)).status).toBe(401);
    expect((await get(`${detail.ApiDocUri}?password=${fresh}`)).status).toBe(200);

    // The page is the build's snapshot: a new API shows after ModifyAPIDoc/BuildAPIDoc on a new release.
    const extra = await c.CreateApi({
      ServiceId: svc.serviceId,
      ApiName: "health_check",
      Protocol: "HTTP",
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "ok",
      ServiceTimeout: 5,
      RequestConfig: { Path: "/health", Method: "GET" },
    });
    const extraId = extra.Result!.ApiId!;
    // The document makes ModifyAPIDoc's fields optional (the SDK's type requires them): send only what changes.
    const modify = (p: Partial<ModifyAPIDocRequest>) => c.ModifyAPIDoc(p as ModifyAPIDocRequest);
    const notReleased = await sdkError(() => modify({ ApiDocId: id, ApiIds: [...svc.apiIds, extraId] }));
    expect(notReleased.code).toBe("FailedOperation.ApiError");
    await c.ReleaseService({ ServiceId: svc.serviceId, EnvironmentName: "release", ReleaseDesc: "with health" });
    await modify({ ApiDocId: id, ApiIds: [...svc.apiIds, extraId], ApiDocName: "Shop API v2" });
    expect((await get(`${detail.ApiDocUri}?password=${fresh}`)).text).toContain("health_check");
    await c.BuildAPIDoc({ ApiDocId: id });
    const rebuilt = (await c.DescribeAPIDocDetail({ ApiDocId: id })).Result!;
    expect(rebuilt).toMatchObject({ ApiDocName: "Shop API v2", ApiCount: 3, ReleaseCount: 3, ViewCount: 4, SharePassword: fresh });
    expect(rebuilt.ApiNames).toEqual(["get_user", "create order", "health_check"]);

    // Another account sees nothing; deletion stops the page.
    expect((await sdkError(() => other.DescribeAPIDocDetail({ ApiDocId: id }))).code).toBe("ResourceNotFound.InvalidApiDoc");
    expect((await other.DescribeAPIDocs({})).Result!.TotalCount).toBe(0);
    await c.DeleteAPIDoc({ ApiDocId: id });
    expect((await get(`${detail.ApiDocUri}?password=${fresh}`)).status).toBe(404);
    expect((await sdkError(() => c.DeleteAPIDoc({ ApiDocId: id }))).code).toBe("ResourceNotFound");
  });

  it("lists documents newest first with paging", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/a" }]);
    const ids: string[] = [];
    for (const name of ["one", "two", "three"]) {
      ids.push((await c.CreateAPIDoc({ ApiDocName: name, ServiceId: svc.serviceId, Environment: "release", ApiIds: svc.apiIds })).Result!.ApiDocId!);
    }
    const all = await c.DescribeAPIDocs({});
    expect(all.Result!.TotalCount).toBeGreaterThanOrEqual(3);
    const mine = all.Result!.APIDocSet.filter((d) => ids.includes(d.ApiDocId!)).map((d) => d.ApiDocName);
    expect(mine).toEqual(["three", "two", "one"]);
    const page = await c.DescribeAPIDocs({ Limit: 1, Offset: 1 });
    expect(page.Result!.APIDocSet).toHaveLength(1);
    expect(page.Result!.APIDocSet[0]).toEqual(all.Result!.APIDocSet[1]);
  });

  it("answers the documented codes", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/a" }], ["test"]);
    const base = { ApiDocName: "doc", ServiceId: svc.serviceId, Environment: "test", ApiIds: svc.apiIds };
    const code = async (over: Record<string, unknown>) => (await sdkError(() => c.CreateAPIDoc({ ...base, ...over } as typeof base))).code;
    expect(await code({ ServiceId: "service-nope0000" })).toBe("ResourceNotFound.InvalidService");
    expect(await code({ Environment: "release" })).toBe("FailedOperation.ServiceError"); // not published there
    expect(await code({ Environment: "prod" })).toBe("InvalidParameter.FormatError");
    expect(await code({ ApiIds: [] })).toBe("InvalidParameter.FormatError");
    expect(await code({ ApiIds: ["api-nope0000"] })).toBe("ResourceNotFound.InvalidApi");
    expect(await code({ ApiDocName: "" })).toBe("InvalidParameter.FormatError");
    for (const action of ["DescribeAPIDocDetail", "BuildAPIDoc", "ResetAPIDocPassword", "ModifyAPIDoc"] as const) {
      expect((await sdkError(() => c.request(action, { ApiDocId: "apidoc-nope0000" }))).code).toBe("ResourceNotFound.InvalidApiDoc");
    }
    const small = await startTestServer({}, { APIGW_LIMIT_API_DOCS: "1" });
    try {
      const sc = small.client();
      const svc2 = await releasedService(sc, backend.url, [{ path: "/a" }]);
      await sc.CreateAPIDoc({ ...base, ServiceId: svc2.serviceId, Environment: "release", ApiIds: svc2.apiIds });
      expect((await sdkError(() => sc.CreateAPIDoc({ ...base, ServiceId: svc2.serviceId, Environment: "release", ApiIds: svc2.apiIds }))).code).toBe(
        "LimitExceeded.APIDocLimitExceeded",
      );
    } finally {
      await small.close();
    }
  });
});

describe("zip archives", () => {
  it("round-trips stored and deflated entries, and unzip(1) reads them when installed", () => {
    const files = [
      { name: "dir/a.txt", data: "x".repeat(1000) },
      { name: "dir/b.bin", data: Buffer.from([1, 2, 3]) },
      { name: "dir/ü.md", data: "# ünïcode\n" },
    ];
    const archive = zip(files);
    expect(unzip(archive).map((f) => [f.name, f.data.toString("latin1")])).toEqual(files.map((f) => [f.name, Buffer.from(f.data).toString("latin1")]));
    let hasUnzip = true;
    try {
      execFileSync("unzip", ["-v"], { stdio: "ignore" });
    } catch {
      hasUnzip = false;
    }
    if (hasUnzip) {
      const path = join(tmp, "t.zip");
      writeFileSync(path, archive);
      expect(execFileSync("unzip", ["-p", path, "dir/a.txt"]).toString()).toBe("x".repeat(1000));
    }
  });
});

/** Writes the archive's files under `dir` and returns the directory they share. */
function extract(archive: Buffer, dir: string): string {
  const files = unzip(archive);
  for (const f of files) {
    const path = join(dir, f.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.data);
  }
  return join(dir, files[0]!.name.split("/")[0]!);
}

const hasPython = (() => {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("GenerateApiDocument", () => {
  it("serves the document and a JavaScript client that calls the released APIs, signing SECRET ones", async () => {
    const svc = await releasedService(c, backend.url, [USERS, ORDERS]);
    const generated = (await c.request("GenerateApiDocument", { ServiceId: svc.serviceId, GenEnvironment: "release", GenLanguage: "JavaScript" })) as {
      Result: { DocumentURL: string; SdkURL: string };
    };
    const { DocumentURL, SdkURL } = generated.Result;
    expect(DocumentURL).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${s.apigw.gatewayPort}/__download/[0-9a-z]{24}/${svc.serviceId}-release-api-document\\.md$`));
    expect(SdkURL).toMatch(/\/__download\/[0-9a-z]{24}\/service-[0-9a-z]{8}-release-javascript-sdk\.zip$/);

    const doc = await get(DocumentURL);
    expect(doc.status).toBe(200);
    expect(doc.headers["content-type"]).toBe("text/markdown; charset=utf-8");
    expect(doc.text).toContain("### get_user");
    expect(doc.text).toContain("`GET /users/{id}`");
    expect(doc.text).toContain("`POST /orders`");

    const sdk = await get(SdkURL);
    expect(sdk.status).toBe(200);
    expect(sdk.headers["content-type"]).toBe("application/zip");
    expect(sdk.headers["content-disposition"]).toContain(".zip");
    const dir = extract(sdk.body, join(tmp, "js"));
    const names = unzip(sdk.body).map((f) => f.name.split("/")[1]);
    expect(names.sort()).toEqual(["README.md", "apigw-client.mjs", "example.mjs", "package.json"]);

    type Res = { status: number; json(): { path: string; query: Record<string, string>; headers: Record<string, string>; message?: string } };
    const mod = (await import(pathToFileURL(join(dir, "apigw-client.mjs")).href)) as {
      ApiClient: new (o?: Record<string, unknown>) => Record<string, (req?: Record<string, unknown>) => Promise<Res>> & {
        call(api: string, req?: Record<string, unknown>): Promise<Res>;
      };
      SERVICE: { host: string; endpoint: string };
    };
    expect(mod.SERVICE).toMatchObject({ host: svc.domain, endpoint: `http://127.0.0.1:${s.apigw.gatewayPort}` });

    // NONE: one method per API, path parameters filled in, query passed on.
    const client = new mod.ApiClient();
    const user = await client.getUser!({ path: { id: "42" }, query: { verbose: "1" } });
    expect(user.status).toBe(200);
    expect(user.json()).toMatchObject({ path: "/users/42", query: { verbose: "1" } });
    expect((await client.call(svc.apiIds[0]!, { path: { id: "7" } })).json().path).toBe("/users/7");
    await expect(client.getUser!({})).rejects.toThrow(/missing required path parameter id/);

    // SECRET: refused without a key, signed with one bound through a usage plan.
    await expect(client.createOrder!({ body: { item: 1 } })).rejects.toThrow(/secretId and secretKey/);
    const key = (await c.CreateApiKey({ SecretName: "sdk_key" })).Result!;
    const plan = (await c.CreateUsagePlan({ UsagePlanName: "sdk_plan" })).Result!.UsagePlanId!;
    await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [key.AccessKeyId!] });
    await c.BindEnvironment({ UsagePlanIds: [plan], ServiceId: svc.serviceId, Environment: "release", BindType: "SERVICE" });
    const signedClient = new mod.ApiClient({ secretId: key.AccessKeyId, secretKey: key.AccessKeySecret });
    const order = await signedClient.createOrder!({ body: { item: 1 } });
    expect(order.status).toBe(200);
    expect(order.json()).toMatchObject({ path: "/orders", headers: { "content-type": "application/json" } });
    const wrongKey = new mod.ApiClient({ secretId: key.AccessKeyId, secretKey: "not-the-secret" });
    expect((await wrongKey.createOrder!({ body: {} })).status).toBe(401);

    // Generating again replaces the previous files.
    await c.request("GenerateApiDocument", { ServiceId: svc.serviceId, GenEnvironment: "release", GenLanguage: "javascript" });
    expect((await get(SdkURL)).status).toBe(404);
  });

  it.skipIf(!hasPython)("serves a Python client that calls the released APIs (needs python3)", async () => {
    const svc = await releasedService(c, backend.url, [USERS]);
    const generated = (await c.request("GenerateApiDocument", { ServiceId: svc.serviceId, GenEnvironment: "release", GenLanguage: "Python" })) as {
      Result: { SdkURL: string };
    };
    const dir = extract((await get(generated.Result.SdkURL)).body, join(tmp, "py"));
    const script = "from apigw_client import ApiClient\nres = ApiClient().get_user(path={'id': 'py'}, query={'verbose': '1'})\nprint(res.status, res.json()['path'], res.json()['query']['verbose'])\n";
    // Asynchronously: the gateway answering the client runs in this process.
    const { stdout } = await promisify(execFile)("python3", ["-c", script], { cwd: dir });
    const out = stdout.trim();
    expect(out).toBe("200 /users/py 1");
  });

  it("answers the documented codes", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/a" }], ["test"]);
    const gen = (p: Record<string, unknown>) => sdkError(() => c.request("GenerateApiDocument", { ServiceId: svc.serviceId, GenEnvironment: "test", GenLanguage: "Python", ...p }));
    expect((await gen({ ServiceId: "service-nope0000" })).code).toBe("FailedOperation.ServiceNotExist");
    expect((await gen({ GenEnvironment: "prod" })).code).toBe("InvalidParameterValue.NotInOptions");
    expect((await gen({ GenLanguage: "Go" })).code).toBe("InvalidParameterValue.InvalidGenLanguage");
    expect((await gen({ GenEnvironment: "release" })).code).toBe("FailedOperation.GenerateApiDocumentError");
  });
});
