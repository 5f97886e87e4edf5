/**
 * Usage plans (使用计划): a QPS limit and a total quota, a set of API keys, and the service
 * environments (or single APIs in an environment) where those keys may call SECRET APIs.
 *
 * Plans live in `usage_plans` (UsagePlanRecord), keys in `api_keys` (apiKeys.ts). The
 * relations live in `bindings`, scoped by app_id and region:
 *
 * | kind                 | subject_id  | target_id    | environment | data              | meaning                                   |
 * |----------------------|-------------|--------------|-------------|-------------------|-------------------------------------------|
 * | "usagePlan-secretId" | usagePlanId | AccessKeyId  | ""          | {}                | the key belongs to the plan               |
 * | "usagePlan-service"  | usagePlanId | serviceId    | env         | {}                | plan bound to the whole service in env    |
 * | "usagePlan-api"      | usagePlanId | apiId        | env         | {"ServiceId": id} | plan bound to one API of the service, env |
 *
 * Throttling strategies ("strategy-service", "strategy-api") are described in strategies.ts.
 *
 * Rules kept by the actions (so the gateway can rely on them):
 * - For one (key, API, environment) at most one plan applies: two plans bound to overlapping
 *   targets of the same environment never share a key (document: "two or more usage plans
 *   bound to the same key cannot be bound to the same environment in the same service").
 *   A service binding overlaps every API binding of that service and environment.
 * - BindEnvironment never mixes SERVICE and API bindings in one service environment.
 *   DemoteServiceUsagePlan turns one plan's SERVICE binding into API bindings, so while
 *   several SERVICE plans are demoted one by one both kinds may briefly coexist; the gateway
 *   then considers both (service plans apply to every API).
 *
 * The gateway reads all of this through `loadPolicies` and `resolveCaller` below.
 */
import type { ActionContext, UsageReader } from "../control/action.js";
import { ApiError, errors } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import { apis, type ApiRecord } from "./apis.js";
import { apiKeys, type ApiKeyRecord } from "./apiKeys.js";
import { ENVIRONMENTS } from "./environments.js";
import { services, type ServiceRecord } from "./services.js";
import { apiStrategies, FOLLOW_SERVICE, serviceStrategies } from "./strategies.js";

export const BIND_SECRET = "usagePlan-secretId";
export const BIND_SERVICE = "usagePlan-service";
export const BIND_API = "usagePlan-api";

export interface UsagePlanRecord {
  UsagePlanId: string;
  UsagePlanName: string;
  UsagePlanDesc: string;
  /** Total quota; -1: none. */
  MaxRequestNum: number;
  /** QPS limit; -1: none. */
  MaxRequestNumPreSec: number;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedTime: string;
  ModifiedTime: string;
}

export const usagePlans = repository<UsagePlanRecord>("usage_plans", (id) =>
  new ApiError("ResourceNotFound.InvalidUsagePlan", `Usage plan \`${id}\` does not exist in this region.`),
);

// ---- Bindings -------------------------------------------------------------------------

/** A plan bound to a service environment (kind "service") or to one API in an environment. */
export interface PlanBinding {
  kind: "service" | "api";
  usagePlanId: string;
  serviceId: string;
  /** "" for a service binding. */
  apiId: string;
  environment: string;
  createdAt: string;
}

function scopedBindings(db: Db, scope: Scope) {
  return db.selectFrom("bindings").where("app_id", "=", scope.appId).where("region", "=", scope.region);
}

type BindingSelect = { kind: string; subject_id: string; target_id: string; environment: string; data: string; created_at: string };

function toPlanBinding(r: BindingSelect): PlanBinding {
  const api = r.kind === BIND_API;
  return {
    kind: api ? "api" : "service",
    usagePlanId: r.subject_id,
    serviceId: api ? (JSON.parse(r.data) as { ServiceId: string }).ServiceId : r.target_id,
    apiId: api ? r.target_id : "",
    environment: r.environment,
    createdAt: r.created_at,
  };
}

