/** The limit meters and the all-or-nothing admission of src/limits/meters.ts, on explicit times. */
import { describe, expect, it } from "vitest";
import { admit, FixedWindow, MeterRegistry, RunningTotal, type LimitLayer } from "../src/limits/meters.js";

/** Admits `n` requests at `now`, synchronously, and counts the ones let through. */
function burst(layers: LimitLayer[], n: number, now: number): number {
  let passed = 0;
  for (let i = 0; i < n; i++) if (!admit(layers, now)) passed++;
  return passed;
}

describe("FixedWindow", () => {
  it("counts within a window aligned on the second and starts over at its edge", () => {
    const w = new FixedWindow(1000);
    expect(w.used(10_000)).toBe(0);
    w.add();
    w.add();
    expect(w.used(10_000)).toBe(2);
    expect(w.used(10_999)).toBe(2);
    expect(w.used(11_000)).toBe(0);
    w.add();
    expect(w.used(11_999)).toBe(1);
    expect(w.used(12_000)).toBe(0);
  });

  it("starts over when the clock steps back into an earlier window", () => {
    const w = new FixedWindow(1000);
    w.used(20_500);
    w.add();
    expect(w.used(19_999)).toBe(0);
  });

  it("supports other window sizes", () => {
    const w = new FixedWindow(60_000);
    w.used(60_000);
    w.add();
    expect(w.used(119_999)).toBe(1);
    expect(w.used(120_000)).toBe(0);
  });
});

describe("admit", () => {
  it("lets exactly `limit` requests through a window, however many are tried", () => {
    const qps = { meter: new FixedWindow(), limit: 2000 };
    expect(burst([qps], 100_000, 5_000)).toBe(2000);
    expect(burst([qps], 100_000, 5_999)).toBe(0);
    expect(burst([qps], 100_000, 6_000)).toBe(2000);
  });

  it("returns the first exhausted layer and counts nothing when refused (the smallest limit wins)", () => {
    const service = { meter: new FixedWindow(), limit: 5, name: "service" };
    const api = { meter: new FixedWindow(), limit: 3, name: "api" };
    for (let i = 0; i < 3; i++) expect(admit([service, api], 1_000)).toBeUndefined();
    expect(admit([service, api], 1_000)?.name).toBe("api");
    expect(admit([service, api], 1_000)?.name).toBe("api");
    // The refused requests did not use up the service's budget: two more fit through it alone.
    expect(service.meter.used(1_000)).toBe(3);
    expect(burst([service], 10, 1_000)).toBe(2);
    expect(admit([service, api], 1_000)?.name).toBe("service");
  });

  it("a limit of 0 refuses everything; an infinite one only counts", () => {
    const closed = { meter: new FixedWindow(), limit: 0 };
    expect(burst([closed], 10, 0)).toBe(0);
    const counting = { meter: new RunningTotal(), limit: Number.POSITIVE_INFINITY };
    expect(burst([counting], 1234, 0)).toBe(1234);
    expect(counting.meter.used()).toBe(1234);
  });

  it("a quota never refills: later windows find it spent", () => {
    const quota = { meter: new RunningTotal(), limit: 5 };
    const qps = { meter: new FixedWindow(), limit: 2 };
    const layers = [qps, quota];
    expect(burst(layers, 10, 0)).toBe(2);
    expect(burst(layers, 10, 1_000)).toBe(2);
    expect(burst(layers, 10, 2_000)).toBe(1);
    expect(burst(layers, 10, 3_000)).toBe(0);
    expect(burst(layers, 10, 86_400_000)).toBe(0);
    expect(quota.meter.used()).toBe(5);
  });

  it("layers sharing a meter with other layer lists (a service's window under several APIs) count once per request", () => {
    const service = { meter: new FixedWindow(), limit: 4 };
    const apiA = [service, { meter: new FixedWindow(), limit: 3 }];
    const apiB = [service];
    expect(burst(apiA, 10, 0)).toBe(3);
    expect(burst(apiB, 10, 0)).toBe(1);
    expect(burst(apiA, 10, 0)).toBe(0);
  });
});

describe("MeterRegistry", () => {
  it("hands out the same meter for the same name, so counts survive a recompile", () => {
    const meters = new MeterRegistry();
    const first = meters.window("svc/release");
    first.used(0);
    first.add();
    expect(meters.window("svc/release")).toBe(first);
    expect(meters.window("svc/release").used(0)).toBe(1);
    expect(meters.window("svc/test")).not.toBe(first);
    meters.total("plan/key").add();
    expect(meters.total("plan/key")).toBe(meters.total("plan/key"));
    expect(meters.totalUsed("plan/key")).toBe(1);
    expect(meters.totalUsed("never/counted")).toBe(0);
  });
});

describe("MeterRegistry totals, saved and seeded (quota usage kept across restarts)", () => {
  it("hands out each changed total once, with its absolute count; seeded counts are not changes", () => {
    const meters = new MeterRegistry();
    meters.seedTotal("a", 7);
    expect(meters.hasUnsavedTotals()).toBe(false);
    expect(meters.takeUnsavedTotals()).toEqual([]);
    meters.total("a").add();
    meters.total("b").add();
    meters.total("b").add();
    expect(meters.hasUnsavedTotals()).toBe(true);
    expect(meters.takeUnsavedTotals()).toEqual([
      ["a", 8],
      ["b", 2],
    ]);
    expect(meters.hasUnsavedTotals()).toBe(false);
    expect(meters.takeUnsavedTotals()).toEqual([]);
    // A write that failed: handed out again, with whatever was counted since.
    meters.unsaveTotals(["b"]);
    meters.total("b").add();
    expect(meters.takeUnsavedTotals()).toEqual([["b", 3]]);
    expect(meters.totalUsed("a")).toBe(8);
  });
});
