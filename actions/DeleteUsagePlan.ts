/**
 * DeleteUsagePlan (删除使用计划): deletes a plan. A plan bound to a service environment or
 * to APIs is in use (UnsupportedOperation.UsagePlanInUse: unbind it with UnBindEnvironment
 * first). Its key bindings go with it; the keys themselves remain.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { planBindings, removePlanBindings, usagePlans } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DeleteUsagePlan",
  input: schema.DeleteUsagePlan,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    const bound = await planBindings(ctx.db, ctx.scope, [plan.UsagePlanId]);
    if (bound.length) {
      const where = [...new Set(bound.map((b) => `${b.serviceId} (${b.environment})`))].join(", ");
      throw new ApiError(
        "UnsupportedOperation.UsagePlanInUse",
        `Usage plan \`${plan.UsagePlanId}\` is bound to ${where}: unbind it (UnBindEnvironment) before deleting it.`,
      );
    }
    await removePlanBindings(ctx.db, ctx.scope, plan.UsagePlanId);
    await usagePlans.remove(ctx.db, ctx.scope, plan.UsagePlanId);
    return { Result: true };
  },
});
