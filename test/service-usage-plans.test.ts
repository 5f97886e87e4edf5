/** DescribeService and DescribeServicesStatus report the usage plans bound to a service. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let s: TestServer;
beforeAll(async () => (s = await startTestServer()));
afterAll(() => s.close());

describe("services and usage plans", () => {
  it("lists bound plans in DescribeService and filters services with NotUsagePlanId", async () => {
    const c = s.client();
    const bound = await c.CreateService({ ServiceName: "with_plan", Protocol: "http" });
    const free = await c.CreateService({ ServiceName: "without_plan", Protocol: "http" });
    const plan = await c.CreateUsagePlan({ UsagePlanName: "gold", MaxRequestNum: 1000, MaxRequestNumPreSec: 10 });
    const planId = plan.Result!.UsagePlanId!;
    await c.BindEnvironment({ UsagePlanIds: [planId], BindType: "SERVICE", Environment: "release", ServiceId: bound.ServiceId! });

    const detail = await c.DescribeService({ ServiceId: bound.ServiceId! });
    expect(detail.UsagePlanTotalCount).toBe(1);
    expect(detail.UsagePlanList).toEqual([
      expect.objectContaining({ UsagePlanId: planId, UsagePlanName: "gold", Environment: "release", MaxRequestNumPreSec: 10 }),
    ]);
    expect((await c.DescribeService({ ServiceId: free.ServiceId! })).UsagePlanList).toEqual([]);

    const notBound = await c.DescribeServicesStatus({ Limit: 100, Filters: [{ Name: "NotUsagePlanId", Values: [planId] }] });
    const ids = notBound.Result!.ServiceSet.map((x) => x.ServiceId);
    expect(ids).toContain(free.ServiceId);
    expect(ids).not.toContain(bound.ServiceId);
  });
});