const BINDING_COLUMNS = ["kind", "subject_id", "target_id", "environment", "data", "created_at"] as const;

/** Environment bindings of the given plans (all plans in scope when omitted), oldest first. */
export async function planBindings(db: Db, scope: Scope, planIds?: string[]): Promise<PlanBinding[]> {
  if (planIds && planIds.length === 0) return [];
  let q = scopedBindings(db, scope).select(BINDING_COLUMNS).where("kind", "in", [BIND_SERVICE, BIND_API]);
  if (planIds) q = q.where("subject_id", "in", planIds);
  return (await q.orderBy("seq").execute()).map(toPlanBinding);
}

/** Plan bindings on a service and on its APIs (optionally in one environment), oldest first. */
export async function serviceBindings(db: Db, scope: Scope, serviceId: string, environment?: string): Promise<PlanBinding[]> {
  const apiIds = db
    .selectFrom("apis")
    .select("id")
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("parent_id", "=", serviceId);
  let q = scopedBindings(db, scope)
    .select(BINDING_COLUMNS)
    .where((eb) =>
      eb.or([
        eb.and([eb("kind", "=", BIND_SERVICE), eb("target_id", "=", serviceId)]),
        eb.and([eb("kind", "=", BIND_API), eb("target_id", "in", apiIds)]),
      ]),
    );
  if (environment !== undefined) q = q.where("environment", "=", environment);
  return (await q.orderBy("seq").execute()).map(toPlanBinding);
}

/** Whether two bindings of one service environment cover a common API. */
export const overlaps = (a: PlanBinding, b: PlanBinding) => a.kind === "service" || b.kind === "service" || a.apiId === b.apiId;

