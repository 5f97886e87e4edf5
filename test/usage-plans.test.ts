/**
 * Usage plans (使用计划) through the official SDK: plans, their keys, their bindings to service
 * environments and APIs, demotion, the conflict rules and limits; and the query helpers the
 * gateway and DescribeService use.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../src/events.js";
import {
  apiUsagePlanList,
  effectiveApiQps,
  loadPolicies,
  notBoundToUsagePlan,
  resolveCaller,
  serviceUsagePlanList,
} from "../src/resources/usagePlans.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";
import { createApi, createKey, createPlan, createService, release } from "./usage-fixtures.js";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let s: TestServer;
let c: ApigatewayClient;
beforeAll(async () => {
  // Many calls of one action within a second: the per-action rate limit is tested elsewhere.
  s = await startTestServer({ actionRateLimit: false });
  c = s.client();
});
afterAll(() => s.close());

const scope = () => ({ appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" });

/** Collects the change events `fn` causes. */
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

describe("CreateUsagePlan / DescribeUsagePlan", () => {
  it("creates a plan with limits off (-1) by default and both CreateTime and CreatedTime", async () => {
    const { Result: p } = await c.CreateUsagePlan({ UsagePlanName: "basic_plan", UsagePlanDesc: "desc = & é", Tags: [{ Key: "k", Value: "v" }] });
    expect(p?.UsagePlanId).toMatch(/^usagePlan-[0-9a-z]{8}$/);
    expect(p).toMatchObject({
      UsagePlanName: "basic_plan",
      UsagePlanDesc: "desc = & é",
      MaxRequestNum: -1,
      MaxRequestNumPreSec: -1,
      BindSecretIdTotalCount: 0,
      BindSecretIds: [],
      BindEnvironmentTotalCount: 0,
      BindEnvironments: [],
      Tags: [{ Key: "k", Value: "v" }],
    });
    const raw = p as Record<string, unknown>;
    expect(raw.CreateTime).toMatch(ISO);
    expect(raw.CreatedTime).toBe(raw.CreateTime);
    expect(raw.InitQuota).toBe(-1);
    expect(raw.IsHide).toBe(0);
    expect((await c.DescribeUsagePlan({ UsagePlanId: p!.UsagePlanId! })).Result).toEqual(p);
  });

  it("accepts the documented bounds", async () => {
    const { Result: p } = await c.CreateUsagePlan({ UsagePlanName: "bounds", MaxRequestNum: 999999999, MaxRequestNumPreSec: 2000 });
    expect(p).toMatchObject({ MaxRequestNum: 999999999, MaxRequestNumPreSec: 2000 });
    const { Result: q } = await c.CreateUsagePlan({ UsagePlanName: "low", MaxRequestNum: 1, MaxRequestNumPreSec: 1 });
    expect(q).toMatchObject({ MaxRequestNum: 1, MaxRequestNumPreSec: 1 });
  });

  it.each([
    ["MaxRequestNum", { MaxRequestNum: 0 }],
    ["MaxRequestNum", { MaxRequestNum: -2 }],
    ["MaxRequestNum", { MaxRequestNum: 1000000000 }],
    ["MaxRequestNumPreSec", { MaxRequestNumPreSec: 0 }],
    ["MaxRequestNumPreSec", { MaxRequestNumPreSec: 2001 }],
    ["UsagePlanName", { UsagePlanName: "with space" }],
    ["UsagePlanName", { UsagePlanName: "p".repeat(51) }],
    ["UsagePlanDesc", { UsagePlanDesc: "d".repeat(201) }],
  ])("refuses a bad %s with InvalidParameter.FormatError and creates nothing", async (param, given) => {
    const before = (await c.DescribeUsagePlansStatus({})).Result!.TotalCount;
    const e = await sdkError(() => c.CreateUsagePlan({ UsagePlanName: "ok_name", ...given }));
    expect(e.code).toBe("InvalidParameter.FormatError");
    expect(e.message).toContain(param);
    expect((await c.DescribeUsagePlansStatus({})).Result!.TotalCount).toBe(before);
  });

  it("answers ResourceNotFound.InvalidUsagePlan for an unknown plan, and per region", async () => {
    const e = await sdkError(() => c.DescribeUsagePlan({ UsagePlanId: "usagePlan-nope0000" }));
    expect(e.code).toBe("ResourceNotFound.InvalidUsagePlan");
    expect(e.message).toContain("usagePlan-nope0000");
    const id = await createPlan(c);
    expect((await sdkError(() => s.client({ region: "ap-shanghai" }).DescribeUsagePlan({ UsagePlanId: id }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
  });

  it("answers LimitExceeded.UsagePlanLimitExceeded beyond config.limits.usagePlansPerRegion (APIGW_LIMIT_USAGE_PLANS)", async () => {
    const small = await startTestServer({}, { APIGW_LIMIT_USAGE_PLANS: "2" });
    try {
      const sc = small.client();
      await createPlan(sc);
      await createPlan(sc);
      expect((await sdkError(() => sc.CreateUsagePlan({ UsagePlanName: "third" }))).code).toBe("LimitExceeded.UsagePlanLimitExceeded");
      expect((await sc.DescribeUsagePlansStatus({})).Result!.TotalCount).toBe(2);
    } finally {
      await small.close();
    }
  });
});

describe("ModifyUsagePlan", () => {
  it("changes what is given and keeps the rest", async () => {
    const id = await createPlan(c, "before", { MaxRequestNum: 10, MaxRequestNumPreSec: 5 });
    const { Result: p } = await c.ModifyUsagePlan({ UsagePlanId: id, UsagePlanName: "after", MaxRequestNumPreSec: -1 });
    expect(p).toMatchObject({ UsagePlanId: id, UsagePlanName: "after", MaxRequestNum: 10, MaxRequestNumPreSec: -1 });
    expect((await c.DescribeUsagePlan({ UsagePlanId: id })).Result).toMatchObject({ UsagePlanName: "after", MaxRequestNum: 10, MaxRequestNumPreSec: -1 });
  });

  it("refuses bad values without changing the plan", async () => {
    const id = await createPlan(c, "stable", { MaxRequestNumPreSec: 5 });
    const e = await sdkError(() => c.ModifyUsagePlan({ UsagePlanId: id, UsagePlanName: "renamed", MaxRequestNumPreSec: 5000 }));
    expect(e.code).toBe("InvalidParameter.FormatError");
    expect(e.message).toContain("MaxRequestNumPreSec");
    expect((await c.DescribeUsagePlan({ UsagePlanId: id })).Result).toMatchObject({ UsagePlanName: "stable", MaxRequestNumPreSec: 5 });
    expect((await sdkError(() => c.ModifyUsagePlan({ UsagePlanId: "usagePlan-nope0000", UsagePlanName: "x" }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
  });

  it("tells the gateway about the services the plan is bound to", async () => {
    const serviceId = await createService(c);
    const id = await createPlan(c);
    await c.BindEnvironment({ UsagePlanIds: [id], BindType: "SERVICE", Environment: "test", ServiceId: serviceId });
    await c.BindEnvironment({ UsagePlanIds: [id], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    expect(await changes(() => c.ModifyUsagePlan({ UsagePlanId: id, MaxRequestNumPreSec: 10 }))).toEqual([serviceId]);
    const unbound = await createPlan(c);
    expect(await changes(() => c.ModifyUsagePlan({ UsagePlanId: unbound, MaxRequestNumPreSec: 10 }))).toEqual([]);
  });
});

describe("BindSecretIds / UnBindSecretIds / DescribeUsagePlanSecretIds", () => {
  it("binds keys, lists them in binding order with paging, and unbinds them", async () => {
    const plan = await createPlan(c);
    const keys = [await createKey(c, "ka"), await createKey(c, "kb"), await createKey(c, "kc")];
    expect((await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: keys })).Result).toBe(true);
    // Binding a key again changes nothing.
    await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [keys[0]!, keys[0]!] });
    const all = await c.DescribeUsagePlanSecretIds({ UsagePlanId: plan });
    expect(all.Result?.TotalCount).toBe(3);
    expect(all.Result?.AccessKeyList).toEqual([
      { AccessKeyId: keys[0], SecretName: "ka", Status: 1 },
      { AccessKeyId: keys[1], SecretName: "kb", Status: 1 },
      { AccessKeyId: keys[2], SecretName: "kc", Status: 1 },
    ]);
    const page = await c.DescribeUsagePlanSecretIds({ UsagePlanId: plan, Limit: 1, Offset: 1 });
    expect(page.Result?.AccessKeyList.map((k) => k.AccessKeyId)).toEqual([keys[1]]);
    expect((await c.DescribeUsagePlan({ UsagePlanId: plan })).Result).toMatchObject({ BindSecretIdTotalCount: 3, BindSecretIds: keys });

    await c.DisableApiKey({ AccessKeyId: keys[2]! });
    expect((await c.DescribeUsagePlanSecretIds({ UsagePlanId: plan })).Result?.AccessKeyList[2]?.Status).toBe(0);

    expect((await c.UnBindSecretIds({ UsagePlanId: plan, AccessKeyIds: [keys[0]!, keys[2]!] })).Result).toBe(true);
    expect((await c.DescribeUsagePlanSecretIds({ UsagePlanId: plan })).Result?.AccessKeyList.map((k) => k.AccessKeyId)).toEqual([keys[1]]);
  });

  it("binds nothing when one key is unknown or disabled", async () => {
    const plan = await createPlan(c);
    const good = await createKey(c);
    const unknown = await sdkError(() => c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [good, "AKIDmissing"] }));
    expect(unknown.code).toBe("ResourceNotFound.InvalidAccessKeyId");
    expect(unknown.message).toContain("AKIDmissing");
    const disabled = await createKey(c);
    await c.DisableApiKey({ AccessKeyId: disabled });
    const off = await sdkError(() => c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [good, disabled] }));
    expect(off.code).toBe("UnsupportedOperation.InvalidStatus");
    expect((await c.DescribeUsagePlanSecretIds({ UsagePlanId: plan })).Result?.TotalCount).toBe(0);
  });

  it("checks its inputs", async () => {
    const plan = await createPlan(c);
    const key = await createKey(c);
    expect((await sdkError(() => c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [] }))).code).toBe("InvalidParameterValue.InvalidAccessKeyIds");
    expect((await sdkError(() => c.BindSecretIds({ UsagePlanId: "usagePlan-nope0000", AccessKeyIds: [key] }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
    expect((await sdkError(() => c.UnBindSecretIds({ UsagePlanId: "usagePlan-nope0000", AccessKeyIds: [key] }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
    expect((await sdkError(() => c.DescribeUsagePlanSecretIds({ UsagePlanId: "usagePlan-nope0000" }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
    const notBound = await sdkError(() => c.UnBindSecretIds({ UsagePlanId: plan, AccessKeyIds: [key] }));
    expect(notBound.code).toBe("ResourceNotFound.InvalidAccessKeyId");
    expect(notBound.message).toContain("not bound");
  });

  it("holds at most 50 keys per plan (UnsupportedOperation.UnsupportedBindApiKey)", async () => {
    const plan = await createPlan(c);
    const keys: string[] = [];
    for (let i = 0; i < 51; i++) keys.push(await createKey(c, `bulk_${i}`));
    await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: keys.slice(0, 50) });
    const e = await sdkError(() => c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [keys[50]!] }));
    expect(e.code).toBe("UnsupportedOperation.UnsupportedBindApiKey");
    expect(e.message).toContain("50");
    expect((await c.DescribeUsagePlanSecretIds({ UsagePlanId: plan })).Result?.TotalCount).toBe(50);
    // All 51 at once onto an empty plan is refused as a whole.
    const other = await createPlan(c);
    expect((await sdkError(() => c.BindSecretIds({ UsagePlanId: other, AccessKeyIds: keys }))).code).toBe("UnsupportedOperation.UnsupportedBindApiKey");
    expect((await c.DescribeUsagePlanSecretIds({ UsagePlanId: other })).Result?.TotalCount).toBe(0);
  });

  it("binds a key to at most 10 plans (UnsupportedOperation.UnsupportedBindApiKey)", async () => {
    const key = await createKey(c);
    for (let i = 0; i < 10; i++) await c.BindSecretIds({ UsagePlanId: await createPlan(c), AccessKeyIds: [key] });
    const e = await sdkError(async () => c.BindSecretIds({ UsagePlanId: await createPlan(c), AccessKeyIds: [key] }));
    expect(e.code).toBe("UnsupportedOperation.UnsupportedBindApiKey");
    expect(e.message).toContain(key);
  });

  it("uses the configured limits (APIGW_LIMIT_API_KEYS_PER_USAGE_PLAN, APIGW_LIMIT_USAGE_PLANS_PER_API_KEY)", async () => {
    const small = await startTestServer({}, { APIGW_LIMIT_API_KEYS_PER_USAGE_PLAN: "2", APIGW_LIMIT_USAGE_PLANS_PER_API_KEY: "1" });
    try {
      const sc = small.client();
      const plan = await createPlan(sc);
      const keys = [await createKey(sc), await createKey(sc), await createKey(sc)];
      expect((await sdkError(() => sc.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: keys }))).code).toBe("UnsupportedOperation.UnsupportedBindApiKey");
      await sc.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [keys[0]!] });
      expect((await sdkError(async () => sc.BindSecretIds({ UsagePlanId: await createPlan(sc), AccessKeyIds: [keys[0]!] }))).code).toBe(
        "UnsupportedOperation.UnsupportedBindApiKey",
      );
    } finally {
      await small.close();
    }
  });
});

describe("BindEnvironment / UnBindEnvironment", () => {
  it("binds plans to a service environment, shows them everywhere, and unbinds them", async () => {
    const serviceId = await createService(c, "bind_svc");
    const [p1, p2] = [await createPlan(c, "p_one", { MaxRequestNumPreSec: 10 }), await createPlan(c, "p_two")];
    const events = await changes(() => c.BindEnvironment({ UsagePlanIds: [p1, p2], BindType: "SERVICE", Environment: "release", ServiceId: serviceId }));
    expect(events).toEqual([serviceId]);
    // Binding again changes nothing.
    await c.BindEnvironment({ UsagePlanIds: [p1], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    await c.BindEnvironment({ UsagePlanIds: [p1], BindType: "SERVICE", Environment: "test", ServiceId: serviceId });

    const svc = await c.DescribeServiceUsagePlan({ ServiceId: serviceId });
    expect(svc.Result?.TotalCount).toBe(3);
    expect(svc.Result?.ServiceUsagePlanList.map((u) => [u.UsagePlanId, u.Environment])).toEqual([
      [p1, "release"],
      [p2, "release"],
      [p1, "test"],
    ]);
    expect(svc.Result?.ServiceUsagePlanList[0]).toMatchObject({
      ServiceId: serviceId,
      ServiceName: "bind_svc",
      ApiId: "",
      UsagePlanName: "p_one",
      MaxRequestNumPreSec: 10,
      MaxRequestNum: -1,
      InUseRequestNum: 0,
    });
    const paged = await c.DescribeServiceUsagePlan({ ServiceId: serviceId, Limit: 1, Offset: 2 });
    expect(paged.Result?.ServiceUsagePlanList.map((u) => u.Environment)).toEqual(["test"]);

    expect((await c.DescribeUsagePlan({ UsagePlanId: p1 })).Result).toMatchObject({
      BindEnvironmentTotalCount: 2,
      BindEnvironments: [
        { EnvironmentName: "release", ServiceId: serviceId },
        { EnvironmentName: "test", ServiceId: serviceId },
      ],
    });
    const envs = await c.DescribeUsagePlanEnvironments({ UsagePlanId: p1, BindType: "SERVICE" });
    expect(envs.Result?.TotalCount).toBe(2);
    expect(envs.Result?.EnvironmentList[0]).toMatchObject({ ServiceId: serviceId, ServiceName: "bind_svc", Environment: "release", ApiId: "", MaxRequestNumPreSec: 10 });
    expect(envs.Result?.EnvironmentList[0]?.CreatedTime).toMatch(ISO);
    expect((await c.DescribeUsagePlanEnvironments({ UsagePlanId: p1, BindType: "API" })).Result?.TotalCount).toBe(0);

    // What DescribeService will show (UsagePlanList).
    expect((await serviceUsagePlanList(s.apigw.store.db, scope(), serviceId)).map((u) => [u.UsagePlanId, u.Environment, u.UsagePlanName])).toEqual([
      [p1, "release", "p_one"],
      [p2, "release", "p_two"],
      [p1, "test", "p_one"],
    ]);

    expect(await changes(() => c.UnBindEnvironment({ UsagePlanIds: [p1, p2], BindType: "SERVICE", Environment: "release", ServiceId: serviceId }))).toEqual([serviceId]);
    expect((await c.DescribeServiceUsagePlan({ ServiceId: serviceId })).Result?.ServiceUsagePlanList.map((u) => u.Environment)).toEqual(["test"]);
    const again = await sdkError(() => c.UnBindEnvironment({ UsagePlanIds: [p2], BindType: "SERVICE", Environment: "release", ServiceId: serviceId }));
    expect(again.code).toBe("UnsupportedOperation.UnsupportedUnBindEnvironment");
    expect(again.message).toContain(p2);
  });

  it("binds plans to APIs of a service (BindType API)", async () => {
    const serviceId = await createService(c);
    const [a1, a2] = [await createApi(c, serviceId, "/one"), await createApi(c, serviceId, "/two")];
    const plan = await createPlan(c);
    await c.BindEnvironment({ UsagePlanIds: [plan], BindType: "API", Environment: "prepub", ServiceId: serviceId, ApiIds: [a1, a2] });
    const list = await c.DescribeApiUsagePlan({ ServiceId: serviceId });
    expect(list.Result?.TotalCount).toBe(2);
    expect(list.Result?.ApiUsagePlanList.map((u) => [u.ApiId, u.Path, u.Method, u.Environment, u.UsagePlanId])).toEqual([
      [a1, "/one", "GET", "prepub", plan],
      [a2, "/two", "GET", "prepub", plan],
    ]);
    expect((await c.DescribeServiceUsagePlan({ ServiceId: serviceId })).Result?.TotalCount).toBe(0);
    const envs = await c.DescribeUsagePlanEnvironments({ UsagePlanId: plan, BindType: "API", Limit: 1 });
    expect(envs.Result?.TotalCount).toBe(2);
    expect(envs.Result?.EnvironmentList[0]).toMatchObject({ ApiId: a1, Path: "/one", Method: "GET", Environment: "prepub", ServiceId: serviceId });
    expect((await apiUsagePlanList(s.apigw.store.db, scope(), a2)).map((u) => [u.UsagePlanId, u.Environment])).toEqual([[plan, "prepub"]]);
    expect((await c.DescribeUsagePlan({ UsagePlanId: plan })).Result?.BindEnvironments).toEqual([{ EnvironmentName: "prepub", ServiceId: serviceId }]);

    await c.UnBindEnvironment({ UsagePlanIds: [plan], BindType: "API", Environment: "prepub", ServiceId: serviceId, ApiIds: [a1] });
    expect((await c.DescribeApiUsagePlan({ ServiceId: serviceId })).Result?.ApiUsagePlanList.map((u) => u.ApiId)).toEqual([a2]);
    // Unbinding an API the plan is not bound to is refused; so is the SERVICE kind for an API binding.
    expect((await sdkError(() => c.UnBindEnvironment({ UsagePlanIds: [plan], BindType: "API", Environment: "prepub", ServiceId: serviceId, ApiIds: [a1] }))).code).toBe(
      "UnsupportedOperation.UnsupportedUnBindEnvironment",
    );
    expect((await sdkError(() => c.UnBindEnvironment({ UsagePlanIds: [plan], BindType: "SERVICE", Environment: "prepub", ServiceId: serviceId }))).code).toBe(
      "UnsupportedOperation.UnsupportedUnBindEnvironment",
    );
  });

  it("checks its inputs and binds nothing on error", async () => {
    const serviceId = await createService(c);
    const otherService = await createService(c);
    const api = await createApi(c, serviceId);
    const foreignApi = await createApi(c, otherService);
    const plan = await createPlan(c);
    const base = { UsagePlanIds: [plan], Environment: "release", ServiceId: serviceId };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ ServiceId: "service-nope0000" }, "ResourceNotFound.InvalidService", "service-nope0000"],
      [{ UsagePlanIds: [plan, "usagePlan-nope0000"], BindType: "SERVICE" }, "ResourceNotFound.InvalidUsagePlan", "usagePlan-nope0000"],
      [{ UsagePlanIds: [] }, "InvalidParameter.FormatError", "UsagePlanIds"],
      [{ BindType: "ENV" }, "InvalidParameter.FormatError", "BindType"],
      [{ Environment: "prod" }, "InvalidParameter.FormatError", "Environment"],
      [{ ApiIds: undefined }, "MissingParameter", "ApiIds"],
      [{ ApiIds: [] }, "InvalidParameterValue.InvalidApiIds", "ApiIds"],
      [{ ApiIds: [api, "api-nope0000"] }, "ResourceNotFound.InvalidApi", "api-nope0000"],
      [{ ApiIds: [foreignApi] }, "ResourceNotFound.InvalidApi", foreignApi],
    ];
    for (const [change, code, mention] of cases) {
      const input = { ...base, BindType: "API", ...change } as Parameters<ApigatewayClient["BindEnvironment"]>[0];
      const e = await sdkError(() => c.BindEnvironment(input));
      expect([e.code, e.message.includes(mention)]).toEqual([code, true]);
      const unbind = await sdkError(() => c.UnBindEnvironment(input));
      expect(unbind.code).toBe(code === "InvalidParameterValue.InvalidApiIds" ? "InvalidParameter.FormatError" : code);
    }
    expect((await c.DescribeUsagePlan({ UsagePlanId: plan })).Result?.BindEnvironmentTotalCount).toBe(0);
  });

  it("never mixes SERVICE and API bindings in one service environment", async () => {
    const serviceId = await createService(c);
    const api = await createApi(c, serviceId);
    const [p1, p2] = [await createPlan(c), await createPlan(c)];
    await c.BindEnvironment({ UsagePlanIds: [p1], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    const toApi = await sdkError(() => c.BindEnvironment({ UsagePlanIds: [p2], BindType: "API", Environment: "release", ServiceId: serviceId, ApiIds: [api] }));
    expect(toApi.code).toBe("UnsupportedOperation.UnsupportedBindEnvironment");
    expect(toApi.message).toContain("DemoteServiceUsagePlan");
    // Another environment is independent.
    await c.BindEnvironment({ UsagePlanIds: [p2], BindType: "API", Environment: "test", ServiceId: serviceId, ApiIds: [api] });
    const toService = await sdkError(() => c.BindEnvironment({ UsagePlanIds: [p1], BindType: "SERVICE", Environment: "test", ServiceId: serviceId }));
    expect(toService.code).toBe("UnsupportedOperation.UnsupportedBindEnvironment");
    expect((await c.DescribeApiUsagePlan({ ServiceId: serviceId })).Result?.ApiUsagePlanList.map((u) => [u.UsagePlanId, u.Environment])).toEqual([[p2, "test"]]);
    expect((await c.DescribeServiceUsagePlan({ ServiceId: serviceId })).Result?.ServiceUsagePlanList.map((u) => [u.UsagePlanId, u.Environment])).toEqual([
      [p1, "release"],
    ]);
  });

  it("keeps one plan per key and environment: plans bound to the same environment cannot share a key", async () => {
    const serviceId = await createService(c);
    const key = await createKey(c);
    const [p, q, r] = [await createPlan(c), await createPlan(c), await createPlan(c)];
    await c.BindSecretIds({ UsagePlanId: p, AccessKeyIds: [key] });
    await c.BindSecretIds({ UsagePlanId: q, AccessKeyIds: [key] });
    await c.BindEnvironment({ UsagePlanIds: [p], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });

    // q holds the same key: it cannot join p in release, but can be bound in test.
    const env = await sdkError(() => c.BindEnvironment({ UsagePlanIds: [q], BindType: "SERVICE", Environment: "release", ServiceId: serviceId }));
    expect(env.code).toBe("UnsupportedOperation.UnsupportedBindEnvironment");
    expect(env.message).toContain(key);
    await c.BindEnvironment({ UsagePlanIds: [q], BindType: "SERVICE", Environment: "test", ServiceId: serviceId });

    // r is in release with p; it cannot take p's key.
    await c.BindEnvironment({ UsagePlanIds: [r], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    const keyConflict = await sdkError(() => c.BindSecretIds({ UsagePlanId: r, AccessKeyIds: [key] }));
    expect(keyConflict.code).toBe("UnsupportedOperation.AlreadyBindUsagePlan");
    expect(keyConflict.message).toContain(p);
    expect((await c.DescribeUsagePlanSecretIds({ UsagePlanId: r })).Result?.TotalCount).toBe(0);

    // Two plans given in one call are checked against each other too.
    const [x, y] = [await createPlan(c), await createPlan(c)];
    const shared = await createKey(c);
    await c.BindSecretIds({ UsagePlanId: x, AccessKeyIds: [shared] });
    await c.BindSecretIds({ UsagePlanId: y, AccessKeyIds: [shared] });
    const pair = await sdkError(() => c.BindEnvironment({ UsagePlanIds: [x, y], BindType: "SERVICE", Environment: "prepub", ServiceId: serviceId }));
    expect(pair.code).toBe("UnsupportedOperation.UnsupportedBindEnvironment");
    expect((await c.DescribeUsagePlan({ UsagePlanId: x })).Result?.BindEnvironmentTotalCount).toBe(0);

    // API bindings conflict only on the same API.
    const other = await createService(c);
    const [b1, b2] = [await createApi(c, other), await createApi(c, other)];
    await c.BindEnvironment({ UsagePlanIds: [x], BindType: "API", Environment: "release", ServiceId: other, ApiIds: [b1] });
    await c.BindEnvironment({ UsagePlanIds: [y], BindType: "API", Environment: "release", ServiceId: other, ApiIds: [b2] });
    const same = await sdkError(() => c.BindEnvironment({ UsagePlanIds: [y], BindType: "API", Environment: "release", ServiceId: other, ApiIds: [b1] }));
    expect(same.code).toBe("UnsupportedOperation.UnsupportedBindEnvironment");
  });

  it("binds a plan to at most config.limits.apisPerUsagePlan APIs (LimitExceeded.RequestLimitExceeded)", async () => {
    const small = await startTestServer({ actionRateLimit: false }, { APIGW_LIMIT_APIS_PER_USAGE_PLAN: "2" });
    try {
      const sc = small.client();
      const serviceId = await createService(sc);
      const apiIds = [await createApi(sc, serviceId), await createApi(sc, serviceId), await createApi(sc, serviceId)];
      const plan = await createPlan(sc);
      const e = await sdkError(() => sc.BindEnvironment({ UsagePlanIds: [plan], BindType: "API", Environment: "release", ServiceId: serviceId, ApiIds: apiIds }));
      expect(e.code).toBe("LimitExceeded.RequestLimitExceeded");
      await sc.BindEnvironment({ UsagePlanIds: [plan], BindType: "API", Environment: "release", ServiceId: serviceId, ApiIds: apiIds.slice(0, 2) });
      expect((await sc.DescribeApiUsagePlan({ ServiceId: serviceId })).Result?.TotalCount).toBe(2);
    } finally {
      await small.close();
    }
  });

  it("answers ResourceNotFound.InvalidService for the service-level lists of an unknown service", async () => {
    expect((await sdkError(() => c.DescribeServiceUsagePlan({ ServiceId: "service-nope0000" }))).code).toBe("ResourceNotFound.InvalidService");
    expect((await sdkError(() => c.DescribeApiUsagePlan({ ServiceId: "service-nope0000" }))).code).toBe("ResourceNotFound.InvalidService");
    expect((await sdkError(() => c.DescribeUsagePlanEnvironments({ UsagePlanId: "usagePlan-nope0000", BindType: "API" }))).code).toBe(
      "ResourceNotFound.InvalidUsagePlan",
    );
    expect((await sdkError(async () => c.DescribeUsagePlanEnvironments({ UsagePlanId: await createPlan(c), BindType: "ENV" }))).message).toContain("BindType");
  });
});

describe("DemoteServiceUsagePlan", () => {
  it("turns a SERVICE binding into bindings to every API of the service", async () => {
    const serviceId = await createService(c);
    const apiIds = [await createApi(c, serviceId, "/a"), await createApi(c, serviceId, "/b")];
    await release(c, serviceId, "release");
    const [p, q] = [await createPlan(c), await createPlan(c)];
    await c.BindEnvironment({ UsagePlanIds: [p], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    expect(await changes(() => c.DemoteServiceUsagePlan({ UsagePlanId: p, ServiceId: serviceId, Environment: "release" }))).toEqual([serviceId]);
    expect((await c.DescribeServiceUsagePlan({ ServiceId: serviceId })).Result?.TotalCount).toBe(0);
    expect((await c.DescribeApiUsagePlan({ ServiceId: serviceId })).Result?.ApiUsagePlanList.map((u) => [u.UsagePlanId, u.ApiId, u.Environment])).toEqual([
      [p, apiIds[0], "release"],
      [p, apiIds[1], "release"],
    ]);
    // Now API plans may join the environment.
    await c.BindEnvironment({ UsagePlanIds: [q], BindType: "API", Environment: "release", ServiceId: serviceId, ApiIds: [apiIds[0]!] });
    const again = await sdkError(() => c.DemoteServiceUsagePlan({ UsagePlanId: p, ServiceId: serviceId, Environment: "release" }));
    expect(again.code).toBe("UnsupportedOperation.NoUsagePlanEnv");
  });

  it("is refused when the environment is not published or the service has no API", async () => {
    const serviceId = await createService(c);
    const api = await createApi(c, serviceId);
    const plan = await createPlan(c);
    await c.BindEnvironment({ UsagePlanIds: [plan], BindType: "SERVICE", Environment: "test", ServiceId: serviceId });
    const unpublished = await sdkError(() => c.DemoteServiceUsagePlan({ UsagePlanId: plan, ServiceId: serviceId, Environment: "test" }));
    expect(unpublished.code).toBe("UnsupportedOperation.NoUsagePlanEnv");
    expect(unpublished.message).toContain("not published");
    await release(c, serviceId, "test");
    await c.DeleteApi({ ServiceId: serviceId, ApiId: api });
    const noApi = await sdkError(() => c.DemoteServiceUsagePlan({ UsagePlanId: plan, ServiceId: serviceId, Environment: "test" }));
    expect(noApi.code).toBe("UnsupportedOperation.NoUsagePlanEnv");
    expect(noApi.message).toContain("no API");
    expect((await c.DescribeServiceUsagePlan({ ServiceId: serviceId })).Result?.TotalCount).toBe(1);
    expect((await sdkError(() => c.DemoteServiceUsagePlan({ UsagePlanId: "usagePlan-nope0000", ServiceId: serviceId, Environment: "test" }))).code).toBe(
      "ResourceNotFound.InvalidUsagePlan",
    );
    expect((await sdkError(() => c.DemoteServiceUsagePlan({ UsagePlanId: plan, ServiceId: "service-nope0000", Environment: "test" }))).code).toBe(
      "ResourceNotFound.InvalidService",
    );
  });
});

describe("DeleteUsagePlan", () => {
  it("refuses a plan in use (UnsupportedOperation.UsagePlanInUse) and deletes it once unbound, with its key bindings", async () => {
    const serviceId = await createService(c);
    const plan = await createPlan(c);
    const key = await createKey(c);
    await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [key] });
    await c.BindEnvironment({ UsagePlanIds: [plan], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    const inUse = await sdkError(() => c.DeleteUsagePlan({ UsagePlanId: plan }));
    expect(inUse.code).toBe("UnsupportedOperation.UsagePlanInUse");
    expect(inUse.message).toContain(serviceId);
    expect((await c.DescribeUsagePlan({ UsagePlanId: plan })).Result?.BindSecretIdTotalCount).toBe(1);

    await c.UnBindEnvironment({ UsagePlanIds: [plan], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    expect((await c.DeleteUsagePlan({ UsagePlanId: plan })).Result).toBe(true);
    expect((await sdkError(() => c.DescribeUsagePlan({ UsagePlanId: plan }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
    expect((await sdkError(() => c.DeleteUsagePlan({ UsagePlanId: plan }))).code).toBe("ResourceNotFound.InvalidUsagePlan");
    // The key is free again.
    await c.DisableApiKey({ AccessKeyId: key });
    expect((await c.DeleteApiKey({ AccessKeyId: key })).Result).toBe(true);
  });
});

describe("DescribeUsagePlansStatus", () => {
  it("lists newest first, pages, and filters", async () => {
    const srv = await startTestServer({ actionRateLimit: false });
    try {
      const sc = srv.client();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await createPlan(sc, `status_${i}`, { MaxRequestNumPreSec: 100 + i }));
      const serviceId = await createService(sc);
      const api = await createApi(sc, serviceId);
      const other = await createService(sc);
      await sc.BindEnvironment({ UsagePlanIds: [ids[0]!], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
      await sc.BindEnvironment({ UsagePlanIds: [ids[1]!], BindType: "SERVICE", Environment: "test", ServiceId: other });
      await sc.BindEnvironment({ UsagePlanIds: [ids[2]!], BindType: "API", Environment: "test", ServiceId: serviceId, ApiIds: [api] });

      const first = await sc.DescribeUsagePlansStatus({ Limit: 3 });
      expect(first.Result?.TotalCount).toBe(4);
      expect(first.Result?.UsagePlanStatusSet.map((p) => p.UsagePlanId)).toEqual([ids[3], ids[2], ids[1]]);
      expect(first.Result?.UsagePlanStatusSet[0]).toMatchObject({ UsagePlanName: "status_3", MaxRequestNumPreSec: 103, MaxRequestNum: -1, Tags: [] });
      expect(first.Result?.UsagePlanStatusSet[0]?.CreatedTime).toMatch(ISO);
      const rest = await sc.DescribeUsagePlansStatus({ Limit: 3, Offset: 3 });
      expect(rest.Result?.UsagePlanStatusSet.map((p) => p.UsagePlanId)).toEqual([ids[0]]);

      const find = async (...filters: Array<[string, string[]]>) =>
        (await sc.DescribeUsagePlansStatus({ Filters: filters.map(([Name, Values]) => ({ Name, Values })) })).Result!.UsagePlanStatusSet.map((p) => p.UsagePlanId);
      expect(await find(["UsagePlanId", [ids[1]!]])).toEqual([ids[1]]);
      expect(await find(["UsagePlanName", ["STATUS_2"]])).toEqual([ids[2]]);
      expect(await find(["NotServiceId", [serviceId]])).toEqual([ids[3], ids[1]]);
      expect(await find(["NotApiId", [api]])).toEqual([ids[3], ids[1], ids[0]]);
      expect(await find(["Environment", ["test"]])).toEqual([ids[2], ids[1]]);
      // With NotServiceId, Environment narrows it: plans not bound to the service in that environment.
      expect(await find(["NotServiceId", [serviceId]], ["Environment", ["release"]])).toEqual([ids[3], ids[2], ids[1]]);
      expect(await find(["NotApiId", [api]], ["Environment", ["release"]])).toEqual([ids[3], ids[2], ids[1], ids[0]]);

      const bad = await sdkError(() => sc.DescribeUsagePlansStatus({ Filters: [{ Name: "ServiceId", Values: [serviceId] }] }));
      expect(bad.code).toBe("InvalidParameterValue.InvalidFilterNotSupportedName");
      expect(bad.message).toContain("Filters.0.Name");

      // DescribeServicesStatus's NotUsagePlanId filter, as a helper.
      const notBound = await notBoundToUsagePlan(srv.apigw.store.db, { appId: srv.apigw.defaultKey.account.appId, region: "ap-guangzhou" });
      expect([notBound(serviceId, ids[0]!), notBound(other, ids[0]!), notBound(serviceId, ids[2]!), notBound(serviceId, ids[2]!, ["release"])]).toEqual([
        false,
        true,
        false,
        true,
      ]);
    } finally {
      await srv.close();
    }
  });
});

describe("v1 signatures (form / query parameters)", () => {
  it.each([
    ["HmacSHA256", "GET"],
    ["HmacSHA1", "POST"],
  ] as const)("work with %s over %s: numbers, negative numbers and arrays arrive as strings", async (signMethod, reqMethod) => {
    const v1 = s.client({ signMethod, reqMethod });
    const { Result: p } = await v1.CreateUsagePlan({ UsagePlanName: "v1_plan", MaxRequestNum: -1, MaxRequestNumPreSec: 2000 });
    expect(p).toMatchObject({ MaxRequestNum: -1, MaxRequestNumPreSec: 2000 });
    expect((await sdkError(() => v1.ModifyUsagePlan({ UsagePlanId: p!.UsagePlanId!, MaxRequestNum: 0 }))).code).toBe("InvalidParameter.FormatError");
    const keys = [(await v1.CreateApiKey({ SecretName: "v1a" })).Result!.AccessKeyId!, (await v1.CreateApiKey({ SecretName: "v1b" })).Result!.AccessKeyId!];
    await v1.BindSecretIds({ UsagePlanId: p!.UsagePlanId!, AccessKeyIds: keys });
    const serviceId = await createService(v1);
    const apiIds = [await createApi(v1, serviceId), await createApi(v1, serviceId)];
    await v1.BindEnvironment({ UsagePlanIds: [p!.UsagePlanId!], BindType: "API", Environment: "test", ServiceId: serviceId, ApiIds: apiIds });
    expect((await v1.DescribeApiUsagePlan({ ServiceId: serviceId, Limit: 1, Offset: 1 })).Result?.ApiUsagePlanList.map((u) => u.ApiId)).toEqual([apiIds[1]]);
    expect((await v1.DescribeUsagePlan({ UsagePlanId: p!.UsagePlanId! })).Result?.BindSecretIds).toEqual(keys);
    const listed = await v1.DescribeApiKeysStatus({ Filters: [{ Name: "AccessKeyId", Values: keys }, { Name: "Status", Values: ["1"] }] });
    expect(listed.Result?.TotalCount).toBe(2);
  });
});

describe("gateway policies (loadPolicies, resolveCaller)", () => {
  it("gives, per environment, the plans of the service and its APIs with keys, limits and strategies", async () => {
    const serviceId = await createService(c);
    const [a1, a2] = [await createApi(c, serviceId), await createApi(c, serviceId)];
    const [svcPlan, apiPlan] = [await createPlan(c, "svc_plan", { MaxRequestNumPreSec: 20, MaxRequestNum: 1000 }), await createPlan(c, "api_plan")];
    const { Result: k1 } = await c.CreateApiKey({ SecretName: "k1" });
    const { Result: k2 } = await c.CreateApiKey({ SecretName: "k2" });
    await c.BindSecretIds({ UsagePlanId: svcPlan, AccessKeyIds: [k1!.AccessKeyId!] });
    await c.BindSecretIds({ UsagePlanId: apiPlan, AccessKeyIds: [k2!.AccessKeyId!] });
    await c.BindEnvironment({ UsagePlanIds: [svcPlan], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    await c.BindEnvironment({ UsagePlanIds: [apiPlan], BindType: "API", Environment: "test", ServiceId: serviceId, ApiIds: [a1] });
    await c.DisableApiKey({ AccessKeyId: k2!.AccessKeyId! });
    await c.ModifyServiceEnvironmentStrategy({ ServiceId: serviceId, Strategy: 300, EnvironmentNames: ["release"] });
    await c.ModifyApiEnvironmentStrategy({ ServiceId: serviceId, Strategy: 50, EnvironmentName: "release", ApiIds: [a2] });

    const policies = await loadPolicies(s.apigw.store.db, scope(), serviceId, 5000);
    expect(Object.keys(policies.environments)).toEqual(["test", "prepub", "release"]);
    const rel = policies.environments.release!;
    expect(rel.servicePlans).toEqual([
      {
        usagePlanId: svcPlan,
        usagePlanName: "svc_plan",
        maxRequestNum: 1000,
        maxRequestNumPreSec: 20,
        keys: [{ accessKeyId: k1!.AccessKeyId, accessKeySecret: k1!.AccessKeySecret, enabled: true }],
      },
    ]);
    expect(rel.apiPlans).toEqual({});
    expect([rel.serviceQps, rel.apiQps]).toEqual([300, { [a2]: 50 }]);
    expect([effectiveApiQps(rel, a1), effectiveApiQps(rel, a2)]).toEqual([300, 50]);
    expect(resolveCaller(rel, a1, k1!.AccessKeyId!)?.plan.usagePlanId).toBe(svcPlan);
    expect(resolveCaller(rel, a1, k2!.AccessKeyId!)).toBeUndefined();

    const test = policies.environments.test!;
    expect(test.servicePlans).toEqual([]);
    expect(test.serviceQps).toBe(5000);
    expect(test.apiPlans[a1]?.[0]).toMatchObject({ usagePlanId: apiPlan, maxRequestNum: null, maxRequestNumPreSec: null });
    expect(resolveCaller(test, a1, k2!.AccessKeyId!)?.key.enabled).toBe(false);
    expect(resolveCaller(test, a2, k2!.AccessKeyId!)).toBeUndefined();
  });
});
