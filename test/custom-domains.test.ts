/**
 * Custom domains end to end: bound through the official SDK, called through the gateway with
 * the domain as Host; default and custom path mappings, mapping edits, unbinding, the
 * documented error codes, one domain per store, and the HTTPS redirect on a TLS listener
 * (self-signed certificate made with openssl).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, releasedService, startEchoBackend } from "./gateway-calls.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

const OTHER = { appId: "1300000077", secretId: "AKIDdomainsOtherAccount000000000", secretKey: "domainsOtherAccountKey" };

let s: TestServer;
let c: ApigatewayClient;
let other: ApigatewayClient;
let backend: Awaited<ReturnType<typeof startEchoBackend>>;
let n = 0;
const domainName = (label: string) => `${label}-${n++}.example.com`;

beforeAll(async () => {
  backend = await startEchoBackend();
  s = await startTestServer({}, { APIGW_CREDENTIALS: `${OTHER.appId}:${OTHER.secretId}:${OTHER.secretKey}` });
  c = s.client();
  other = s.client({ secretId: OTHER.secretId, secretKey: OTHER.secretKey });
});
afterAll(async () => {
  await s.close();
  await backend.close();
});

const gw = (host: string, path: string, options?: Parameters<typeof call>[3]) => call(s.apigw.gatewayPort, host, path, options);

describe("default path mapping", () => {
  it("a bound domain reaches the service; the environment is the first path segment", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/echo" }], ["release", "test"]);
    const domain = domainName("shop");
    expect(await c.BindSubDomain({ ServiceId: svc.serviceId, SubDomain: domain, Protocol: "http", NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: svc.domain })).toMatchObject({
      RequestId: expect.any(String),
    });

    const onRelease = await gw(domain, "/release/echo/a?x=1");
    expect(onRelease.status).toBe(200);
    expect(onRelease.json()).toMatchObject({ path: "/echo/a", query: { x: "1" } });
    expect((await gw(`${domain.toUpperCase()}:8080`, "/test/echo")).json().path).toBe("/echo");
    const prepub = await gw(domain, "/prepub/echo");
    expect(prepub.status).toBe(404);
    expect(prepub.json().message).toMatch(/not published in environment `prepub`/);
    expect((await gw(domain, "/echo")).status).toBe(404);
    // The default domain keeps working.
    expect((await gw(svc.domain, "/release/echo")).status).toBe(200);

    const list = await c.DescribeServiceSubDomains({ ServiceId: svc.serviceId });
    expect(list.Result).toEqual({
      TotalCount: 1,
      DomainSet: [
        {
          DomainName: domain,
          Status: 1,
          CertificateId: "",
          IsDefaultMapping: true,
          Protocol: "http",
          NetType: "OUTER",
          IsForcedHttps: false,
          RegistrationStatus: true,
        },
      ],
    });
    expect((await c.DescribeServiceSubDomainMappings({ ServiceId: svc.serviceId, SubDomain: domain })).Result).toEqual({ IsDefaultMapping: true, PathMappingSet: [] });
  });
});

describe("custom path mappings", () => {
  it("map path prefixes to environments (longest wins, prefix stripped) and turn the default mapping off", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/echo" }], ["release", "test", "prepub"]);
    const domain = domainName("mapped");
    await c.BindSubDomain({
      ServiceId: svc.serviceId,
      SubDomain: domain,
      Protocol: "http",
      NetType: "OUTER",
      IsDefaultMapping: false,
      NetSubDomain: svc.domain,
      PathMappingSet: [
        { Path: "/", Environment: "release" },
        { Path: "/staging", Environment: "test" },
        { Path: "/staging/pre", Environment: "prepub" },
      ],
    });
    const seen = async (path: string) => {
      const r = await gw(domain, path);
      return r.status === 200 ? r.json().path : r.status;
    };
    expect(await seen("/echo/x")).toBe("/echo/x"); // "/" → release
    expect(await seen("/staging/echo")).toBe("/echo"); // → test
    expect(await seen("/staging/pre/echo/1")).toBe("/echo/1"); // longest prefix → prepub
    expect(await seen("/stagingecho")).toBe(404); // a prefix matches whole segments only: "/" → release, no API at /stagingecho
    expect(await seen("/release/echo")).toBe(404); // the default mapping is off

    const logs = await captureEnvironments(domain, ["/echo", "/staging/echo", "/staging/pre/echo"]);
    expect(logs).toEqual(["release", "test", "prepub"]);

    expect((await c.DescribeServiceSubDomainMappings({ ServiceId: svc.serviceId, SubDomain: domain })).Result).toEqual({
      IsDefaultMapping: false,
      PathMappingSet: [
        { Path: "/", Environment: "release" },
        { Path: "/staging", Environment: "test" },
        { Path: "/staging/pre", Environment: "prepub" },
      ],
    });

    // Delete one mapping: that prefix now falls to "/".
    await c.DeleteServiceSubDomainMapping({ ServiceId: svc.serviceId, SubDomain: domain, Environment: "test" });
    expect(await seen("/staging/echo")).toBe(404);
    expect(await seen("/staging/pre/echo")).toBe("/echo");
    await c.DeleteServiceSubDomainMapping({ ServiceId: svc.serviceId, SubDomain: domain, Environment: "prepub" });
    const last = await sdkError(() => c.DeleteServiceSubDomainMapping({ ServiceId: svc.serviceId, SubDomain: domain, Environment: "release" }));
    expect(last.code).toBe("FailedOperation.DeletePathMappingSetError");
    expect((await sdkError(() => c.DeleteServiceSubDomainMapping({ ServiceId: svc.serviceId, SubDomain: domain, Environment: "test" }))).code).toBe(
      "FailedOperation.DeletePathMappingSetError",
    );

    // Back to the default mapping, then to a custom one again.
    await c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: true });
    expect(await seen("/prepub/echo")).toBe("/echo");
    expect(await seen("/echo")).toBe(404);
    expect((await sdkError(() => c.DeleteServiceSubDomainMapping({ ServiceId: svc.serviceId, SubDomain: domain, Environment: "release" }))).code).toBe(
      "FailedOperation.DeletePathMappingSetError",
    );
    expect((await sdkError(() => c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: false }))).code).toBe(
      "FailedOperation.SetCustomPathMappingError",
    );
    await c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: false, PathMappingSet: [{ Path: "/v1", Environment: "test" }] });
    expect(await seen("/v1/echo")).toBe("/echo");
    expect(await seen("/v1")).toBe(404); // "/" then has no API
    expect(await seen("/test/echo")).toBe(404);
    expect(
      (await sdkError(() => c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: false, PathMappingSet: [{ Path: "v1", Environment: "test" }] }))).code,
    ).toBe("FailedOperation.PathMappingSetError");
    // Protocol change needs a certificate.
    expect((await sdkError(() => c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: true, Protocol: "https" }))).code).toBe(
      "FailedOperation.CertificateIdError",
    );
    expect((await sdkError(() => c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: true, Protocol: "ftp" }))).code).toBe(
      "FailedOperation.UnknownProtocolTypeError",
    );
    await c.ModifySubDomain({ ServiceId: svc.serviceId, SubDomain: domain, IsDefaultMapping: true, Protocol: "http&https", CertificateId: "cert0001", IsForcedHttps: true });
    const after = (await c.DescribeServiceSubDomains({ ServiceId: svc.serviceId })).Result.DomainSet[0]!;
    expect(after).toMatchObject({ Protocol: "http&https", CertificateId: "cert0001", IsForcedHttps: true, IsDefaultMapping: true });
    // No HTTPS listener on this server: the forced domain is still served over HTTP.
    expect((await gw(domain, "/release/echo")).status).toBe(200);
  });
});

/** The environments the access log recorded for requests to `paths` on `host`. */
async function captureEnvironments(host: string, paths: string[]): Promise<string[]> {
  const records: string[] = [];
  s.apigw.gateway.setAccessLog((r) => records.push(r.environment));
  try {
    for (const p of paths) await gw(host, p);
  } finally {
    s.apigw.gateway.setAccessLog(s.apigw.accessLogs.sink);
  }
  return records;
}

