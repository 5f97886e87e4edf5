/**
 * The serving view: every published service, compiled and indexed by host (its default
 * domains, and the custom domains bound to it: domains.ts), with its usage
 * plans, keys and throttling (policy.ts) and the applications, IP strategies and plugins
 * bound to its APIs (api-policies.ts). Loaded whole at start; on a change event only the
 * named service (or every service of the account-region, when none is named; of every region
 * for an application's region "*") is read again
 * and swapped in, and the account-region's key list is refreshed. Requests only read the maps.
 *
 * A reload holds SQLite's one connection (kysely's `connection()`) from its first read to the
 * swap, so it reads one consistent state and reloads apply in the order they read. The
 * connection is taken as the event fires when it is free (kysely locks it synchronously), so
 * no transaction can slip in between; while a transaction holds it, the reload waits for the
 * commit (an event fired early never shows an action half-done). better-sqlite3 does no I/O,
 * so a reload caused by an action is in place before the action's answer reaches the caller.
 * Everything is read first and swapped in synchronously at the end: a request sees the old
 * view or the new one, never a mix.
 */
import type { ChangeEvent, Events } from "../events.js";
import { MeterRegistry } from "../limits/meters.js";
import { log } from "../log.js";
import { APP_REGION } from "../resources/apiApps.js";
import { apiKeys } from "../resources/apiKeys.js";
import { loadApiPolicies, type ServiceApiPolicies } from "../resources/bindings.js";
import type { ReleaseRecord } from "../resources/releases.js";
import type { ServiceRecord } from "../resources/services.js";
import { loadPolicies, type ServicePolicies } from "../resources/usagePlans.js";
import type { Db, Store } from "../store/db.js";
import type { Scope } from "../store/resources.js";
import { compileService, type PublishedService } from "./compile.js";
import { DomainIndex, loadDomainRows, type DomainRoute, type DomainRow } from "./domains.js";
import type { CompiledService, GatewayKey } from "./model.js";
import { applyApiPolicies } from "./api-policies.js";
import { applyPolicies, planKeyMeterName } from "./policy.js";
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

const scopeKey = (s: Scope) => `${s.appId}\u0000${s.region}`;

export interface ViewOptions {
  /** A service environment's QPS when no throttling strategy sets one (config.limits.serviceQps). */
  defaultServiceQps: number;
}

/** A service read from the store, with the policies to compile into it. */
interface LoadedService extends PublishedService {
  policies: ServicePolicies;
  /** Applications, IP strategies and plugins bound to its APIs (api-policies.ts). */
  apiPolicies: ServiceApiPolicies;
}

/** What one reload read: services by serviceKey, API keys by scopeKey. */
interface Loaded {
  services: Map<string, LoadedService>;
  keyLists: Map<string, Map<string, GatewayKey>>;
  /** The custom domains (sub_domains rows) in the reload's scope. */
  domains: DomainRow[];
}

export class ServingView {
  private readonly byHost = new Map<string, CompiledService>();
  private readonly byService = new Map<string, CompiledService>();
  /** Each account-region's API keys, one map per account-region that its services share. */
  private readonly keyLists = new Map<string, Map<string, GatewayKey>>();
  /** Reloads under way (for settled()). */
  private readonly pending = new Set<Promise<void>>();
  /** QPS windows and quota counts: they outlive every recompile. */
  readonly meters = new MeterRegistry();
  /** Custom domains (domains.ts), reloaded with their service. */
  private readonly domains = new DomainIndex((appId, region, serviceId) => this.byService.get(serviceKey(appId, region, serviceId)));

  constructor(
    private readonly store: Store,
    private readonly pools: UpstreamPools,
    private readonly options: ViewOptions,
  ) {}

  /** The service answering for a lower-case host name without port. */
  lookupHost(host: string): CompiledService | undefined {
    return this.byHost.get(host);
  }

  /** The custom domain answering for a lower-case host name, with its service. */
  lookupDomain(host: string): DomainRoute | undefined {
    return this.domains.lookup(host);
  }

