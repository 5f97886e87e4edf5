/**
 * DescribeApiAppBindApisStatus (查询应用绑定的Api列表): the APIs one of the account's
 * applications is authorized to, in any region and account (partner authorization), most
 * recent first, paged. Filters: ApiId, ServiceId, Environment (exact), ApiName (substring),
 * Keyword (substring of the API's name or id; "KeyWord" is accepted too).
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { apiApps, appScope } from "../src/resources/apiApps.js";
import { ANY_SCOPE, APP_API, apiAppApiInfos, subjectBindings } from "../src/resources/bindings.js";
import * as schema from "../schema/apiApps.js";

type Info = Awaited<ReturnType<typeof apiAppApiInfos>>[number];
const keyword = (i: Info, v: string) => fuzzy(i.ApiName, v) || fuzzy(i.ApiId, v);

export default defineAction({
  name: "DescribeApiAppBindApisStatus",
  input: schema.DescribeApiAppBindApisStatus,
  async handler(input, ctx) {
    const app = await apiApps.get(ctx.db, appScope(ctx.scope), input.ApiAppId);
    const infos = await apiAppApiInfos(ctx.db, await subjectBindings(ctx.db, ANY_SCOPE, APP_API, app.ApiAppId));
    const matched = applyFilters(infos, input.Filters, {
      ApiId: (i, v) => i.ApiId === v,
      ApiName: (i, v) => fuzzy(i.ApiName, v),
      ServiceId: (i, v) => i.ServiceId === v,
      Environment: (i, v) => i.EnvironmentName === v,
      Keyword: keyword,
      KeyWord: keyword,
    });
    const page = paginate(matched, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, ApiAppApiSet: page.items } };
  },
});
