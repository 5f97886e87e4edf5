/**
 * UnBindEnvironment (从服务环境解绑使用计划): unbinds usage plans from a service environment
 * (BindType SERVICE) or from APIs of the service in an environment (BindType API, ApiIds).
 * A plan that is not bound to one of the named targets answers
 * UnsupportedOperation.UnsupportedUnBindEnvironment and nothing is unbound.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { describeTarget, notifyServices, resolveBindTargets, serviceBindings, unbindPlan, usagePlans } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "UnBindEnvironment",
  input: schema.UnBindEnvironment,
  async handler(input, ctx) {
    const targets = await resolveBindTargets(ctx.db, ctx.scope, input, "InvalidParameter.FormatError");
    const planIds = [...new Set(input.UsagePlanIds)];
    for (const id of planIds) await usagePlans.get(ctx.db, ctx.scope, id);
    const existing = await serviceBindings(ctx.db, ctx.scope, input.ServiceId, input.Environment);
    const unbind = planIds.flatMap((usagePlanId) => targets.map((t) => ({ ...t, usagePlanId })));
    for (const u of unbind) {
      if (!existing.some((b) => b.usagePlanId === u.usagePlanId && b.kind === u.kind && b.apiId === u.apiId)) {
        throw new ApiError("UnsupportedOperation.UnsupportedUnBindEnvironment", `Usage plan \`${u.usagePlanId}\` is not bound to ${describeTarget(u)}.`);
      }
    }
    for (const u of unbind) await unbindPlan(ctx.db, ctx.scope, u);
    notifyServices(ctx, [input.ServiceId]);
    return { Result: true };
  },
});
