/**
 * UnBindSecretIds (使用计划解绑密钥): removes keys from a usage plan; calls signed with them
 * through this plan stop at once. A key that does not exist, or is not bound to the plan,
 * answers ResourceNotFound.InvalidAccessKeyId and nothing is unbound.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiKeys } from "../src/resources/apiKeys.js";
import { keysOfPlan, notifyServices, servicesOfPlans, unbindKeys, usagePlans } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "UnBindSecretIds",
  input: schema.UnBindSecretIds,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    const ids = [...new Set(input.AccessKeyIds)];
    const current = await keysOfPlan(ctx.db, ctx.scope, plan.UsagePlanId);
    for (const id of ids) {
      await apiKeys.get(ctx.db, ctx.scope, id);
      if (!current.includes(id)) {
        throw new ApiError("ResourceNotFound.InvalidAccessKeyId", `API key \`${id}\` is not bound to usage plan \`${plan.UsagePlanId}\`.`);
      }
    }
    await unbindKeys(ctx.db, ctx.scope, plan.UsagePlanId, ids);
    notifyServices(ctx, await servicesOfPlans(ctx.db, ctx.scope, [plan.UsagePlanId]));
    return { Result: true };
  },
});
