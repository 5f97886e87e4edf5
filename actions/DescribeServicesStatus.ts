/**
 * DescribeServicesStatus (查询服务列表): the account's services in this region, filtered by
 * ServiceId, ServiceName, NotUsagePlanId, Environment, IpVersion or InstanceId, paged.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { environmentStates } from "../src/resources/environments.js";
import { serviceSummary, services } from "../src/resources/services.js";
import { notBoundToUsagePlan } from "../src/resources/usagePlans.js";
import * as schema from "../schema/services.js";

export default defineAction({
  name: "DescribeServicesStatus",
  input: schema.DescribeServicesStatus,
  async handler(input, ctx) {
    const all = await services.list(ctx.db, ctx.scope);
    const rows = await Promise.all(
      all.map(async (s) => ({
        service: s,
        environments: (await environmentStates(ctx.db, ctx.scope, s.ServiceId)).filter((e) => e.online).map((e) => e.environment),
      })),
    );
    const notBound = await notBoundToUsagePlan(ctx.db, ctx.scope);
    const matched = applyFilters(rows, input.Filters, {
      ServiceId: (r, v) => r.service.ServiceId === v,
      ServiceName: (r, v) => fuzzy(r.service.ServiceName, v),
      // Services that usage plan `v` is not bound to (to offer in a "bind plan" dialog).
      NotUsagePlanId: (r, v) => notBound(r.service.ServiceId, v),
      Environment: (r, v) => r.environments.includes(v),
      IpVersion: (r, v) => r.service.IpVersion === v,
      InstanceId: (r, v) => r.service.InstanceId === v,
    });
    // Newest first, as the console lists them.
    const page = paginate(matched.reverse(), input.Limit, input.Offset);
    return {
      Result: {
        TotalCount: page.TotalCount,
        ServiceSet: page.items.map((r) => serviceSummary(r.service, r.environments, ctx.config)),
      },
    };
  },
});
