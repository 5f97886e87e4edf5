/**
 * The counters behind the gateway's limit layers (DATAPLANE §6.1): a fixed one-second window
 * for every QPS limit (service, API, usage plan per key), a running total for usage-plan
 * quotas, and fixed windows of any length, one per caller when counted per application, client
 * IP or parameter value (KeyedWindows), for the traffic-control plugins. Each answers `used(now)` and counts with `add()`, so `admit` can look at every
 * layer before counting in any: a refused request counts nowhere, and an admitted one counts
 * in all. The time is passed in (from an injected clock), never read here.
 *
 * Everything is synchronous: in one process a check and its increment can never be split by
 * another request, so counts are exact under any concurrency.
 */

export interface Meter {
  /** Hits counted in the period that contains `now`. */
  used(now: number): number;
  /** Counts one hit in the period last looked at with used(). */
  add(): void;
}

/** Hits per fixed window of `windowMs` (1 s: QPS), windows aligned on multiples of `windowMs`. */
export class FixedWindow implements Meter {
  private start = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(readonly windowMs = 1000) {}

  used(now: number): number {
    const start = now - (now % this.windowMs);
    if (start !== this.start) {
      this.start = start;
      this.count = 0;
    }
    return this.count;
  }

  add(): void {
    this.count++;
  }

  /** Whether the window last looked at is over by `now` (its count no longer matters). */
  expired(now: number): boolean {
    return now - this.start >= this.windowMs;
  }
}

/** Below this many windows a KeyedWindows never sweeps. */
const KEYED_SWEEP_FLOOR = 10_000;

/**
 * One FixedWindow per distinct key (a client IP, an application, a parameter value), for
 * limits counted per caller. Windows whose period is over are swept when the map has doubled
 * since the last sweep, so memory follows the keys active in one window and a sweep costs
 * O(1) per insertion on average.
 */
export class KeyedWindows {
  private readonly windows = new Map<string, FixedWindow>();
  private sweepAt = KEYED_SWEEP_FLOOR;

  constructor(readonly windowMs: number) {}

  /** The window of `key`, created on first use. */
  get(key: string, now: number): FixedWindow {
    let w = this.windows.get(key);
    if (!w) {
      if (this.windows.size >= this.sweepAt) this.sweep(now);
      this.windows.set(key, (w = new FixedWindow(this.windowMs)));
    }
    return w;
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.expired(now)) this.windows.delete(key);
    this.sweepAt = Math.max(KEYED_SWEEP_FLOOR, 2 * this.windows.size);
  }
}

/** Hits since the counter was created (or since the count it was seeded with): a quota that never refills. */
export class RunningTotal implements Meter {
  private count = 0;
  /** The count last handed out by takeUnsaved() or seeded: the stored figure. */
  private saved = 0;

  used(): number {
    return this.count;
  }

  add(): void {
    this.count++;
  }

  /** @internal MeterRegistry */
  seed(count: number): void {
    this.count = this.saved = count;
  }

  /** @internal MeterRegistry */
  get unsaved(): boolean {
    return this.count !== this.saved;
  }

  /** @internal MeterRegistry: the count when it changed since the last call, else undefined. */
  takeUnsaved(): number | undefined {
    if (this.count === this.saved) return undefined;
    return (this.saved = this.count);
  }

  /** @internal MeterRegistry: the last taken count was not stored after all. */
  unsave(): void {
    this.saved = -1;
  }
}

/** One limit on a request: at most `limit` hits of `meter` per period. */
export interface LimitLayer {
  meter: Meter;
  limit: number;
}

/**
 * Admits a request through every layer or none (the smallest limit wins, §6.1): returns the
 * first layer that is exhausted, without counting anything, or undefined after counting the
 * request in every layer. `more` are layers built for this request (per caller: traffic-control
 * plugins), checked after `layers`. A layer must not appear twice.
 */
export function admit<L extends LimitLayer>(layers: readonly L[], now: number, more?: readonly L[]): L | undefined {
  for (const layer of layers) if (layer.meter.used(now) >= layer.limit) return layer;
  if (more) for (const layer of more) if (layer.meter.used(now) >= layer.limit) return layer;
  for (const layer of layers) layer.meter.add();
  if (more) for (const layer of more) layer.meter.add();
  return undefined;
}

/**
 * Meters by a stable name (service environment, API environment, plan and key), so that
 * recompiling a service's configuration keeps the counts it had: the compiled objects come
 * and go, the meters stay for as long as the process lives.
 */
export class MeterRegistry {
  private readonly windows = new Map<string, FixedWindow>();
  private readonly totals = new Map<string, RunningTotal>();

  private readonly keyed = new Map<string, KeyedWindows>();

  /** The window called `name`; one of another length is another window (a changed window starts afresh). */
  window(name: string, windowMs = 1000): FixedWindow {
    const key = windowMs === 1000 ? name : `${name}\u0000${windowMs}`;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new FixedWindow(windowMs)));
    return w;
  }

  /** The per-key windows called `name` (same rule for a changed length). */
  keyedWindows(name: string, windowMs: number): KeyedWindows {
    const key = `${name}\u0000${windowMs}`;
    let k = this.keyed.get(key);
    if (!k) this.keyed.set(key, (k = new KeyedWindows(windowMs)));
    return k;
  }

  total(name: string): RunningTotal {
    let t = this.totals.get(name);
    if (!t) this.totals.set(name, (t = new RunningTotal()));
    return t;
  }

  /** Starts (or resets) the total called `name` at `count`: what a previous process had counted (quotaUsage.ts). */
  seedTotal(name: string, count: number): void {
    this.total(name).seed(count);
  }

  /** Whether a total changed since the last takeUnsavedTotals(). */
  hasUnsavedTotals(): boolean {
    for (const total of this.totals.values()) if (total.unsaved) return true;
    return false;
  }

  /** The totals whose counts changed since the last call (or since seeded), as [name, count]; they count as saved. */
  takeUnsavedTotals(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const [name, total] of this.totals) {
      const count = total.takeUnsaved();
      if (count !== undefined) out.push([name, count]);
    }
    return out;
  }

  /** Totals handed out by takeUnsavedTotals() that could not be stored: the next call returns them again. */
  unsaveTotals(names: Iterable<string>): void {
    for (const name of names) this.totals.get(name)?.unsave();
  }

  /** The count of a total, 0 when nothing was counted under that name yet (for readers such as InUseRequestNum). */
  totalUsed(name: string): number {
    return this.totals.get(name)?.used() ?? 0;
  }
}
