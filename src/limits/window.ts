/**
 * Fixed-window request counters: at most `limit` hits per key in each window of `windowMs`.
 * The clock is injected so tests can step it; counters are exact within one process.
 */
export type Clock = () => number;

interface Window {
  start: number;
  count: number;
}

export class WindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock = Date.now,
  ) {}

  /** Counts a hit for `key` and says whether it is within the limit. A refused hit is not counted. */
  take(key: string, limit: number): boolean {
    const now = this.clock();
    const start = now - (now % this.windowMs);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.sweep(start);
    }
    if (w.count >= limit) return false;
    w.count++;
    return true;
  }

  /** Hits left in the current window for `key`. */
  remaining(key: string, limit: number): number {
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || w.start !== now - (now % this.windowMs)) return limit;
    return Math.max(0, limit - w.count);
  }

  private sweep(currentStart: number): void {
    for (const [k, w] of this.windows) if (w.start !== currentStart) this.windows.delete(k);
  }
}
