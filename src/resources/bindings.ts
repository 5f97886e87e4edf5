/**
 * Relations "something is bound to an API in an environment", kept in the generic `bindings`
 * table, and the one place that binds and unbinds them for every kind (applications, IP
 * strategies, plugins; usable by any other "X-api" kind).
 *
 * | kind               | subject_id   | target_id | environment | data              | written by                  |
 * |--------------------|--------------|-----------|-------------|-------------------|-----------------------------|
 * | "app-api"          | ApiAppId     | ApiId     | env         | {"ServiceId": id} | BindApiApp / UnbindApiApp   |
 * | "ipStrategy-api"   | StrategyId   | ApiId     | env         | {"ServiceId": id} | BindIPStrategy / UnBind…    |
 * | "plugin-api"       | PluginId     | ApiId     | env         | {"ServiceId": id} | AttachPlugin / DetachPlugin |
 *
 * A row's app_id and region are those of the API's owner (the service's account and region):
 * the gateway finds everything that applies to a service within that scope. The subject may
 * belong to another account (an application authorized to a partner's API, F1 "partner
 * authorization"), which is why some queries here take `ANY_SCOPE`.
 *
 * The ServiceId is kept in `data` because a binding outlives the API's draft while a published
 * release still serves the API (see DeleteApi); DeleteService removes them all (cascade.ts).
 */
import type { ActionContext } from "../control/action.js";
import type { Config } from "../config.js";
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";
import { isoTime } from "../time.js";
import { findAnyApp } from "./apiApps.js";
import { apis, type ApiRecord } from "./apis.js";
import { ENVIRONMENTS } from "./environments.js";
import { ipMatcher, ipStrategies, parseIpList, type IpEntry } from "./ipStrategies.js";
import { readPluginData, type ParsedPluginData } from "./pluginData.js";
import { plugins } from "./plugins.js";
import { services, type ServiceRecord } from "./services.js";

export const APP_API = "app-api";
export const IP_STRATEGY_API = "ipStrategy-api";
export const PLUGIN_API = "plugin-api";

export interface ApiBinding {
  kind: string;
  subjectId: string;
  apiId: string;
  serviceId: string;
  environment: string;
  /** When it was bound (ISO time, whole seconds). */
  createdAt: string;
  /** The scope of the API's owner. */
  scope: Scope;
}

/** Marks a query that looks across every account and region (by subject or target id). */
export const ANY_SCOPE = "any" as const;

export interface BindingQuery {
  kinds: string[];
  subjectIds?: string[];
  apiIds?: string[];
  serviceId?: string;
  environment?: string;
}

/** Bindings matching the query, oldest first. */
export async function listApiBindings(db: Db, scope: Scope | typeof ANY_SCOPE, q: BindingQuery): Promise<ApiBinding[]> {
  if (q.kinds.length === 0 || q.subjectIds?.length === 0 || q.apiIds?.length === 0) return [];
  let query = db.selectFrom("bindings").select(["app_id", "region", "kind", "subject_id", "target_id", "environment", "data", "created_at"]).where("kind", "in", q.kinds);
  if (scope !== ANY_SCOPE) query = query.where("app_id", "=", scope.appId).where("region", "=", scope.region);
  if (q.subjectIds) query = query.where("subject_id", "in", q.subjectIds);
  if (q.apiIds) query = query.where("target_id", "in", q.apiIds);
  if (q.environment !== undefined) query = query.where("environment", "=", q.environment);
  const rows = await query.orderBy("seq").execute();
  return rows
    .map((r) => ({
      kind: r.kind,
      subjectId: r.subject_id,
      apiId: r.target_id,
      serviceId: (JSON.parse(r.data) as { ServiceId?: string }).ServiceId ?? "",
      environment: r.environment,
      createdAt: r.created_at,
      scope: { appId: r.app_id, region: r.region },
    }))
    .filter((b) => q.serviceId === undefined || b.serviceId === q.serviceId);
}

