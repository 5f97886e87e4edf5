/**
 * BindEnvironment (绑定使用计划到服务或API): binds usage plans to a service environment
 * (BindType SERVICE) or to APIs of the service in an environment (BindType API, ApiIds).
 * Bindings that already exist are left as they are.
 * Rules: one service environment never has SERVICE and API bindings at once
 * (UnsupportedOperation.UnsupportedBindEnvironment; demote SERVICE plans with
 * DemoteServiceUsagePlan first); plans bound to overlapping targets of one environment cannot
 * share a key (same code); a plan covers at most config.limits.apisPerUsagePlan APIs (10000,
 * LimitExceeded.RequestLimitExceeded). The environment need not be published yet.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import {
  bindPlan,
  describeTarget,
  findKeyConflict,
  keysOfPlan,
  notifyServices,
  planBindings,
  resolveBindTargets,
  serviceBindings,
  usagePlans,
} from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "BindEnvironment",
  input: schema.BindEnvironment,
  async handler(input, ctx) {
    const targets = await resolveBindTargets(ctx.db, ctx.scope, input, "InvalidParameterValue.InvalidApiIds");
    const plans = [];
    for (const id of new Set(input.UsagePlanIds)) plans.push(await usagePlans.get(ctx.db, ctx.scope, id));
    const serviceId = input.ServiceId;
    const existing = await serviceBindings(ctx.db, ctx.scope, serviceId, input.Environment);
    const otherKind = input.BindType === "API" ? "service" : "api";
    if (existing.some((b) => b.kind === otherKind)) {
      throw new ApiError(
        "UnsupportedOperation.UnsupportedBindEnvironment",
        input.BindType === "API"
          ? `Service \`${serviceId}\` has usage plans bound to the whole service in ${input.Environment}: demote them to its APIs (DemoteServiceUsagePlan) before binding plans to APIs.`
          : `Service \`${serviceId}\` has usage plans bound to single APIs in ${input.Environment}: a service cannot have service and API usage plans in the same environment.`,
      );
    }
    const apiLimit = ctx.config.limits.apisPerUsagePlan;
    const now = isoTime(ctx.now);
    for (const plan of plans) {
      const bindings = targets.map((t) => ({ ...t, usagePlanId: plan.UsagePlanId }));
      // Checked plan by plan after the previous ones are bound, so plans of one call are checked against each other too.
      const conflict = await findKeyConflict(ctx.db, ctx.scope, plan.UsagePlanId, await keysOfPlan(ctx.db, ctx.scope, plan.UsagePlanId), bindings);
      if (conflict) {
        throw new ApiError(
          "UnsupportedOperation.UnsupportedBindEnvironment",
          `Usage plan \`${plan.UsagePlanId}\` and usage plan \`${conflict.otherPlanId}\`, already bound to ${describeTarget(conflict.target)}, share API key \`${conflict.keyId}\`: plans bound to the same environment cannot share a key.`,
        );
      }
      if (input.BindType === "API") {
        const bound = (await planBindings(ctx.db, ctx.scope, [plan.UsagePlanId])).filter((b) => b.kind === "api");
        const added = bindings.filter((t) => !bound.some((b) => b.apiId === t.apiId && b.environment === t.environment));
        if (bound.length + added.length > apiLimit) {
          throw new ApiError("LimitExceeded.RequestLimitExceeded", `Usage plan \`${plan.UsagePlanId}\` would be bound to more than ${apiLimit} APIs, the limit.`);
        }
      }
      for (const b of bindings) await bindPlan(ctx.db, ctx.scope, b, now);
    }
    notifyServices(ctx, [serviceId]);
    return { Result: true };
  },
});
