/** Throttling strategies (限流策略) of service environments and of APIs, through the official SDK. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../src/events.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";
import { createApi, createService, release } from "./usage-fixtures.js";

let s: TestServer;
let c: ApigatewayClient;
beforeAll(async () => {
  s = await startTestServer({ actionRateLimit: false });
  c = s.client();
});
afterAll(() => s.close());

async function changes(fn: () => Promise<unknown>): Promise<Array<string | undefined>> {
  const seen: ChangeEvent[] = [];
  const off = s.apigw.events.onChanged((e) => seen.push(e));
  try {
    await fn();
  } finally {
    off();
  }
  return seen.map((e) => e.serviceId);
}

const serviceStrategy = async (serviceId: string) =>
  Object.fromEntries((await c.DescribeServiceEnvironmentStrategy({ ServiceId: serviceId })).Result!.EnvironmentList.map((e) => [e.EnvironmentName, e.Strategy]));

describe("DescribeServiceEnvironmentStrategy / ModifyServiceEnvironmentStrategy", () => {
  it("shows each environment with its URL, publish state and value (default: the maximum, 5000)", async () => {
    const serviceId = await createService(c);
    await createApi(c, serviceId);
    await release(c, serviceId, "prepub");
    const { Result } = await c.DescribeServiceEnvironmentStrategy({ ServiceId: serviceId });
    expect(Result?.TotalCount).toBe(3);
    expect(Result?.EnvironmentList.map((e) => [e.EnvironmentName, e.Status, e.Strategy, e.MaxStrategy])).toEqual([
      ["test", 0, 5000, 5000],
      ["prepub", 1, 5000, 5000],
      ["release", 0, 5000, 5000],
    ]);
    const prepub = Result!.EnvironmentList[1]!;
    expect(prepub.VersionName).toMatch(/^\d{14}/);
    const domain = `${serviceId}-${s.apigw.defaultKey.account.appId}.ap-guangzhou.apigw.localhost`;
    expect(prepub.Url).toMatch(new RegExp(`^http://${domain.replace(/\./g, "\\.")}(:\\d+)?/prepub$`));
    expect(Result?.EnvironmentList[0]?.VersionName).toBe("");

    const page = await c.DescribeServiceEnvironmentStrategy({ ServiceId: serviceId, Limit: 1, Offset: 2 });
    expect([page.Result?.TotalCount, page.Result?.EnvironmentList.map((e) => e.EnvironmentName)]).toEqual([3, ["release"]]);
  });

  it("sets the value of the listed environments", async () => {
    const serviceId = await createService(c);
    const events = await changes(() => c.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy: 100, EnvironmentNames: ["test", "release"] }));
    expect(events).toEqual([serviceId]);
    expect(await serviceStrategy(serviceId)).toEqual({ test: 100, prepub: 5000, release: 100 });
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy: 0, EnvironmentNames: ["release"] });
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy: 5000, EnvironmentNames: ["test"] });
    expect(await serviceStrategy(serviceId)).toEqual({ test: 5000, prepub: 5000, release: 0 });
  });

  it("refuses bad values and environments without changing anything", async () => {
    const serviceId = await createService(c);
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy: 10, EnvironmentNames: ["test"] });
    const cases: Array<[number, string[], string, string]> = [
      [5001, ["test"], "InvalidParameterValue.RangeExceeded", "Strategy"],
      [-1, ["test"], "InvalidParameterValue.RangeExceeded", "Strategy"],
      [20, ["test", "prod"], "InvalidParameterValue.InvalidRequestParameters", "EnvironmentNames.1"],
      [20, [], "InvalidParameterValue.InvalidRequestParameters", "EnvironmentNames"],
    ];
    for (const [Strategy, EnvironmentNames, code, mention] of cases) {
      const e = await sdkError(() => c.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy, EnvironmentNames }));
      expect([e.code, e.message.includes(mention)]).toEqual([code, true]);
    }
    expect(await serviceStrategy(serviceId)).toEqual({ test: 10, prepub: 5000, release: 5000 });
    for (const call of [
      () => c.ModifyServiceEnvironmentStrategy({ ServiceId: "service-nope0000", Strategy: 1, EnvironmentNames: ["test"] }),
      () => c.DescribeServiceEnvironmentStrategy({ ServiceId: "service-nope0000" }),
    ]) {
      expect((await sdkError(call)).code).toBe("ResourceNotFound.InvalidService");
    }
  });

  it("takes the maximum from config.limits.serviceQps (APIGW_LIMIT_SERVICE_QPS)", async () => {
    const small = await startTestServer({}, { APIGW_LIMIT_SERVICE_QPS: "200" });
    try {
      const sc = small.client();
      const serviceId = await createService(sc);
      const { Result } = await sc.DescribeServiceEnvironmentStrategy({ ServiceId: serviceId });
      expect(Result?.EnvironmentList.map((e) => [e.Strategy, e.MaxStrategy])).toEqual([
        [200, 200],
        [200, 200],
        [200, 200],
      ]);
      expect((await sdkError(() => sc.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy: 201, EnvironmentNames: ["test"] }))).code).toBe(
        "InvalidParameterValue.RangeExceeded",
      );
    } finally {
      await small.close();
    }
  });
});

describe("DescribeApiEnvironmentStrategy / ModifyApiEnvironmentStrategy", () => {
  it("lists the APIs' values per environment (-1: follows the service) and sets them", async () => {
    const serviceId = await createService(c);
    const [a1, a2, a3] = [await createApi(c, serviceId, "/x"), await createApi(c, serviceId, "/y"), await createApi(c, serviceId, "/z")];
    const initial = await c.DescribeApiEnvironmentStrategy({ ServiceId: serviceId });
    expect(initial.Result?.TotalCount).toBe(3);
    expect(initial.Result?.ApiEnvironmentStrategySet[0]).toMatchObject({
      ApiId: a1,
      Path: "/x",
      Method: "GET",
      EnvironmentStrategySet: [
        { EnvironmentName: "test", Quota: -1, MaxQuota: 5000 },
        { EnvironmentName: "prepub", Quota: -1, MaxQuota: 5000 },
        { EnvironmentName: "release", Quota: -1, MaxQuota: 5000 },
      ],
    });

    expect(await changes(() => c.ModifyApiEnvironmentStrategy({ ServiceId: serviceId, Strategy: 30, EnvironmentName: "release", ApiIds: [a1, a3] }))).toEqual([
      serviceId,
    ]);
    await c.ModifyApiEnvironmentStrategy({ ServiceId: serviceId, Strategy: 0, EnvironmentName: "test", ApiIds: [a1] });
    const quotas = async (input: { ApiId?: string; EnvironmentNames?: string[]; Limit?: number; Offset?: number } = {}) =>
      (await c.DescribeApiEnvironmentStrategy({ ServiceId: serviceId, ...input })).Result!.ApiEnvironmentStrategySet.map((a) => [
        a.ApiId,
        a.EnvironmentStrategySet.map((e) => `${e.EnvironmentName}=${e.Quota}`).join(" "),
      ]);
    expect(await quotas()).toEqual([
      [a1, "test=0 prepub=-1 release=30"],
      [a2, "test=-1 prepub=-1 release=-1"],
      [a3, "test=-1 prepub=-1 release=30"],
    ]);
    expect(await quotas({ ApiId: a3, EnvironmentNames: ["release"] })).toEqual([[a3, "release=30"]]);
    expect(await quotas({ Limit: 1, Offset: 1 })).toEqual([[a2, "test=-1 prepub=-1 release=-1"]]);

    // -1 makes the API follow the service again.
    await c.ModifyApiEnvironmentStrategy({ ServiceId: serviceId, Strategy: -1, EnvironmentName: "release", ApiIds: [a1] });
    expect(await quotas({ ApiId: a1 })).toEqual([[a1, "test=0 prepub=-1 release=-1"]]);
  });

  it("refuses bad values, environments and APIs without changing anything", async () => {
    const serviceId = await createService(c);
    const api = await createApi(c, serviceId);
    const foreign = await createApi(c, await createService(c));
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ Strategy: 5001 }, "InvalidParameterValue.RangeExceeded", "Strategy"],
      [{ Strategy: -2 }, "InvalidParameterValue.RangeExceeded", "Strategy"],
      [{ EnvironmentName: "prod" }, "InvalidParameterValue.InvalidRequestParameters", "EnvironmentName"],
      [{ ApiIds: [] }, "InvalidParameterValue.InvalidRequestParameters", "ApiIds"],
      [{ ApiIds: [api, "api-nope0000"] }, "ResourceNotFound.InvalidApi", "api-nope0000"],
      [{ ApiIds: [api, foreign] }, "ResourceNotFound.InvalidApi", foreign],
      [{ ServiceId: "service-nope0000" }, "ResourceNotFound.InvalidService", "service-nope0000"],
    ];
    for (const [change, code, mention] of cases) {
      const input = { ServiceId: serviceId, Strategy: 10, EnvironmentName: "release", ApiIds: [api], ...change } as Parameters<
        ApigatewayClient["ModifyApiEnvironmentStrategy"]
      >[0];
      const e = await sdkError(() => c.ModifyApiEnvironmentStrategy(input));
      expect([e.code, e.message.includes(mention)]).toEqual([code, true]);
    }
    const after = await c.DescribeApiEnvironmentStrategy({ ServiceId: serviceId });
    expect(after.Result?.ApiEnvironmentStrategySet[0]?.EnvironmentStrategySet.every((e) => e.Quota === -1)).toBe(true);

    expect((await sdkError(() => c.DescribeApiEnvironmentStrategy({ ServiceId: serviceId, ApiId: foreign }))).code).toBe("ResourceNotFound.InvalidApi");
    expect((await sdkError(() => c.DescribeApiEnvironmentStrategy({ ServiceId: "service-nope0000" }))).code).toBe("ResourceNotFound.InvalidService");
    const env = await sdkError(() => c.DescribeApiEnvironmentStrategy({ ServiceId: serviceId, EnvironmentNames: ["prod"] }));
    expect([env.code, env.message.includes("EnvironmentNames.0")]).toEqual(["InvalidParameter.FormatError", true]);
  });

  it("drops an API's values with the API", async () => {
    const serviceId = await createService(c);
    const api = await createApi(c, serviceId);
    await c.ModifyApiEnvironmentStrategy({ ServiceId: serviceId, Strategy: 10, EnvironmentName: "test", ApiIds: [api] });
    await c.DeleteApi({ ServiceId: serviceId, ApiId: api });
    const again = await createApi(c, serviceId);
    expect((await c.DescribeApiEnvironmentStrategy({ ServiceId: serviceId })).Result?.ApiEnvironmentStrategySet.map((a) => a.ApiId)).toEqual([again]);
    const rows = await s.apigw.store.db.selectFrom("bindings").select("kind").where("target_id", "=", api).execute();
    expect(rows).toEqual([]);
  });
});
