/**
 * DescribeUsagePlanEnvironments (查询使用计划绑定环境列表): where a plan is bound, one entry per
 * binding of the given BindType (SERVICE: service environments; API: APIs in an environment),
 * in binding order. CreatedTime/ModifiedTime are the binding's time. InUseRequestNum is the
 * quota the gateway has counted for the plan's keys since apigw started.
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { planBindings, usagePlanEnvironmentViews, usagePlans } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DescribeUsagePlanEnvironments",
  input: schema.DescribeUsagePlanEnvironments,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    const kind = input.BindType === "API" ? "api" : "service";
    const bindings = (await planBindings(ctx.db, ctx.scope, [plan.UsagePlanId])).filter((b) => b.kind === kind);
    const page = paginate(bindings, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, EnvironmentList: await usagePlanEnvironmentViews(ctx.db, ctx.scope, ctx.usage, plan, page.items) } };
  },
});