  get serviceCount(): number {
    return this.byService.size;
  }

  /** Loads every service of every account. */
  loadAll(): Promise<void> {
    return this.reload({});
  }

  /** Keeps the view current: each change event reloads what it names. */
  follow(events: Events): () => void {
    return events.onChanged((e) => {
      this.reload(e).catch((err) => log.error("gateway: reload failed", { ...e, error: String(err) }));
    });
  }

  /** Resolves once every reload asked for so far has been applied (or has failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private reload(scope: Partial<ChangeEvent>): Promise<void> {
    // Applications are the account's, in every region (apiApps.ts): their region "*" means any.
    if (scope.region === APP_REGION) scope = { appId: scope.appId };
    const done = this.store.db.connection().execute(async (db) => this.apply(scope, await this.load(db, scope)));
    this.pending.add(done);
    const forget = () => this.pending.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** Requests of `accessKeyId` counted against usage plan `usagePlanId`'s quota (InUseRequestNum); kept across restarts by quotaUsage.ts. */
  quotaUsed(scope: Scope, usagePlanId: string, accessKeyId: string): number {
    return this.meters.totalUsed(planKeyMeterName(scope, usagePlanId, accessKeyId));
  }

  /** Reads what is published in `scope`, the policies of each service and the keys of each account-region. */
  private async load(db: Db, scope: Partial<ChangeEvent>): Promise<Loaded> {
    const services = new Map<string, LoadedService>();
    for (const [key, p] of this.published(await this.query(db, scope).execute())) {
      const serviceId = p.service.ServiceId;
      const served = p.environments.length > 0;
      const policies = served ? await loadPolicies(db, p, serviceId, this.options.defaultServiceQps) : { serviceId, environments: {} };
      const apiPolicies = served ? await loadApiPolicies(db, p, serviceId) : { serviceId, environments: {} };
      services.set(key, { ...p, policies, apiPolicies });
    }
    const keyLists = new Map<string, Map<string, GatewayKey>>();
    for (const s of services.values()) {
      if (keyLists.has(scopeKey(s))) continue;
      const keys = await apiKeys.list(db, s);
      keyLists.set(scopeKey(s), new Map(keys.map((k) => [k.AccessKeyId, { secret: k.AccessKeySecret, enabled: k.Status === 1 }])));
    }
    return { services, keyLists, domains: await loadDomainRows(db, scope) };
  }

  /** Services with their online environments and the releases those serve, in `scope`. */
  private query(db: Db, scope: Partial<ChangeEvent>) {
    let q = db
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

  /** Groups the rows by service: each service with its online environments and their releases. */
  private published(rows: PublishedRow[]): Map<string, PublishedService> {
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
    return published;
  }

  /** Replaces every service in `scope` with what is published now, and refreshes the key lists read. Synchronous. */
  private apply(scope: Partial<ChangeEvent>, loaded: Loaded): void {
    const published = loaded.services;
    for (const [key, fresh] of loaded.keyLists) {
      // In place: services outside this reload share the map and see the change too.
      const keys = this.keyLists.get(key);
      if (!keys) this.keyLists.set(key, fresh);
      else {
        keys.clear();
        for (const [id, k] of fresh) keys.set(id, k);
      }
    }
    for (const [key, old] of this.byService) {
      if (inScope(old, scope) && !published.has(key)) this.remove(key, old);
    }
    for (const [key, p] of published) {
      const compiled = compileService(p, this.pools);
      compiled.keys = this.keyLists.get(scopeKey(p))!;
      applyPolicies(compiled, p.policies, this.meters);
      applyApiPolicies(compiled, p.apiPolicies, { meters: this.meters, pools: this.pools });
      const old = this.byService.get(key);
      if (old) this.remove(key, old);
      this.byService.set(key, compiled);
      for (const host of compiled.hosts) this.byHost.set(host, compiled);
    }
    this.domains.apply(scope, loaded.domains);
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
