/**
 * DescribeApiUsagePlan (查询 API 使用计划详情): the plans bound to single APIs of a service, one
 * entry per (API, environment) binding, in binding order. Plans bound to the whole service are
 * answered by DescribeServiceUsagePlan (the console's "by environment" and "by API" tabs).
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { services } from "../src/resources/services.js";
import { apiUsagePlanViews, serviceBindings } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DescribeApiUsagePlan",
  input: schema.DescribeApiUsagePlan,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const bindings = (await serviceBindings(ctx.db, ctx.scope, service.ServiceId)).filter((b) => b.kind === "api");
    const page = paginate(bindings, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, ApiUsagePlanList: await apiUsagePlanViews(ctx.db, ctx.scope, ctx.usage, page.items) } };
  },
});