describe("binding rules and documented errors", () => {
  it("answers the documented codes for bad input", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/echo" }]);
    const base = { ServiceId: svc.serviceId, SubDomain: domainName("bad"), Protocol: "http", NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: svc.domain };
    const code = async (over: Record<string, unknown>) => (await sdkError(() => c.BindSubDomain({ ...base, ...over } as typeof base))).code;
    expect(await code({ ServiceId: "service-nope0000" })).toBe("ResourceNotFound.InvalidService");
    expect(await code({ SubDomain: "no_underscores.example.com" })).toBe("FailedOperation.SubDomainFormatError");
    expect(await code({ SubDomain: "localhost" })).toBe("FailedOperation.SubDomainFormatError");
    expect(await code({ SubDomain: "10.0.0.1" })).toBe("FailedOperation.SubDomainFormatError");
    expect(await code({ SubDomain: `x.${svc.domain}` })).toBe("FailedOperation.DomainInBlackList");
    expect(await code({ Protocol: "ftp" })).toBe("InvalidParameterValue.InvalidProcotol");
    expect(await code({ NetType: "PUBLIC" })).toBe("InvalidParameter.FormatError");
    expect(await code({ NetSubDomain: "service-other000-1.ap-guangzhou.apigw.localhost" })).toBe("FailedOperation.NetSubDomainError");
    expect(await code({ NetType: "INNER" })).toBe("FailedOperation.NetSubDomainError"); // the service has no INNER net type
    expect(await code({ Protocol: "https" })).toBe("FailedOperation.CertificateIsNull");
    expect(await code({ Protocol: "https", CertificateId: "not a cert id" })).toBe("FailedOperation.CertificateIdError");
    expect(await code({ IsForcedHttps: true })).toBe("UnsupportedOperation.ForceHttps");
    expect(await code({ PathMappingSet: [{ Path: "/", Environment: "release" }] })).toBe("FailedOperation.IsDefaultMapping");
    expect(await code({ IsDefaultMapping: false })).toBe("FailedOperation.DefineMappingNotNull");
    const four = ["/a", "/b", "/c", "/d"].map((Path) => ({ Path, Environment: "release" }));
    expect(await code({ IsDefaultMapping: false, PathMappingSet: four })).toBe("LimitExceeded.ExceededDefineMappingLimit");
    expect(await code({ IsDefaultMapping: false, PathMappingSet: [{ Path: "/a/", Environment: "release" }] })).toBe("FailedOperation.DefineMappingPathError");
    expect(await code({ IsDefaultMapping: false, PathMappingSet: [{ Path: "/a/../b", Environment: "release" }] })).toBe("FailedOperation.DefineMappingPathError");
    expect(await code({ IsDefaultMapping: false, PathMappingSet: [{ Path: "/a", Environment: "prod" }] })).toBe("FailedOperation.DefineMappingEnvironmentError");
    const repeatedEnv = [
      { Path: "/a", Environment: "release" },
      { Path: "/b", Environment: "release" },
    ];
    expect(await code({ IsDefaultMapping: false, PathMappingSet: repeatedEnv })).toBe("FailedOperation.DefineMappingParamRepeat");
    const repeatedPath = [
      { Path: "/a", Environment: "release" },
      { Path: "/a", Environment: "test" },
    ];
    expect(await code({ IsDefaultMapping: false, PathMappingSet: repeatedPath })).toBe("FailedOperation.DefineMappingParamRepeat");
    expect((await c.DescribeServiceSubDomains({ ServiceId: svc.serviceId })).Result.TotalCount).toBe(0);
  });

  it("binds a domain to one service only, across accounts; at most 5 per service; unbinding frees it", async () => {
    const a = await releasedService(c, backend.url, [{ path: "/echo" }]);
    const b = await releasedService(c, backend.url, [{ path: "/echo" }]);
    const theirs = await releasedService(other, backend.url, [{ path: "/echo" }]);
    const domain = domainName("Unique").toUpperCase();
    const bind = (client: ApigatewayClient, svc: { serviceId: string; domain: string }, sub = domain) =>
      client.BindSubDomain({ ServiceId: svc.serviceId, SubDomain: sub, Protocol: "http", NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: svc.domain });
    await bind(c, a);
    expect((await c.DescribeServiceSubDomains({ ServiceId: a.serviceId })).Result.DomainSet[0]!.DomainName).toBe(domain.toLowerCase());
    expect((await sdkError(() => bind(c, a, domain.toLowerCase()))).code).toBe("FailedOperation.DomainAlreadyBindService");
    expect((await sdkError(() => bind(c, b))).code).toBe("FailedOperation.DomainAlreadyBindOtherService");
    expect((await sdkError(() => bind(other, theirs))).code).toBe("FailedOperation.DomainAlreadyBindOtherService");
    // Another account cannot see or unbind it.
    expect((await sdkError(() => other.UnBindSubDomain({ ServiceId: a.serviceId, SubDomain: domain }))).code).toBe("FailedOperation.ServiceNotExist");
    expect((await sdkError(() => c.UnBindSubDomain({ ServiceId: b.serviceId, SubDomain: domain }))).code).toBe("FailedOperation.DomainNotBindService");
    expect((await gw(domain.toLowerCase(), "/release/echo")).status).toBe(200);

    await c.UnBindSubDomain({ ServiceId: a.serviceId, SubDomain: domain });
    const gone = await gw(domain.toLowerCase(), "/release/echo");
    expect(gone.status).toBe(404);
    expect(gone.json().message).toMatch(/Not Found Host/);
    expect((await sdkError(() => c.UnBindSubDomain({ ServiceId: a.serviceId, SubDomain: domain }))).code).toBe("FailedOperation.DomainNotBindService");
    expect((await sdkError(() => c.UnBindSubDomain({ ServiceId: a.serviceId, SubDomain: "bad_domain" }))).code).toBe("FailedOperation.SubDomainFormatError");

    // Now the other account can bind it, and it reaches their service.
    await bind(other, theirs);
    expect((await gw(domain.toLowerCase(), "/release/echo")).status).toBe(200);
    expect((await sdkError(() => bind(c, a))).code).toBe("FailedOperation.DomainAlreadyBindOtherService");

    for (let i = 0; i < 5; i++) await bind(c, b, domainName("five"));
    expect((await sdkError(() => bind(c, b, domainName("six")))).code).toBe("LimitExceeded.ExceededDomainLimit");
    const page = await c.DescribeServiceSubDomains({ ServiceId: b.serviceId, Limit: 2, Offset: 3 });
    expect(page.Result.TotalCount).toBe(5);
    expect(page.Result.DomainSet).toHaveLength(2);

    expect((await sdkError(() => c.DescribeServiceSubDomains({ ServiceId: "service-nope0000" }))).code).toBe("ResourceNotFound.InvalidService");
    expect((await sdkError(() => c.DescribeServiceSubDomainMappings({ ServiceId: "service-nope0000", SubDomain: domain }))).code).toBe("FailedOperation.ServiceNotExist");
    expect((await sdkError(() => c.DescribeServiceSubDomainMappings({ ServiceId: b.serviceId, SubDomain: "nobody.example.com" }))).code).toBe("FailedOperation.ServiceError");
    expect((await sdkError(() => c.ModifySubDomain({ ServiceId: b.serviceId, SubDomain: "nobody.example.com", IsDefaultMapping: true }))).code).toBe("FailedOperation.ServiceError");
  });

  it("deleting a service frees its domains", async () => {
    const svc = await releasedService(c, backend.url, [{ path: "/echo" }]);
    const domain = domainName("deleted");
    await c.BindSubDomain({ ServiceId: svc.serviceId, SubDomain: domain, Protocol: "http", NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: svc.domain });
    await c.UnReleaseService({ ServiceId: svc.serviceId, EnvironmentName: "release" });
    await c.DeleteService({ ServiceId: svc.serviceId });
    expect((await gw(domain, "/release/echo")).status).toBe(404);
    const next = await releasedService(c, backend.url, [{ path: "/echo" }]);
    await c.BindSubDomain({ ServiceId: next.serviceId, SubDomain: domain, Protocol: "http", NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: next.domain });
    expect((await gw(domain, "/release/echo")).status).toBe(200);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("HTTPS listener and forced HTTPS", () => {
  // The one test that needs a certificate; node cannot make one, so openssl does.
  it.skipIf(!hasOpenssl)("redirects HTTP to HTTPS for a forcing domain and serves it over TLS (needs openssl)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apigw-tls-"));
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=secure.example.com"],
      { stdio: "ignore" },
    );
    const tls = await startTestServer({ gatewayHttpsPort: 0 }, { APIGW_TLS_CERT: cert, APIGW_TLS_KEY: key });
    try {
      const client = tls.client();
      const httpsPort = tls.apigw.gatewayHttpsPort!;
      expect(httpsPort).toBeGreaterThan(0);
      const svc = await releasedService(client, backend.url, [{ path: "/echo", method: "POST" }, { path: "/page" }]);
      const bind = (sub: string, extra: Record<string, unknown>) =>
        client.BindSubDomain({ ServiceId: svc.serviceId, SubDomain: sub, NetType: "OUTER", IsDefaultMapping: true, NetSubDomain: svc.domain, Protocol: "http", ...extra });
      await bind("secure.example.com", { Protocol: "http&https", CertificateId: "selfsigned1", IsForcedHttps: true });
      await bind("both.example.com", { Protocol: "http&https", CertificateId: "selfsigned1" });

      const plain = await call(tls.apigw.gatewayPort, "secure.example.com", "/release/page?q=1");
      expect(plain.status).toBe(301);
      expect(plain.headers.location).toBe(`https://secure.example.com:${httpsPort}/release/page?q=1`);
      const post = await call(tls.apigw.gatewayPort, "secure.example.com", "/release/echo", { method: "POST", body: "{}" });
      expect(post.status).toBe(308);

      const secure = await call(httpsPort, "secure.example.com", "/release/page?q=1", { tls: true });
      expect(secure.status).toBe(200);
      expect(secure.json()).toMatchObject({ path: "/page", query: { q: "1" } });
      expect(secure.json<{ headers: Record<string, string> }>().headers["x-client-proto"]).toBe("https");

      // Not forced: both schemes answer; the default domain answers over TLS too.
      expect((await call(tls.apigw.gatewayPort, "both.example.com", "/release/page")).status).toBe(200);
      expect((await call(httpsPort, "both.example.com", "/release/page", { tls: true })).status).toBe(200);
      expect((await call(httpsPort, svc.domain, "/release/page", { tls: true })).status).toBe(200);

      // The access log says which scheme each request came in on.
      await tls.apigw.accessLogs.flush();
      const schemes = await tls.apigw.store.db.selectFrom("access_logs").select(["scheme", "status"]).where("service_id", "=", svc.serviceId).orderBy("seq").execute();
      expect(schemes.map((r) => `${r.scheme}:${r.status}`)).toEqual(["http:301", "http:308", "https:200", "http:200", "https:200", "https:200"]);
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