export async function bindPlan(db: Db, scope: Scope, b: Omit<PlanBinding, "createdAt">, at: string): Promise<void> {
  await db
    .insertInto("bindings")
    .values({
      app_id: scope.appId,
      region: scope.region,
      kind: b.kind === "api" ? BIND_API : BIND_SERVICE,
      subject_id: b.usagePlanId,
      target_id: b.kind === "api" ? b.apiId : b.serviceId,
      environment: b.environment,
      data: b.kind === "api" ? JSON.stringify({ ServiceId: b.serviceId }) : "{}",
      created_at: at,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unbindPlan(db: Db, scope: Scope, b: Omit<PlanBinding, "createdAt">): Promise<void> {
  await scopedDelete(db, scope)
    .where("kind", "=", b.kind === "api" ? BIND_API : BIND_SERVICE)
    .where("subject_id", "=", b.usagePlanId)
    .where("target_id", "=", b.kind === "api" ? b.apiId : b.serviceId)
    .where("environment", "=", b.environment)
    .execute();
}

function scopedDelete(db: Db, scope: Scope) {
  return db.deleteFrom("bindings").where("app_id", "=", scope.appId).where("region", "=", scope.region);
}

/** Key ids bound to each plan, in binding order. */
export async function keysOfPlans(db: Db, scope: Scope, planIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(planIds.map((id) => [id, []]));
  if (planIds.length === 0) return out;
  const rows = await scopedBindings(db, scope)
    .select(["subject_id", "target_id"])
    .where("kind", "=", BIND_SECRET)
    .where("subject_id", "in", planIds)
    .orderBy("seq")
    .execute();
  for (const r of rows) out.get(r.subject_id)!.push(r.target_id);
  return out;
}

export async function keysOfPlan(db: Db, scope: Scope, planId: string): Promise<string[]> {
  return (await keysOfPlans(db, scope, [planId])).get(planId)!;
}

/** Plans each key is bound to. */
export async function plansOfKeys(db: Db, scope: Scope, keyIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(keyIds.map((id) => [id, []]));
  if (keyIds.length === 0) return out;
  const rows = await scopedBindings(db, scope)
    .select(["subject_id", "target_id"])
    .where("kind", "=", BIND_SECRET)
    .where("target_id", "in", keyIds)
    .orderBy("seq")
    .execute();
  for (const r of rows) out.get(r.target_id)!.push(r.subject_id);
  return out;
}

export async function bindKey(db: Db, scope: Scope, planId: string, keyId: string, at: string): Promise<void> {
  await db
    .insertInto("bindings")
    .values({ app_id: scope.appId, region: scope.region, kind: BIND_SECRET, subject_id: planId, target_id: keyId, environment: "", data: "{}", created_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unbindKeys(db: Db, scope: Scope, planId: string, keyIds: string[]): Promise<void> {
  if (keyIds.length === 0) return;
  await scopedDelete(db, scope).where("kind", "=", BIND_SECRET).where("subject_id", "=", planId).where("target_id", "in", keyIds).execute();
}

/** Removes every binding of a plan (keys and environments), as when the plan is deleted. */
export async function removePlanBindings(db: Db, scope: Scope, planId: string): Promise<void> {
  await scopedDelete(db, scope).where("kind", "in", [BIND_SECRET, BIND_SERVICE, BIND_API]).where("subject_id", "=", planId).execute();
}

// ---- Rules ----------------------------------------------------------------------------

/**
 * The conflict rule: a plan `planId` with keys `keyIds` bound to `targets` must not share a
 * key with another plan bound to an overlapping target of the same service environment.
 * Returns the first conflict found, if any.
 */
export async function findKeyConflict(
  db: Db,
  scope: Scope,
  planId: string,
  keyIds: string[],
  targets: Array<Omit<PlanBinding, "createdAt">>,
): Promise<{ keyId: string; otherPlanId: string; target: Omit<PlanBinding, "createdAt"> } | undefined> {
  if (keyIds.length === 0 || targets.length === 0) return undefined;
  const keySet = new Set(keyIds);
  const byServiceEnv = new Map<string, PlanBinding[]>();
  for (const t of targets) {
    const k = `${t.serviceId}\u0000${t.environment}`;
    if (!byServiceEnv.has(k)) byServiceEnv.set(k, await serviceBindings(db, scope, t.serviceId, t.environment));
  }
  const others = [...byServiceEnv.values()].flat().filter((b) => b.usagePlanId !== planId);
  const otherKeys = await keysOfPlans(db, scope, [...new Set(others.map((b) => b.usagePlanId))]);
  for (const t of targets) {
    for (const b of byServiceEnv.get(`${t.serviceId}\u0000${t.environment}`)!) {
      if (b.usagePlanId === planId || !overlaps(b, { ...t, createdAt: "" })) continue;
      const shared = otherKeys.get(b.usagePlanId)!.find((k) => keySet.has(k));
      if (shared) return { keyId: shared, otherPlanId: b.usagePlanId, target: t };
    }
  }
  return undefined;
}

/**
 * The targets a BindEnvironment / UnBindEnvironment call names: the service itself
 * (BindType SERVICE; ApiIds ignored) or each of ApiIds (BindType API), which must be APIs of
 * that service (ResourceNotFound.InvalidApi). ApiIds absent with BindType API: MissingParameter;
 * empty: `emptyCode`.
 */
export async function resolveBindTargets(
  db: Db,
  scope: Scope,
  input: { ServiceId: string; BindType: string; Environment: string; ApiIds?: string[] },
  emptyCode: string,
): Promise<Array<Omit<PlanBinding, "createdAt" | "usagePlanId">>> {
  const service = await services.get(db, scope, input.ServiceId);
  if (input.BindType !== "API") return [{ kind: "service", serviceId: service.ServiceId, apiId: "", environment: input.Environment }];
  if (input.ApiIds === undefined) throw errors.missing("ApiIds");
  if (input.ApiIds.length === 0) throw errors.value("ApiIds", "BindType API needs at least one API id", emptyCode);
  const targets: Array<Omit<PlanBinding, "createdAt" | "usagePlanId">> = [];
  for (const apiId of new Set(input.ApiIds)) {
    const api = await apis.find(db, scope, apiId);
    if (!api || api.ServiceId !== service.ServiceId) {
      throw new ApiError("ResourceNotFound.InvalidApi", `API \`${apiId}\` does not exist in service \`${service.ServiceId}\`.`);
    }
    targets.push({ kind: "api", serviceId: service.ServiceId, apiId, environment: input.Environment });
  }
  return targets;
}

export const describeTarget = (t: Omit<PlanBinding, "createdAt">) =>
  t.kind === "api" ? `API \`${t.apiId}\` of service \`${t.serviceId}\` in ${t.environment}` : `service \`${t.serviceId}\` in ${t.environment}`;

// ---- Views ----------------------------------------------------------------------------

/** The documented UsagePlanStatusInfo (list entry); Tags as the SDK types it. */
export function usagePlanStatusInfo(p: UsagePlanRecord) {
  return {
    UsagePlanId: p.UsagePlanId,
    UsagePlanName: p.UsagePlanName,
    UsagePlanDesc: p.UsagePlanDesc,
    MaxRequestNumPreSec: p.MaxRequestNumPreSec,
    MaxRequestNum: p.MaxRequestNum,
    CreatedTime: p.CreatedTime,
    ModifiedTime: p.ModifiedTime,
    Tags: p.Tags,
  };
}

/**
 * The documented UsagePlanInfo with its bound keys and environments. The document names the
 * creation time CreateTime, the SDK CreatedTime: both are answered. BindEnvironments lists
 * each (service, environment) the plan is bound to, by SERVICE or API binding.
 */
export async function usagePlanInfo(db: Db, scope: Scope, p: UsagePlanRecord) {
  const keyIds = await keysOfPlan(db, scope, p.UsagePlanId);
  const seen = new Set<string>();
  const environments: Array<{ EnvironmentName: string; ServiceId: string }> = [];
  for (const b of await planBindings(db, scope, [p.UsagePlanId])) {
    const k = `${b.serviceId}\u0000${b.environment}`;
    if (seen.has(k)) continue;
    seen.add(k);
    environments.push({ EnvironmentName: b.environment, ServiceId: b.serviceId });
  }
  return {
    UsagePlanId: p.UsagePlanId,
    UsagePlanName: p.UsagePlanName,
    UsagePlanDesc: p.UsagePlanDesc,
    InitQuota: p.MaxRequestNum,
    MaxRequestNumPreSec: p.MaxRequestNumPreSec,
    MaxRequestNum: p.MaxRequestNum,
    IsHide: 0,
    CreateTime: p.CreatedTime,
    CreatedTime: p.CreatedTime,
    ModifiedTime: p.ModifiedTime,
    BindSecretIdTotalCount: keyIds.length,
    BindSecretIds: keyIds,
    BindEnvironmentTotalCount: environments.length,
    BindEnvironments: environments,
    Tags: p.Tags,
  };
}

/** Loads the services, APIs and plans that a list of bindings refers to. */
async function bindingContext(db: Db, scope: Scope, bindings: PlanBinding[]) {
  const serviceMap = new Map<string, ServiceRecord | undefined>();
  const apiMap = new Map<string, ApiRecord | undefined>();
  const planMap = new Map<string, UsagePlanRecord | undefined>();
  for (const b of bindings) {
    if (!serviceMap.has(b.serviceId)) serviceMap.set(b.serviceId, await services.find(db, scope, b.serviceId));
    if (b.apiId && !apiMap.has(b.apiId)) apiMap.set(b.apiId, await apis.find(db, scope, b.apiId));
    if (!planMap.has(b.usagePlanId)) planMap.set(b.usagePlanId, await usagePlans.find(db, scope, b.usagePlanId));
  }
  return { service: (id: string) => serviceMap.get(id), api: (id: string) => apiMap.get(id), plan: (id: string) => planMap.get(id) };
}

function apiFields(api: ApiRecord | undefined) {
  return {
    ApiId: api?.ApiId ?? "",
    ApiName: api?.ApiName ?? "",
    Path: api?.RequestConfig.Path ?? "",
    Method: api?.RequestConfig.Method ?? "",
  };
}

/**
 * Quota consumed by a plan (InUseRequestNum): the gateway counts per (plan, key), so a plan's
 * figure is the sum over its keys. The same figure is shown on each of the plan's bindings:
 * a quota is shared by every environment and API the plan covers.
 */
async function planUsage(db: Db, scope: Scope, usage: UsageReader, planIds: string[]): Promise<(planId: string) => number> {
  const keys = await keysOfPlans(db, scope, [...new Set(planIds)]);
  return (planId) => (keys.get(planId) ?? []).reduce((sum, keyId) => sum + usage.quotaUsed(scope, planId, keyId), 0);
}

/** The documented ApiUsagePlan entries (DescribeServiceUsagePlan, DescribeApiUsagePlan). */
export async function apiUsagePlanViews(db: Db, scope: Scope, usage: UsageReader, bindings: PlanBinding[]) {
  const c = await bindingContext(db, scope, bindings);
  const inUse = await planUsage(db, scope, usage, bindings.map((b) => b.usagePlanId));
  return bindings.flatMap((b) => {
    const p = c.plan(b.usagePlanId);
    if (!p) return [];
    return [
      {
        ServiceId: b.serviceId,
        ...apiFields(c.api(b.apiId)),
        UsagePlanId: p.UsagePlanId,
        UsagePlanName: p.UsagePlanName,
        UsagePlanDesc: p.UsagePlanDesc,
        Environment: b.environment,
        InUseRequestNum: inUse(p.UsagePlanId),
        MaxRequestNum: p.MaxRequestNum,
        MaxRequestNumPreSec: p.MaxRequestNumPreSec,
        CreatedTime: p.CreatedTime,
        ModifiedTime: p.ModifiedTime,
        ServiceName: c.service(b.serviceId)?.ServiceName ?? "",
        Tags: p.Tags,
      },
    ];
  });
}

/** The documented UsagePlanEnvironment entries (DescribeUsagePlanEnvironments): one per binding. */
export async function usagePlanEnvironmentViews(db: Db, scope: Scope, usage: UsageReader, plan: UsagePlanRecord, bindings: PlanBinding[]) {
  const c = await bindingContext(db, scope, bindings);
  const inUse = (await planUsage(db, scope, usage, [plan.UsagePlanId]))(plan.UsagePlanId);
  return bindings.map((b) => ({
    ServiceId: b.serviceId,
    ...apiFields(c.api(b.apiId)),
    Environment: b.environment,
    InUseRequestNum: inUse,
    MaxRequestNum: plan.MaxRequestNum,
    MaxRequestNumPreSec: plan.MaxRequestNumPreSec,
    CreatedTime: b.createdAt,
    ModifiedTime: b.createdAt,
    ServiceName: c.service(b.serviceId)?.ServiceName ?? "",
  }));
}

function usagePlanEntry(p: UsagePlanRecord, environment: string) {
  return {
    Environment: environment,
    UsagePlanId: p.UsagePlanId,
    UsagePlanName: p.UsagePlanName,
    UsagePlanDesc: p.UsagePlanDesc,
    MaxRequestNumPreSec: p.MaxRequestNumPreSec,
    CreatedTime: p.CreatedTime,
    ModifiedTime: p.ModifiedTime,
  };
}

/**
 * For DescribeService's UsagePlanList (documented UsagePlan structure, an array as the SDK
 * types it): the plans bound to the whole service, one entry per environment binding.
 * UsagePlanTotalCount is its length.
 */
export async function serviceUsagePlanList(db: Db, scope: Scope, serviceId: string) {
  const bindings = (await serviceBindings(db, scope, serviceId)).filter((b) => b.kind === "service");
  const c = await bindingContext(db, scope, bindings);
  return bindings.flatMap((b) => {
    const p = c.plan(b.usagePlanId);
    return p ? [usagePlanEntry(p, b.environment)] : [];
  });
}

/** The same UsagePlan entries for the plans bound to one API (for DescribeApi, if wanted). */
export async function apiUsagePlanList(db: Db, scope: Scope, apiId: string) {
  const rows = await scopedBindings(db, scope).select(BINDING_COLUMNS).where("kind", "=", BIND_API).where("target_id", "=", apiId).orderBy("seq").execute();
  const bindings = rows.map(toPlanBinding);
  const c = await bindingContext(db, scope, bindings);
  return bindings.flatMap((b) => {
    const p = c.plan(b.usagePlanId);
    return p ? [usagePlanEntry(p, b.environment)] : [];
  });
}

/**
 * For DescribeServicesStatus's `NotUsagePlanId` filter ("services plan v is not bound to").
 * Returns a predicate over (serviceId, usagePlanId): true when the plan has no binding on the
 * service or on any of its APIs, counting only the given environments when `environments` is
 * non-empty. Usage in the action:
 *
 *   const notBound = await notBoundToUsagePlan(ctx.db, ctx.scope);
 *   NotUsagePlanId: (r, v) => notBound(r.service.ServiceId, v),
 */
export async function notBoundToUsagePlan(db: Db, scope: Scope): Promise<(serviceId: string, usagePlanId: string, environments?: string[]) => boolean> {
  const all = await planBindings(db, scope);
  return (serviceId, usagePlanId, environments) =>
    !all.some(
      (b) => b.usagePlanId === usagePlanId && b.serviceId === serviceId && (!environments?.length || environments.includes(b.environment)),
    );
}

// ---- Change notification ----------------------------------------------------------------

/** The services whose gateway behaviour depends on these plans. */
export async function servicesOfPlans(db: Db, scope: Scope, planIds: string[]): Promise<string[]> {
  return [...new Set((await planBindings(db, scope, planIds)).map((b) => b.serviceId))];
}

/** After the action commits, tells the gateway that these services' policies changed. */
export function notifyServices(ctx: ActionContext, serviceIds: Iterable<string>): void {
  for (const serviceId of new Set(serviceIds)) ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId }));
}

// ---- Gateway view -------------------------------------------------------------------------

export interface PolicyKey {
  accessKeyId: string;
  accessKeySecret: string;
  /** Disabled keys stay listed so the gateway can tell "disabled" from "unknown". */
  enabled: boolean;
}

export interface PolicyPlan {
  usagePlanId: string;
  usagePlanName: string;
  /** Total quota, or null when the plan sets none (-1). */
  maxRequestNum: number | null;
  /** QPS limit, or null when the plan sets none (-1). */
  maxRequestNumPreSec: number | null;
  keys: PolicyKey[];
}

export interface EnvironmentPolicy {
  environment: string;
  /** Plans bound to the whole service in this environment: they cover every API. */
  servicePlans: PolicyPlan[];
  /** Plans bound to single APIs in this environment, by ApiId. */
  apiPlans: Record<string, PolicyPlan[]>;
  /** Service throttling (QPS) of this environment; 0 blocks every call. */
  serviceQps: number;
  /** API throttling (QPS) set for this environment, by ApiId; an API not listed follows the service. */
  apiQps: Record<string, number>;
}

export interface ServicePolicies {
  serviceId: string;
  /** One entry for each of test, prepub, release. */
  environments: Record<string, EnvironmentPolicy>;
}

/**
 * Everything the gateway enforces for a service's callers besides the released API
 * definitions: per environment, the usage plans bound to the service and to its APIs with
 * their keys (id, secret, enabled) and limits, and the throttling strategies. Read it again
 * on every `changed` event for the service. `defaultServiceQps` is config.limits.serviceQps.
 */
export async function loadPolicies(db: Db, scope: Scope, serviceId: string, defaultServiceQps: number): Promise<ServicePolicies> {
  const bindings = await serviceBindings(db, scope, serviceId);
  const planIds = [...new Set(bindings.map((b) => b.usagePlanId))];
  const keyIdsByPlan = await keysOfPlans(db, scope, planIds);
  const keyRecords = new Map<string, ApiKeyRecord | undefined>();
  for (const id of new Set([...keyIdsByPlan.values()].flat())) keyRecords.set(id, await apiKeys.find(db, scope, id));
  const plans = new Map<string, PolicyPlan>();
  for (const id of planIds) {
    const p = await usagePlans.find(db, scope, id);
    if (!p) continue;
    plans.set(id, {
      usagePlanId: id,
      usagePlanName: p.UsagePlanName,
      maxRequestNum: p.MaxRequestNum === -1 ? null : p.MaxRequestNum,
      maxRequestNumPreSec: p.MaxRequestNumPreSec === -1 ? null : p.MaxRequestNumPreSec,
      keys: keyIdsByPlan.get(id)!.flatMap((k) => {
        const r = keyRecords.get(k);
        return r ? [{ accessKeyId: r.AccessKeyId, accessKeySecret: r.AccessKeySecret, enabled: r.Status === 1 }] : [];
      }),
    });
  }
  const serviceQps = await serviceStrategies(db, scope, serviceId);
  const apiQps = await apiStrategies(db, scope, serviceId);
  const environments: Record<string, EnvironmentPolicy> = {};
  for (const env of ENVIRONMENTS) {
    const e: EnvironmentPolicy = { environment: env, servicePlans: [], apiPlans: {}, serviceQps: serviceQps.get(env) ?? defaultServiceQps, apiQps: {} };
    for (const b of bindings) {
      const plan = plans.get(b.usagePlanId);
      if (b.environment !== env || !plan) continue;
      if (b.kind === "service") e.servicePlans.push(plan);
      else (e.apiPlans[b.apiId] ??= []).push(plan);
    }
    for (const [apiId, byEnv] of apiQps) {
      const v = byEnv.get(env);
      if (v !== undefined && v !== FOLLOW_SERVICE) e.apiQps[apiId] = v;
    }
    environments[env] = e;
  }
  return { serviceId, environments };
}

/**
 * Pure: the plan that admits `accessKeyId` to call `apiId` in this environment, and the key.
 * `undefined` when no bound plan has the key (answer 403 / 401 as DATAPLANE §9.3 says); check
 * `key.enabled` before the signature. API bindings are looked at first, then service ones
 * (the conflict rule makes at most one match).
 */
export function resolveCaller(policy: EnvironmentPolicy, apiId: string, accessKeyId: string): { plan: PolicyPlan; key: PolicyKey } | undefined {
  for (const plan of [...(policy.apiPlans[apiId] ?? []), ...policy.servicePlans]) {
    const key = plan.keys.find((k) => k.accessKeyId === accessKeyId);
    if (key) return { plan, key };
  }
  return undefined;
}

/** Pure: the effective QPS limit of an API in this environment (the smaller of API and service). */
export function effectiveApiQps(policy: EnvironmentPolicy, apiId: string): number {
  const api = policy.apiQps[apiId];
  return api === undefined ? policy.serviceQps : Math.min(api, policy.serviceQps);
}

/** The services whose gateway behaviour depends on these keys (through their plans). */
export async function servicesOfKeys(db: Db, scope: Scope, keyIds: string[]): Promise<string[]> {
  const plans = [...new Set([...(await plansOfKeys(db, scope, keyIds)).values()].flat())];
  return servicesOfPlans(db, scope, plans);
}
