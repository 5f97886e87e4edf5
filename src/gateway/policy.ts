/**
 * Usage plans, API keys and throttling strategies (as usagePlans.ts `loadPolicies` reads them)
 * → the limits and key grants hung on a compiled service's environments and APIs. Runs when
 * the service is compiled or its policies change, never per request.
 *
 * The meters come from a registry by stable name (service environment, API environment, plan
 * and key), so counts carry over when a service is recompiled: changing a limit does not hand
 * out a fresh second or a fresh quota.
 */
import type { MeterRegistry } from "../limits/meters.js";
import { resolveCaller, type PolicyPlan, type ServicePolicies } from "../resources/usagePlans.js";
import type { Scope } from "../store/resources.js";
import type { CompiledLimit, CompiledService, KeyGrant } from "./model.js";

/** The per-second window of a service environment's or an API environment's throttling. */
const strategyMeterName = (scope: Scope, serviceId: string, environment: string, apiId = "") =>
  `${scope.appId}\u0000${scope.region}\u0000${serviceId}\u0000${apiId}\u0000${environment}`;

/** The per-second window and the quota total of one key under one usage plan (shared by every API and environment the plan covers). */
export const planKeyMeterName = (scope: Scope, usagePlanId: string, accessKeyId: string) =>
  `${scope.appId}\u0000${scope.region}\u0000${usagePlanId}\u0000${accessKeyId}`;

/** The parts of a planKeyMeterName (quota totals are stored by them: quotaUsage.ts). */
export function parsePlanKeyMeterName(name: string): { appId: string; region: string; usagePlanId: string; accessKeyId: string } | undefined {
  const parts = name.split("\u0000");
  if (parts.length !== 4) return undefined;
  const [appId, region, usagePlanId, accessKeyId] = parts as [string, string, string, string];
  return { appId, region, usagePlanId, accessKeyId };
}

/** The limits and headers of one key under one plan, the same for every API the plan covers. */
interface PlanKeyLimits {
  limits: CompiledLimit[];
  quota: KeyGrant["quota"];
  quotaTail: string;
  headers: Record<string, string>;
}

export function applyPolicies(service: CompiledService, policies: ServicePolicies, meters: MeterRegistry): void {
  const scope: Scope = service;
  const planKeyLimits = new Map<string, PlanKeyLimits>();
  const limitsOf = (plan: PolicyPlan, accessKeyId: string): PlanKeyLimits => {
    const name = planKeyMeterName(scope, plan.usagePlanId, accessKeyId);
    let found = planKeyLimits.get(name);
    if (!found) planKeyLimits.set(name, (found = planKeyLimitsFor(plan, accessKeyId, name, meters)));
    return found;
  };

  for (const env of service.environments.values()) {
    const policy = policies.environments[env.name];
    if (!policy) continue;
    const serviceLimit: CompiledLimit = {
      meter: meters.window(strategyMeterName(scope, service.serviceId, env.name)),
      limit: policy.serviceQps,
      message: `API rate limit exceeded: service \`${service.serviceId}\` allows ${policy.serviceQps} requests per second in environment \`${env.name}\`.`,
      perSecond: true,
    };
    const plans = [...policy.servicePlans, ...Object.values(policy.apiPlans).flat()];
    env.planKeys = new Set(plans.flatMap((p) => p.keys.map((k) => k.accessKeyId)));

    for (const api of env.apis.values()) {
      const apiQps = policy.apiQps[api.id];
      api.limits =
        apiQps === undefined
          ? [serviceLimit]
          : [
              serviceLimit,
              {
                meter: meters.window(strategyMeterName(scope, service.serviceId, env.name, api.id)),
                limit: apiQps,
                message: `API rate limit exceeded: API \`${api.id}\` allows ${apiQps} requests per second in environment \`${env.name}\`.`,
                perSecond: true,
              },
            ];
      const grants = new Map<string, KeyGrant>();
      for (const accessKeyId of env.planKeys) {
        const caller = resolveCaller(policy, api.id, accessKeyId);
        if (!caller) continue;
        const plan = limitsOf(caller.plan, accessKeyId);
        grants.set(accessKeyId, {
          accessKeyId,
          usagePlanId: caller.plan.usagePlanId,
          limits: [...api.limits, ...plan.limits],
          quota: plan.quota,
          quotaTail: plan.quotaTail,
          headers: plan.headers,
        });
      }
      api.grants = grants;
    }
  }
}

function planKeyLimitsFor(plan: PolicyPlan, accessKeyId: string, meterName: string, meters: MeterRegistry): PlanKeyLimits {
  const quota = meters.total(meterName);
  const limits: CompiledLimit[] = [];
  if (plan.maxRequestNumPreSec !== null) {
    limits.push({
      meter: meters.window(meterName),
      limit: plan.maxRequestNumPreSec,
      message: `API rate limit exceeded: usage plan \`${plan.usagePlanId}\` allows ${plan.maxRequestNumPreSec} requests per second for key \`${accessKeyId}\`.`,
      perSecond: true,
    });
  }
  // Always a layer, so the count runs (X-RateLimit-Used) even when the plan sets no quota.
  limits.push({
    meter: quota,
    limit: plan.maxRequestNum ?? Number.POSITIVE_INFINITY,
    message: `API quota exceeded: usage plan \`${plan.usagePlanId}\` allows ${plan.maxRequestNum} requests in all for key \`${accessKeyId}\`, and all are used.`,
    perSecond: false,
  });
  return {
    limits,
    quota,
    quotaTail: `/${plan.maxRequestNum ?? "unlimited"}`,
    headers: {
      "X-Secret-ID": accessKeyId,
      "X-UsagePlan-ID": plan.usagePlanId,
      "X-RateLimit-Limit": String(plan.maxRequestNumPreSec ?? "unlimited"),
    },
  };
}
