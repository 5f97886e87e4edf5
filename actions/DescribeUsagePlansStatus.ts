/**
 * DescribeUsagePlansStatus (查询使用计划列表): the account's usage plans in this region, newest
 * first. Filters: UsagePlanId (exact), UsagePlanName (substring), NotServiceId (plans not bound
 * to that service or any of its APIs), NotApiId (plans not bound to that API), Environment.
 * Decision where the document is silent: given alone, Environment keeps plans bound to
 * something in that environment; given with NotServiceId/NotApiId, it narrows those to the
 * environment instead ("plans not yet bound to this service in release"), as the console's
 * binding dialog needs.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { planBindings, usagePlans, usagePlanStatusInfo, type PlanBinding } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DescribeUsagePlansStatus",
  input: schema.DescribeUsagePlansStatus,
  async handler(input, ctx) {
    const all = await usagePlans.list(ctx.db, ctx.scope);
    const byPlan = new Map<string, PlanBinding[]>(all.map((p) => [p.UsagePlanId, []]));
    for (const b of await planBindings(ctx.db, ctx.scope)) byPlan.get(b.usagePlanId)?.push(b);
    const filters = input.Filters ?? [];
    const envs = filters.filter((f) => f.Name === "Environment").flatMap((f) => f.Values);
    const narrowsNot = filters.some((f) => f.Name === "NotServiceId" || f.Name === "NotApiId");
    const inEnv = (b: PlanBinding) => envs.length === 0 || envs.includes(b.environment);
    const matched = applyFilters(all, input.Filters, {
      UsagePlanId: (p, v) => p.UsagePlanId === v,
      UsagePlanName: (p, v) => fuzzy(p.UsagePlanName, v),
      NotServiceId: (p, v) => !byPlan.get(p.UsagePlanId)!.some((b) => b.serviceId === v && inEnv(b)),
      NotApiId: (p, v) => !byPlan.get(p.UsagePlanId)!.some((b) => b.apiId === v && inEnv(b)),
      Environment: (p, v) => narrowsNot || byPlan.get(p.UsagePlanId)!.some((b) => b.environment === v),
    });
    const page = paginate(matched.reverse(), input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, UsagePlanStatusSet: page.items.map(usagePlanStatusInfo) } };
  },
});
