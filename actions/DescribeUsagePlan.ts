/** DescribeUsagePlan (查询使用计划详情): a plan with its limits, bound keys and bound environments. */
import { defineAction } from "../src/control/action.js";
import { usagePlanInfo, usagePlans } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DescribeUsagePlan",
  input: schema.DescribeUsagePlan,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    return { Result: await usagePlanInfo(ctx.db, ctx.scope, plan) };
  },
});
