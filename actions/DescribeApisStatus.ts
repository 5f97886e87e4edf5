/**
 * DescribeApisStatus (查询 API 接口列表): a service's APIs, newest first, filtered by ApiId,
 * ApiName and ApiPath (substring), ApiType, AuthRelationApiId, AuthType, ApiBuninessType (the
 * document's spelling; ApiBusinessType is accepted too), NotUsagePlanId, Environment (published
 * in), Tags (`key:value`) and TagKeys, then paged.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { usagePlansByTarget } from "../src/resources/apiBindings.js";
import { apis, desApisStatus, tagStrings, type ApiRecord } from "../src/resources/apis.js";
import { apiEnvironments } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "DescribeApisStatus",
  input: schema.DescribeApisStatus,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const all = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    const environments = await apiEnvironments(ctx.db, ctx.scope, service.ServiceId);
    const plans = await usagePlansByTarget(ctx.db, ctx.scope, [service.ServiceId, ...all.map((a) => a.ApiId)]);
    const servicePlans = plans.get(service.ServiceId) ?? [];
    const businessType = (a: ApiRecord, v: string) => a.ApiBusinessType === v;
    const matched = applyFilters(all, input.Filters, {
      ApiId: (a, v) => a.ApiId === v,
      ApiName: (a, v) => fuzzy(a.ApiName, v),
      ApiPath: (a, v) => fuzzy(a.RequestConfig.Path, v),
      ApiType: (a, v) => a.ApiType === v,
      AuthRelationApiId: (a, v) => a.AuthRelationApiId === v,
      AuthType: (a, v) => a.AuthType === v,
      ApiBuninessType: businessType,
      ApiBusinessType: businessType,
      NotUsagePlanId: (a, v) => !servicePlans.includes(v) && !(plans.get(a.ApiId) ?? []).includes(v),
      Environment: (a, v) => (environments.get(a.ApiId) ?? []).includes(v),
      Tags: (a, v) => tagStrings(a).includes(v),
      TagKeys: (a, v) => a.Tags.some((t) => t.Key === v),
    });
    const page = paginate(matched.reverse(), input.Limit, input.Offset);
    const businessApis = (authApiId: string) => all.filter((b) => b.AuthRelationApiId === authApiId).map((b) => b.ApiId);
    return {
      Result: {
        TotalCount: page.TotalCount,
        ApiIdStatusSet: page.items.map((a) => desApisStatus(a, businessApis(a.ApiId))),
      },
    };
  },
});
