/**
 * DescribeServiceUsagePlan (查询服务使用计划详情): the plans bound to a whole service, one entry
 * per environment binding (ApiId, ApiName, Path, Method empty), in binding order.
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { services } from "../src/resources/services.js";
import { apiUsagePlanViews, serviceBindings } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DescribeServiceUsagePlan",
  input: schema.DescribeServiceUsagePlan,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const bindings = (await serviceBindings(ctx.db, ctx.scope, service.ServiceId)).filter((b) => b.kind === "service");
    const page = paginate(bindings, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, ServiceUsagePlanList: await apiUsagePlanViews(ctx.db, ctx.scope, ctx.usage, page.items) } };
  },
});