export interface AttachRequest {
  kind: string;
  subjectId: string;
  serviceId: string;
  environment: string;
  apiIds: string[];
  /** The code answered for an API that is not in the service (default ResourceNotFound.InvalidApi). */
  invalidApiCode?: string;
  /**
   * A kind's own rule: given an API and the other subjects of this kind already bound to it
   * in the environment, the error that forbids the binding, if any.
   */
  conflict?: (api: ApiRecord, bound: ApiBinding[]) => ApiError | Promise<ApiError | undefined> | undefined;
}

/**
 * Binds the subject to each API in the environment. Every API is checked before anything is
 * written; binding again what is already bound is a no-op. Tells the gateway after commit.
 * Returns the service and the APIs.
 */
export async function attachToApis(ctx: ActionContext, req: AttachRequest): Promise<{ service: ServiceRecord; apis: ApiRecord[] }> {
  const service = await services.get(ctx.db, ctx.scope, req.serviceId);
  const targets = await serviceApis(ctx.db, ctx.scope, service.ServiceId, req.apiIds, req.invalidApiCode);
  const all = await listApiBindings(ctx.db, ctx.scope, { kinds: [req.kind], apiIds: targets.map((a) => a.ApiId), environment: req.environment });
  const fresh: ApiRecord[] = [];
  for (const api of targets) {
    const onApi = all.filter((b) => b.apiId === api.ApiId);
    if (onApi.some((b) => b.kind === req.kind && b.subjectId === req.subjectId)) continue;
    const problem = await req.conflict?.(api, onApi);
    if (problem) throw problem;
    fresh.push(api);
  }
  const at = isoTime(ctx.now);
  for (const api of fresh) {
    await ctx.db
      .insertInto("bindings")
      .values({
        app_id: ctx.scope.appId,
        region: ctx.scope.region,
        kind: req.kind,
        subject_id: req.subjectId,
        target_id: api.ApiId,
        environment: req.environment,
        data: JSON.stringify({ ServiceId: service.ServiceId }),
        created_at: at,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (fresh.length) notifyServices(ctx, [{ ...ctx.scope, serviceId: service.ServiceId }]);
  return { service, apis: targets };
}

export interface DetachRequest {
  kind: string;
  subjectId: string;
  serviceId: string;
  environment: string;
  apiIds: string[];
  invalidApiCode?: string;
}

/**
 * Unbinds the subject from each API in the environment. An API that is not bound is left as
 * it is (the outcome the caller asked for already holds), unless it is not an API of the
 * service at all: then nothing is changed and `invalidApiCode` is answered. A binding whose
 * API left the draft (still served by a release) can be removed too.
 */
export async function detachFromApis(ctx: ActionContext, req: DetachRequest): Promise<void> {
  const service = await services.get(ctx.db, ctx.scope, req.serviceId);
  const ids = [...new Set(req.apiIds)];
  const bound = await listApiBindings(ctx.db, ctx.scope, {
    kinds: [req.kind],
    subjectIds: [req.subjectId],
    apiIds: ids,
    serviceId: service.ServiceId,
    environment: req.environment,
  });
  const boundIds = new Set(bound.map((b) => b.apiId));
  await serviceApis(ctx.db, ctx.scope, service.ServiceId, ids.filter((id) => !boundIds.has(id)), req.invalidApiCode);
  if (!bound.length) return;
  await ctx.db
    .deleteFrom("bindings")
    .where("app_id", "=", ctx.scope.appId)
    .where("region", "=", ctx.scope.region)
    .where("kind", "=", req.kind)
    .where("subject_id", "=", req.subjectId)
    .where("environment", "=", req.environment)
    .where("target_id", "in", [...boundIds])
    .execute();
  notifyServices(ctx, [{ ...ctx.scope, serviceId: service.ServiceId }]);
}

/** The APIs (deduplicated, in the order given), each of which must belong to the service. */
export async function serviceApis(db: Db, scope: Scope, serviceId: string, apiIds: string[], code = "ResourceNotFound.InvalidApi"): Promise<ApiRecord[]> {
  const out: ApiRecord[] = [];
  for (const id of new Set(apiIds)) {
    const api = await apis.find(db, scope, id);
    if (!api || api.ServiceId !== serviceId) throw new ApiError(code, `API \`${id}\` does not exist in service \`${serviceId}\`.`);
    out.push(api);
  }
  return out;
}

/** Removes every binding of a subject (as when it is deleted), wherever its APIs are. */
export async function removeSubjectBindings(db: Db, kind: string, subjectId: string): Promise<void> {
  await db.deleteFrom("bindings").where("kind", "=", kind).where("subject_id", "=", subjectId).execute();
}

export interface ServiceRef extends Scope {
  serviceId: string;
}

/** The services (with their owners' scope) that these bindings affect, once each. */
export function servicesOf(bindings: ApiBinding[]): ServiceRef[] {
  const seen = new Map<string, ServiceRef>();
  for (const b of bindings) seen.set(`${b.scope.appId}\u0000${b.scope.region}\u0000${b.serviceId}`, { ...b.scope, serviceId: b.serviceId });
  return [...seen.values()];
}

/** After the action commits, tells the gateway that these services' policies changed. */
export function notifyServices(ctx: ActionContext, refs: ServiceRef[]): void {
  for (const ref of refs) ctx.afterCommit(() => ctx.events.changed({ appId: ref.appId, region: ref.region, serviceId: ref.serviceId }));
}

/**
 * The API records bindings point at, found in each binding's scope; an API that left the
 * draft (still served by a release) has no entry.
 */
export async function apisOf(db: Db, bindings: ApiBinding[]): Promise<Map<string, ApiRecord>> {
  const out = new Map<string, ApiRecord>();
  for (const b of bindings) {
    if (out.has(b.apiId)) continue;
    const api = await apis.find(db, b.scope, b.apiId);
    if (api) out.set(b.apiId, api);
  }
  return out;
}

/** Same for the services. */
export async function servicesOfBindings(db: Db, bindings: ApiBinding[]): Promise<Map<string, ServiceRecord>> {
  const out = new Map<string, ServiceRecord>();
  for (const b of bindings) {
    if (out.has(b.serviceId)) continue;
    const s = await services.find(db, b.scope, b.serviceId);
    if (s) out.set(b.serviceId, s);
  }
  return out;
}

/** Every binding of one subject (newest first), wherever its APIs are when `scope` is ANY_SCOPE. */
export async function subjectBindings(db: Db, scope: Scope | typeof ANY_SCOPE, kind: string, subjectId: string, environment?: string): Promise<ApiBinding[]> {
  return (await listApiBindings(db, scope, { kinds: [kind], subjectIds: [subjectId], environment })).reverse();
}

/** After the action commits, tells the gateway about every service the subject is bound in. */
export async function notifySubjectServices(ctx: ActionContext, scope: Scope | typeof ANY_SCOPE, kind: string, subjectId: string): Promise<void> {
  notifyServices(ctx, servicesOf(await listApiBindings(ctx.db, scope, { kinds: [kind], subjectIds: [subjectId] })));
}

// ---- Documented views of bindings ----------------------------------------------------------

/** AttachedApiInfo (a plugin's APIs). An API that left the draft keeps its id, with empty names. */
export async function attachedApiInfos(db: Db, bindings: ApiBinding[]) {
  const apiMap = await apisOf(db, bindings);
  const serviceMap = await servicesOfBindings(db, bindings);
  return bindings.map((b) => {
    const api = apiMap.get(b.apiId);
    const service = serviceMap.get(b.serviceId);
    return {
      ServiceId: b.serviceId,
      ServiceName: service?.ServiceName ?? "",
      ServiceDesc: service?.ServiceDesc ?? "",
      ApiId: b.apiId,
      ApiName: api?.ApiName ?? "",
      ApiDesc: api?.ApiDesc ?? "",
      Environment: b.environment,
      AttachedTime: b.createdAt,
    };
  });
}

/**
 * The APIs (still in the draft) a subject is bound to in the scope, in one environment or in
 * any, each once, in binding order.
 */
export async function boundApis(db: Db, scope: Scope, kind: string, subjectId: string, environment?: string): Promise<ApiRecord[]> {
  const bindings = await listApiBindings(db, scope, { kinds: [kind], subjectIds: [subjectId], environment });
  const found = await apisOf(db, bindings);
  return [...new Set(bindings.map((b) => b.apiId))].flatMap((id) => found.get(id) ?? []);
}

/** ApiAppApiInfo (an application authorized to an API), for "app-api" bindings. */
export async function apiAppApiInfos(db: Db, bindings: ApiBinding[]) {
  const apiMap = await apisOf(db, bindings);
  const names = new Map<string, string>();
  for (const b of bindings) if (!names.has(b.subjectId)) names.set(b.subjectId, (await findAnyApp(db, b.subjectId))?.app.ApiAppName ?? "");
  return bindings.map((b) => ({
    ApiAppName: names.get(b.subjectId) ?? "",
    ApiAppId: b.subjectId,
    ApiId: b.apiId,
    ApiName: apiMap.get(b.apiId)?.ApiName ?? "",
    ServiceId: b.serviceId,
    AuthorizedTime: b.createdAt,
    ApiRegion: b.scope.region,
    EnvironmentName: b.environment,
  }));
}

// ---- Application users (partner authorization) ----------------------------------------------

/**
 * For the app user's DescribeServiceForApiApp / DescribeApiForApiApp: the service `serviceId`
 * in `region`, if the caller owns it or one of the caller's applications is authorized to an
 * API of it, with the APIs the caller may see (all of its own service; else the authorized
 * ones) and the owner's scope. Undefined when the caller may not see it.
 */
export async function serviceForAppUser(
  db: Db,
  callerAppId: string,
  region: string,
  serviceId: string,
): Promise<{ service: ServiceRecord; owner: Scope; visibleApiIds: Set<string> | "all" } | undefined> {
  const own = await services.find(db, { appId: callerAppId, region }, serviceId);
  if (own) return { service: own, owner: { appId: callerAppId, region }, visibleApiIds: "all" };
  const row = await db.selectFrom("services").select(["app_id", "data"]).where("id", "=", serviceId).where("region", "=", region).executeTakeFirst();
  if (!row) return undefined;
  const owner = { appId: row.app_id, region };
  const visible = new Set<string>();
  for (const b of await listApiBindings(db, owner, { kinds: [APP_API], serviceId })) {
    if ((await findAnyApp(db, b.subjectId))?.ownerAppId === callerAppId) visible.add(b.apiId);
  }
  return visible.size ? { service: JSON.parse(row.data) as ServiceRecord, owner, visibleApiIds: visible } : undefined;
}

// ---- Gateway view -------------------------------------------------------------------------------

export interface PolicyApp {
  apiAppId: string;
  apiAppName: string;
  apiAppKey: string;
  apiAppSecret: string;
}

export interface PolicyIpStrategy {
  strategyId: string;
  /** WHITE: only listed clients pass; BLACK: listed clients are refused. */
  type: "WHITE" | "BLACK";
  entries: IpEntry[];
  /** Whether a client IP is in the list (see ipMatcher). */
  matches: (ip: string) => boolean;
}

export interface PolicyPlugin {
  pluginId: string;
  pluginName: string;
  /** The plugin's type and its parsed PluginData (see pluginData.ts for each format). */
  plugin: ParsedPluginData;
}

/** What is bound to one API in one environment. */
export interface ApiPolicy {
  /** Applications authorized to call it (APP authentication): match the caller's ApiAppKey. */
  apps: PolicyApp[];
  /** IP strategies (at most one per API and environment). */
  ipStrategies: PolicyIpStrategy[];
  /** Plugins, at most one of each class (pluginClass): IPControl, TrafficControl(ByParameter), Cors, … */
  plugins: PolicyPlugin[];
}

export interface ServiceApiPolicies {
  serviceId: string;
  /** environment (test, prepub, release) → ApiId → what is bound; an API not listed has nothing bound. */
  environments: Record<string, Record<string, ApiPolicy>>;
}

/**
 * Everything applications, IP strategies and plugins make the gateway enforce on a service's
 * APIs, per environment and API (bindings are live: they apply to whatever release an
 * environment serves, without a re-release). Read it again on every `changed` event for the
 * service. `scope` is the service owner's.
 */
export async function loadApiPolicies(db: Db, scope: Scope, serviceId: string): Promise<ServiceApiPolicies> {
  const bindings = await listApiBindings(db, scope, { kinds: [APP_API, IP_STRATEGY_API, PLUGIN_API], serviceId });
  const environments: Record<string, Record<string, ApiPolicy>> = Object.fromEntries(ENVIRONMENTS.map((e) => [e, {}]));
  const apps = new Map<string, PolicyApp | undefined>();
  const strategies = new Map<string, PolicyIpStrategy | undefined>();
  const pluginsById = new Map<string, PolicyPlugin | undefined>();
  for (const b of bindings) {
    const policy = ((environments[b.environment] ??= {})[b.apiId] ??= { apps: [], ipStrategies: [], plugins: [] });
    if (b.kind === APP_API) {
      if (!apps.has(b.subjectId)) {
        const found = await findAnyApp(db, b.subjectId);
        apps.set(b.subjectId, found && { apiAppId: found.app.ApiAppId, apiAppName: found.app.ApiAppName, apiAppKey: found.app.ApiAppKey, apiAppSecret: found.app.ApiAppSecret });
      }
      const app = apps.get(b.subjectId);
      if (app) policy.apps.push(app);
    } else if (b.kind === IP_STRATEGY_API) {
      if (!strategies.has(b.subjectId)) {
        const s = await ipStrategies.find(db, scope, b.subjectId);
        const entries = s && parseIpList(s.StrategyData);
        strategies.set(
          b.subjectId,
          s && Array.isArray(entries) ? { strategyId: s.StrategyId, type: s.StrategyType === "BLACK" ? "BLACK" : "WHITE", entries, matches: ipMatcher(entries) } : undefined,
        );
      }
      const strategy = strategies.get(b.subjectId);
      if (strategy) policy.ipStrategies.push(strategy);
    } else {
      if (!pluginsById.has(b.subjectId)) {
        const p = await plugins.find(db, scope, b.subjectId);
        const parsed = p && readPluginData(p.PluginType, p.PluginData);
        pluginsById.set(b.subjectId, p && parsed ? { pluginId: p.PluginId, pluginName: p.PluginName, plugin: parsed } : undefined);
      }
      const plugin = pluginsById.get(b.subjectId);
      if (plugin) policy.plugins.push(plugin);
    }
  }
  return { serviceId, environments };
}

/** Pure: the application among those authorized whose ApiAppKey the caller presented. */
export function findPolicyApp(policy: ApiPolicy | undefined, apiAppKey: string): PolicyApp | undefined {
  return policy?.apps.find((a) => a.apiAppKey === apiAppKey);
}

/**
 * Pure: whether the IP strategies bound to the API let a client IP through: it must be in
 * every WHITE list and in no BLACK list. (IPControl plugins are separate: see policy.plugins.)
 */
export function ipStrategiesAllow(policy: ApiPolicy | undefined, clientIp: string): boolean {
  return (policy?.ipStrategies ?? []).every((s) => (s.type === "WHITE" ? s.matches(clientIp) : !s.matches(clientIp)));
}

/**
 * Pure: whether the IPControl plugin bound to the API (if any) lets a client IP through:
 * whitelist, it must be listed; blacklist, it must not be.
 */
export function ipControlAllows(policy: ApiPolicy | undefined, clientIp: string): boolean {
  for (const p of policy?.plugins ?? []) {
    if (p.plugin.type !== "IPControl") continue;
    const listed = p.plugin.data.matches(clientIp);
    if (p.plugin.data.mode === "white" ? !listed : listed) return false;
  }
  return true;
}
