/**
 * Quota usage kept across restarts: how many requests each key has made against each usage
 * plan's quota (MaxRequestNum, a total that never refills) lives in the gateway's meters
 * (src/limits/meters.ts) and is copied to the `quota_usage` table, so a quota that has run
 * out stays out after a restart, and InUseRequestNum goes on from where it was.
 *
 * The gateway counts in memory (exact, no I/O per request); the counts that changed are written
 * once a second and at close, each as its absolute figure (an upsert), in one short
 * transaction. A crash loses at most the last second of counting. The write waits while a
 * control action's transaction holds the connection (it must not become part of it), and takes
 * its turn with the access-log writer (`turn`, accessLogs.ts exclusive()). Rows of usage plans
 * that no longer exist are dropped at start.
 */
import type { Statement } from "better-sqlite3";
import type { MeterRegistry } from "../limits/meters.js";
import { log } from "../log.js";
import { parsePlanKeyMeterName, planKeyMeterName } from "../gateway/policy.js";
import type { QuotaUsageRow, Store } from "../store/db.js";

/** How often changed counts are written. */
const FLUSH_EVERY_MS = 1000;

export interface QuotaUsageOptions {
  /** Runs a write while no other connection writes (the access-log worker's turn-taking). */
  turn?: (write: () => void) => Promise<void>;
  now?: () => number;
}

export class QuotaUsageStore {
  private timer: NodeJS.Timeout | undefined;
  private upsert: Statement | undefined;
  private readonly turn: (write: () => void) => Promise<void>;
  private readonly now: () => number;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly meters: MeterRegistry,
    options: QuotaUsageOptions = {},
  ) {
    this.turn = options.turn ?? (async (write) => write());
    this.now = options.now ?? Date.now;
  }

  /** Seeds the meters with the stored counts (before the gateway serves), dropping rows of deleted usage plans. */
  load(): void {
    const sqlite = this.store.sqlite;
    sqlite
      .prepare(
        "DELETE FROM quota_usage WHERE NOT EXISTS (SELECT 1 FROM usage_plans p WHERE p.id = quota_usage.usage_plan_id AND p.app_id = quota_usage.app_id AND p.region = quota_usage.region)",
      )
      .run();
    const rows = sqlite.prepare("SELECT app_id, region, usage_plan_id, access_key_id, used FROM quota_usage").all() as QuotaUsageRow[];
    for (const r of rows) this.meters.seedTotal(planKeyMeterName({ appId: r.app_id, region: r.region }, r.usage_plan_id, r.access_key_id), r.used);
  }

  /** Writes changed counts every second until close(). */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Writes the counts that changed since the last write (one at a time; a call during a write waits for it, then writes). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    // Nothing counted since the last write: no turn taken (the access-log writer goes on undisturbed).
    if (!this.meters.hasUnsavedTotals()) return;
    this.flushing = this.turn(() => this.writeNow()).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (let attempt = 0; attempt < 100 && this.store.sqlite.inTransaction; attempt++) await new Promise((r) => setTimeout(r, 10));
    await this.flush();
  }

  private writeNow(): void {
    const sqlite = this.store.sqlite;
    // A control action's transaction is open across an await: write on the next round instead.
    if (sqlite.inTransaction) return;
    const changed = this.meters.takeUnsavedTotals();
    if (!changed.length) return;
    try {
      this.upsert ??= sqlite.prepare(
        "INSERT INTO quota_usage (app_id, region, usage_plan_id, access_key_id, used, updated_at) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT (app_id, region, usage_plan_id, access_key_id) DO UPDATE SET used = excluded.used, updated_at = excluded.updated_at",
      );
      const upsert = this.upsert;
      const at = this.now();
      sqlite.transaction(() => {
        for (const [name, used] of changed) {
          const key = parsePlanKeyMeterName(name);
          if (key) upsert.run(key.appId, key.region, key.usagePlanId, key.accessKeyId, used, at);
        }
      })();
    } catch (err) {
      this.meters.unsaveTotals(changed.map(([name]) => name));
      log.error("quota usage: writing the counts failed; will try again", { totals: changed.length, error: String(err) });
    }
  }
}
