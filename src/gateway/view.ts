/**
 * The serving view: every published service, compiled and indexed by host. Loaded whole at
 * start; on a change event only the named service (or the account-region, when none is
 * named) is read again and swapped in. Requests only read the maps.
 *
 * Reads go through kysely's query builder. While no transaction is open on the SQLite
 * connection (the usual case, since change events fire after commit) the compiled query runs
 * synchronously, so by the time the control action answers, the gateway already serves the
 * change. Otherwise it is queued behind the open transaction (which must not be seen
 * half-done) and applied when that completes.
 */
import type { ChangeEvent, Events } from "../events.js";
import { log } from "../log.js";
import type { ReleaseRecord } from "../resources/releases.js";
import type { ServiceRecord } from "../resources/services.js";
import type { Store } from "../store/db.js";
import { compileService, type PublishedService } from "./compile.js";
import type { CompiledService } from "./model.js";
import type { UpstreamPools } from "./upstream.js";

interface PublishedRow {
  app_id: string;
  region: string;
  service_data: string;
  environment: string | null;
  release_data: string | null;
}

function serviceKey(appId: string, region: string, serviceId: string): string {
  return `${appId}\u0000${region}\u0000${serviceId}`;
}

export class ServingView {
  private readonly byHost = new Map<string, CompiledService>();
  private readonly byService = new Map<string, CompiledService>();
  /** Reloads that had to wait for an open transaction, in order. */
  private queued: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly pools: UpstreamPools,
  ) {}

  /** The service answering for a lower-case host name without port. */
  lookupHost(host: string): CompiledService | undefined {
    return this.byHost.get(host);
  }

  get serviceCount(): number {
    return this.byService.size;
  }

  /** Loads every service of every account. */
  loadAll(): void | Promise<void> {
    return this.reload({});
  }

  /** Keeps the view current: each change event reloads what it names. */
  follow(events: Events): () => void {
    return events.onChanged((e) => {
      try {
        const pending = this.reload(e);
        if (pending) pending.catch((err) => log.error("gateway: reload failed", { ...e, error: String(err) }));
      } catch (err) {
        log.error("gateway: reload failed", { ...e, error: String(err) });
      }
    });
  }

  /** Resolves once reloads that were queued behind a transaction have been applied. */
  settled(): Promise<void> {
    return this.queued;
  }

  private reload(scope: Partial<ChangeEvent>): void | Promise<void> {
    if (!this.store.sqlite.inTransaction) {
      this.apply(scope, this.runSync(scope));
      return;
    }
    this.queued = this.queued.then(async () => this.apply(scope, await this.query(scope).execute()));
    return this.queued;
  }

  /** Services with their online environments and the releases those serve, in `scope`. */
  private query(scope: Partial<ChangeEvent>) {
    let q = this.store.db
      .selectFrom("services as s")
      .leftJoin("environments as e", (join) =>
        join.onRef("e.service_id", "=", "s.id").onRef("e.app_id", "=", "s.app_id").onRef("e.region", "=", "s.region").on("e.status", "=", "online"),
      )
      .leftJoin("releases as r", (join) =>
        join.onRef("r.id", "=", "e.version_name").onRef("r.parent_id", "=", "s.id").onRef("r.app_id", "=", "s.app_id"),
      )
      .select(["s.app_id", "s.region", "s.data as service_data", "e.environment", "r.data as release_data"]);
    if (scope.appId !== undefined) q = q.where("s.app_id", "=", scope.appId);
    if (scope.region !== undefined) q = q.where("s.region", "=", scope.region);
    if (scope.serviceId !== undefined) q = q.where("s.id", "=", scope.serviceId);
    return q;
  }

  private runSync(scope: Partial<ChangeEvent>): PublishedRow[] {
    const compiled = this.query(scope).compile();
    return this.store.sqlite.prepare(compiled.sql).all(...(compiled.parameters as unknown[])) as PublishedRow[];
  }

  /** Replaces every service in `scope` with what `rows` say is published now. */
  private apply(scope: Partial<ChangeEvent>, rows: PublishedRow[]): void {
    const published = new Map<string, PublishedService>();
    for (const row of rows) {
      const service = JSON.parse(row.service_data) as ServiceRecord;
      const key = serviceKey(row.app_id, row.region, service.ServiceId);
      let entry = published.get(key);
      if (!entry) published.set(key, (entry = { appId: row.app_id, region: row.region, service, environments: [] }));
      if (row.environment === null) continue;
      if (row.release_data === null) {
        log.warn("gateway: an online environment points at a missing release", { serviceId: service.ServiceId, environment: row.environment });
        continue;
      }
      entry.environments.push({ name: row.environment, release: JSON.parse(row.release_data) as ReleaseRecord });
    }

    for (const [key, old] of this.byService) {
      if (inScope(old, scope) && !published.has(key)) this.remove(key, old);
    }
    for (const [key, p] of published) {
      const compiled = compileService(p, this.pools);
      const old = this.byService.get(key);
      if (old) this.remove(key, old);
      this.byService.set(key, compiled);
      for (const host of compiled.hosts) this.byHost.set(host, compiled);
    }
    log.debug("gateway: view reloaded", { ...scope, services: published.size });
  }

  private remove(key: string, service: CompiledService): void {
    this.byService.delete(key);
    for (const host of service.hosts) if (this.byHost.get(host) === service) this.byHost.delete(host);
  }
}

function inScope(s: CompiledService, scope: Partial<ChangeEvent>): boolean {
  return (
    (scope.appId === undefined || s.appId === scope.appId) &&
    (scope.region === undefined || s.region === scope.region) &&
    (scope.serviceId === undefined || s.serviceId === scope.serviceId)
  );
}
