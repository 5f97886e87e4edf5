/** The documented per-account, per-action limits (20/s; DescribeApi 100/s), on a frozen clock. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WindowCounter } from "../src/limits/window.js";
import { sdkError, startTestServer, type TestServer } from "./helpers.js";

describe("WindowCounter", () => {
  it("allows `limit` hits per window and starts over in the next window", () => {
    let now = 10_000;
    const w = new WindowCounter(1000, () => now);
    for (let i = 0; i < 3; i++) expect(w.take("k", 3)).toBe(true);
    expect(w.take("k", 3)).toBe(false);
    expect(w.take("other", 3)).toBe(true);
    now = 10_999;
    expect(w.take("k", 3)).toBe(false);
    now = 11_000;
    expect(w.remaining("k", 3)).toBe(3);
    expect(w.take("k", 3)).toBe(true);
  });
});

describe("per-action rate limit", () => {
  let s: TestServer;
  let now = Date.now();
  beforeAll(async () => {
    s = await startTestServer({ actionRateLimit: true }, { APIGW_CREDENTIALS: "1300000003:AKIDrateOther000000000000000000:rateOtherKey" }, { clock: () => now });
  });
  afterAll(() => s.close());

  it("answers RequestLimitExceeded past 20 calls a second, per action and per account", async () => {
    now = Math.floor(Date.now() / 1000) * 1000;
    const c = s.client();
    for (let i = 0; i < 20; i++) await c.DescribeServicesStatus({});
    const e = await sdkError(() => c.DescribeServicesStatus({}));
    expect(e.code).toBe("RequestLimitExceeded");
    // Another action and another account have their own budgets.
    await c.CreateService({ ServiceName: "other_action", Protocol: "http" });
    await s.client({ secretId: "AKIDrateOther000000000000000000", secretKey: "rateOtherKey" }).DescribeServicesStatus({});
    now += 1000;
    await c.DescribeServicesStatus({});
  });
});
