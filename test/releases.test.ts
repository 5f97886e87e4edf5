/**
 * Releases through the official SDK: ReleaseService snapshots, environment list, history and
 * versions, edits that change only the draft, UpdateService switching versions,
 * UnReleaseService, and the gateway's change notifications.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../src/events.js";
import { releases } from "../src/resources/releases.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

let s: TestServer;
let c: ApigatewayClient;
let scope: { appId: string; region: string };
beforeAll(async () => {
  s = await startTestServer({ actionRateLimit: false });
  c = s.client();
  scope = { appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" };
});
afterAll(() => s.close());

const VERSION = /^\d{14}[0-9a-f]{32}$/;
let seq = 0;

async function serviceWithApis(paths: string[], client = c): Promise<{ serviceId: string; apiIds: string[] }> {
  const serviceId = (await client.CreateService({ ServiceName: `rel_${seq++}`, Protocol: "http" })).ServiceId!;
  const apiIds: string[] = [];
  for (const path of paths) {
    const r = await client.CreateApi({
      ServiceId: serviceId,
      ApiName: path.slice(1),
      Protocol: "HTTP",
      ServiceType: "HTTP",
      ServiceTimeout: 15,
      RequestConfig: { Path: path, Method: "GET" },
      ServiceConfig: { Url: "http://backend.example", Path: "/v1", Method: "GET" },
    });
    apiIds.push(r.Result!.ApiId);
  }
  return { serviceId, apiIds };
}

const environments = async (serviceId: string, client = c) =>
  Object.fromEntries((await client.DescribeServiceEnvironmentList({ ServiceId: serviceId })).Result.EnvironmentList.map((e) => [e.EnvironmentName, e]));

describe("release lifecycle", () => {
  it("release → history/versions → edit draft → re-release → UpdateService rollback → UnReleaseService", async () => {
    const changes: ChangeEvent[] = [];
    const stop = s.apigw.events.onChanged((e) => changes.push(e));
    const { serviceId, apiIds } = await serviceWithApis(["/a", "/b"]);

    // Nothing published yet.
    const before = await c.DescribeServiceEnvironmentList({ ServiceId: serviceId });
    expect(before.Result.TotalCount).toBe(3);
    expect(before.Result.EnvironmentList.map((e) => [e.EnvironmentName, e.Status, e.VersionName])).toEqual([
      ["test", 0, ""],
      ["prepub", 0, ""],
      ["release", 0, ""],
    ]);

    // First release to test.
    const r1 = await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "test", ReleaseDesc: "first & = é" });
    const v1 = r1.Result!.ReleaseVersion;
    expect(v1).toMatch(VERSION);
    expect(r1.Result!.ReleaseDesc).toBe("first & = é");
    const service = await c.DescribeService({ ServiceId: serviceId });
    let envs = await environments(serviceId);
    expect(envs.test).toMatchObject({ Status: 1, VersionName: v1, Url: `${service.OuterSubDomain}/test` });
    expect(envs.test!.CreateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(envs.release).toMatchObject({ Status: 0, VersionName: "", Url: `${service.OuterSubDomain}/release` });
    expect(service.AvailableEnvironments).toEqual(["test"]);
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: apiIds[0]! })).Result?.Environments).toEqual(["test"]);
    const onTest = await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "Environment", Values: ["test"] }] });
    expect(onTest.Result!.TotalCount).toBe(2);
    expect((await c.DescribeApisStatus({ ServiceId: serviceId, Filters: [{ Name: "Environment", Values: ["release"] }] })).Result!.TotalCount).toBe(0);

    // The snapshot holds the service and the APIs as released.
    const snapshot1 = await releases.get(s.apigw.store.db, scope, v1);
    expect(snapshot1).toMatchObject({ ServiceId: serviceId, VersionName: v1, VersionDesc: "first & = é" });
    expect(snapshot1.Service.ServiceId).toBe(serviceId);
    expect(snapshot1.Apis.map((a) => a.ApiId).sort()).toEqual([...apiIds].sort());

    // Editing the draft changes neither the snapshot nor what test runs.
    await c.ModifyApi({
      ServiceId: serviceId,
      ApiId: apiIds[0]!,
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "changed",
      RequestConfig: { Path: "/a2", Method: "POST" },
    });
    const extra = await c.CreateApi({
      ServiceId: serviceId,
      Protocol: "HTTP",
      ServiceType: "MOCK",
      ServiceMockReturnMessage: "new",
      ServiceTimeout: 5,
      RequestConfig: { Path: "/c", Method: "GET" },
    });
    expect(await releases.get(s.apigw.store.db, scope, v1)).toEqual(snapshot1);
    const released = snapshot1.Apis.find((a) => a.ApiId === apiIds[0])!;
    expect(released).toMatchObject({ ServiceType: "HTTP", RequestConfig: { Path: "/a", Method: "GET" } });
    expect((await environments(serviceId)).test?.VersionName).toBe(v1);
    // A new API is not published until the next release.
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: extra.Result!.ApiId })).Result?.Environments).toEqual([]);

    // Second release, to test and release.
    const v2 = (await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "test", ReleaseDesc: "second" })).Result!.ReleaseVersion;
    await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "release", ReleaseDesc: "to production" }).then((r) => r.Result!.ReleaseVersion);
    expect(v2).not.toBe(v1);
    const snapshot2 = await releases.get(s.apigw.store.db, scope, v2);
    expect(snapshot2.Apis.find((a) => a.ApiId === apiIds[0])).toMatchObject({ ServiceType: "MOCK", RequestConfig: { Path: "/a2", Method: "POST" } });
    expect(snapshot2.Apis).toHaveLength(3);
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: extra.Result!.ApiId })).Result?.Environments).toEqual(["test", "release"]);

    const versions = await c.DescribeServiceReleaseVersion({ ServiceId: serviceId });
    expect(versions.Result!.TotalCount).toBe(3);
    expect(versions.Result!.VersionList[2]).toMatchObject({ VersionName: v1, VersionDesc: "first & = é" });
    expect(versions.Result!.VersionList[1]).toMatchObject({ VersionName: v2, VersionDesc: "second" });
    expect((versions.Result!.VersionList[0] as unknown as { ReleaseTime: string }).ReleaseTime).toMatch(/Z$/);

    let history = await c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "test" });
    expect(history.Result!.TotalCount).toBe(2);
    expect(history.Result!.VersionList.map((h) => [h.VersionName, h.VersionDesc])).toEqual([
      [v2, "second"],
      [v1, "first & = é"],
    ]);
    expect(history.Result!.VersionList[0]!.ReleaseTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "prepub" })).Result!.TotalCount).toBe(0);

    // Roll test back to the first version.
    expect((await c.UpdateService({ ServiceId: serviceId, EnvironmentName: "test", VersionName: v1, UpdateDesc: "rollback" })).Result).toBe(true);
    envs = await environments(serviceId);
    expect(envs.test).toMatchObject({ Status: 1, VersionName: v1 });
    expect(envs.release?.Status).toBe(1);
    history = await c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "test" });
    expect(history.Result!.VersionList.map((h) => [h.VersionName, h.VersionDesc])).toEqual([
      [v1, "rollback"],
      [v2, "second"],
      [v1, "first & = é"],
    ]);
    // Test serves v1 again, where the extra API does not exist.
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: extra.Result!.ApiId })).Result?.Environments).toEqual(["release"]);
    // Without UpdateDesc, the history shows the version's own description.
    await c.UpdateService({ ServiceId: serviceId, EnvironmentName: "prepub", VersionName: v2 });
    expect((await c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "prepub" })).Result!.VersionList[0]).toMatchObject({
      VersionName: v2,
      VersionDesc: "second",
    });

    // Take test offline; a second time there is nothing to take offline.
    expect((await c.UnReleaseService({ ServiceId: serviceId, EnvironmentName: "test" })).Result).toBe(true);
    envs = await environments(serviceId);
    expect(envs.test).toMatchObject({ Status: 0, VersionName: "" });
    expect((await c.DescribeService({ ServiceId: serviceId })).AvailableEnvironments).toEqual(["prepub", "release"]);
    expect((await c.DescribeApi({ ServiceId: serviceId, ApiId: apiIds[1]! })).Result?.Environments).toEqual(["prepub", "release"]);
    const again = await sdkError(() => c.UnReleaseService({ ServiceId: serviceId, EnvironmentName: "test" }));
    expect(again.code).toBe("FailedOperation.ServiceError");
    expect(again.message).toContain("`test`");
    // UpdateService brings an offline environment back.
    await c.UpdateService({ ServiceId: serviceId, EnvironmentName: "test", VersionName: v2 });
    expect((await environments(serviceId)).test).toMatchObject({ Status: 1, VersionName: v2 });

    // Every change of what an environment serves told the gateway.
    stop();
    const forService = changes.filter((e) => e.serviceId === serviceId);
    expect(forService.length).toBeGreaterThanOrEqual(8);
    expect(forService.every((e) => e.appId === scope.appId && e.region === scope.region)).toBe(true);
  });

  it("pages history, versions and the environment list", async () => {
    const { serviceId } = await serviceWithApis(["/p"]);
    const names: string[] = [];
    for (let i = 0; i < 4; i++) names.push((await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "prepub", ReleaseDesc: `r${i}` })).Result!.ReleaseVersion);
    const page = await c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "prepub", Limit: 2, Offset: 1 });
    expect(page.Result!.TotalCount).toBe(4);
    expect(page.Result!.VersionList.map((v) => v.VersionDesc)).toEqual(["r2", "r1"]);
    const versions = await c.DescribeServiceReleaseVersion({ ServiceId: serviceId, Limit: 1, Offset: 3 });
    expect(versions.Result!.TotalCount).toBe(4);
    expect(versions.Result!.VersionList.map((v) => v.VersionName)).toEqual([names[0]]);
    const envs = await c.DescribeServiceEnvironmentList({ ServiceId: serviceId, Limit: 1, Offset: 1 });
    expect(envs.Result.TotalCount).toBe(3);
    expect(envs.Result.EnvironmentList.map((e) => [e.EnvironmentName, e.Status, e.VersionName])).toEqual([["prepub", 1, names[3]]]);
  });
});

describe("what a release keeps serving", () => {
  it("deleting a published API changes the draft only; the snapshot keeps it", async () => {
    const { serviceId, apiIds } = await serviceWithApis(["/keep", "/drop"]);
    const v = (await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "release", ReleaseDesc: "live" })).Result!.ReleaseVersion;
    expect((await c.DeleteApi({ ServiceId: serviceId, ApiId: apiIds[1]! })).Result).toBe(true);
    const snapshot = await releases.get(s.apigw.store.db, scope, v);
    expect(snapshot.Apis.map((a) => a.ApiId).sort()).toEqual([...apiIds].sort());
    expect((await environments(serviceId)).release?.VersionName).toBe(v);
    // The next release drops it.
    const v2 = (await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "release", ReleaseDesc: "without drop" })).Result!.ReleaseVersion;
    expect((await releases.get(s.apigw.store.db, scope, v2)).Apis.map((a) => a.ApiId)).toEqual([apiIds[0]]);
    // A published service cannot be deleted until it is taken offline.
    expect((await sdkError(() => c.DeleteService({ ServiceId: serviceId }))).code).toBe("UnsupportedOperation.UnsupportedDeleteService");
    await c.UnReleaseService({ ServiceId: serviceId, EnvironmentName: "release" });
    expect((await c.DeleteService({ ServiceId: serviceId })).Result).toBe(true);
  });

  it("a service in another account or region has no releases to see", async () => {
    const { serviceId } = await serviceWithApis(["/x"]);
    await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "test", ReleaseDesc: "x" });
    const shanghai = s.client({ region: "ap-shanghai" });
    expect((await sdkError(() => shanghai.DescribeServiceEnvironmentList({ ServiceId: serviceId }))).code).toBe("ResourceNotFound.InvalidService");
    expect((await sdkError(() => shanghai.ReleaseService({ ServiceId: serviceId, EnvironmentName: "test", ReleaseDesc: "x" }))).code).toBe("ResourceNotFound");
  });
});

describe("release errors", () => {
  it("answers each with the code its page documents and names the parameter", async () => {
    const empty = (await c.CreateService({ ServiceName: "rel_empty", Protocol: "http" })).ServiceId!;
    const { serviceId } = await serviceWithApis(["/e"]);
    const other = await serviceWithApis(["/o"]);
    const otherVersion = (await c.ReleaseService({ ServiceId: other.serviceId, EnvironmentName: "test", ReleaseDesc: "o" })).Result!.ReleaseVersion;
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => c.ReleaseService({ ServiceId: empty, EnvironmentName: "test", ReleaseDesc: "nothing" }), "FailedOperation.ServiceError", empty],
      [() => c.ReleaseService({ ServiceId: "service-nothere", EnvironmentName: "test", ReleaseDesc: "x" }), "ResourceNotFound", "service-nothere"],
      [() => c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "staging", ReleaseDesc: "x" }), "InvalidParameterValue", "EnvironmentName"],
      [() => c.ReleaseService({ ServiceId: serviceId, EnvironmentName: "test", ReleaseDesc: "x".repeat(201) }), "InvalidParameterValue", "ReleaseDesc"],
      [() => c.request("ReleaseService", { ServiceId: serviceId, EnvironmentName: "test" }), "MissingParameter", "ReleaseDesc"],
      [() => c.UnReleaseService({ ServiceId: serviceId, EnvironmentName: "release" }), "FailedOperation.ServiceError", "release"],
      [() => c.UnReleaseService({ ServiceId: "service-nothere", EnvironmentName: "release" }), "ResourceNotFound.InvalidService", "service-nothere"],
      [() => c.UnReleaseService({ ServiceId: serviceId, EnvironmentName: "prod" }), "InvalidParameterValue", "EnvironmentName"],
      [() => c.UpdateService({ ServiceId: serviceId, EnvironmentName: "test", VersionName: "20200101000000deadbeef" }), "ResourceNotFound", "20200101000000deadbeef"],
      [() => c.UpdateService({ ServiceId: serviceId, EnvironmentName: "test", VersionName: otherVersion }), "ResourceNotFound", otherVersion],
      [() => c.UpdateService({ ServiceId: "service-nothere", EnvironmentName: "test", VersionName: otherVersion }), "ResourceNotFound", "service-nothere"],
      [() => c.UpdateService({ ServiceId: serviceId, EnvironmentName: "dev", VersionName: otherVersion }), "InvalidParameterValue", "EnvironmentName"],
      [() => c.DescribeServiceEnvironmentList({ ServiceId: "service-nothere" }), "ResourceNotFound.InvalidService", "service-nothere"],
      [() => c.DescribeServiceEnvironmentList({ ServiceId: serviceId, Limit: 0 }), "InvalidParameterValue", "Limit"],
      [() => c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "qa" }), "InvalidParameterValue", "EnvironmentName"],
      [() => c.DescribeServiceEnvironmentReleaseHistory({ ServiceId: "service-nothere", EnvironmentName: "test" }), "ResourceNotFound.InvalidService", "service-nothere"],
      [() => c.DescribeServiceReleaseVersion({ ServiceId: "service-nothere" }), "ResourceNotFound.InvalidService", "service-nothere"],
      [() => c.DescribeServiceReleaseVersion({ ServiceId: serviceId, Offset: -1 }), "InvalidParameterValue", "Offset"],
    ];
    for (const [call, code, param] of cases) {
      const e = await sdkError(call);
      expect(e.code, `${param}: ${e.message}`).toBe(code);
      expect(e.message).toContain(param);
    }
    // Nothing was released by the refused calls.
    expect((await c.DescribeServiceReleaseVersion({ ServiceId: serviceId })).Result!.TotalCount).toBe(0);
    expect((await c.DescribeServiceReleaseVersion({ ServiceId: empty })).Result!.TotalCount).toBe(0);
  });

  it("works the same over v1 GET signing", async () => {
    const g = s.client({ signMethod: "HmacSHA1", reqMethod: "GET" });
    const { serviceId } = await serviceWithApis(["/g"], g);
    const v = (await g.ReleaseService({ ServiceId: serviceId, EnvironmentName: "test", ReleaseDesc: "via get", ApiIds: ["ignored-reserved"] })).Result!.ReleaseVersion;
    expect((await environments(serviceId, g)).test?.VersionName).toBe(v);
    await g.UpdateService({ ServiceId: serviceId, EnvironmentName: "release", VersionName: v, UpdateDesc: "promote" });
    expect((await g.DescribeServiceEnvironmentReleaseHistory({ ServiceId: serviceId, EnvironmentName: "release", Limit: 5 })).Result!.VersionList[0]).toMatchObject({
      VersionName: v,
      VersionDesc: "promote",
    });
    expect((await g.UnReleaseService({ ServiceId: serviceId, EnvironmentName: "test" })).Result).toBe(true);
  });
});
