/**
 * ModifyUsagePlan (修改使用计划): changes a plan's name, description, QPS limit or quota.
 * New limits apply to the services the plan is bound to without a re-release.
 */
import { defineAction } from "../src/control/action.js";
import { notifyServices, servicesOfPlans, usagePlanInfo, usagePlans } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "ModifyUsagePlan",
  input: schema.ModifyUsagePlan,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    if (input.UsagePlanName !== undefined) plan.UsagePlanName = input.UsagePlanName;
    if (input.UsagePlanDesc !== undefined) plan.UsagePlanDesc = input.UsagePlanDesc;
    if (input.MaxRequestNum !== undefined) plan.MaxRequestNum = input.MaxRequestNum;
    if (input.MaxRequestNumPreSec !== undefined) plan.MaxRequestNumPreSec = input.MaxRequestNumPreSec;
    plan.ModifiedTime = isoTime(ctx.now);
    await usagePlans.update(ctx.db, ctx.scope, plan.UsagePlanId, plan);
    notifyServices(ctx, await servicesOfPlans(ctx.db, ctx.scope, [plan.UsagePlanId]));
    return { Result: await usagePlanInfo(ctx.db, ctx.scope, plan) };
  },
});
