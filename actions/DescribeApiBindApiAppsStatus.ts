/**
 * DescribeApiBindApiAppsStatus (查询Api绑定的应用列表): the applications authorized to the
 * given APIs of one of the caller's services (partners' applications included), most recent
 * first, paged. Ids that are not APIs of the service simply match nothing. Filters: ApiAppId,
 * Environment (exact), Keyword (substring of the application's name or id; "KeyWord" too).
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { APP_API, apiAppApiInfos, listApiBindings } from "../src/resources/bindings.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apiApps.js";

type Info = Awaited<ReturnType<typeof apiAppApiInfos>>[number];
const keyword = (i: Info, v: string) => fuzzy(i.ApiAppName, v) || fuzzy(i.ApiAppId, v);

export default defineAction({
  name: "DescribeApiBindApiAppsStatus",
  input: schema.DescribeApiBindApiAppsStatus,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const bindings = await listApiBindings(ctx.db, ctx.scope, { kinds: [APP_API], apiIds: input.ApiIds, serviceId: service.ServiceId });
    const infos = await apiAppApiInfos(ctx.db, bindings.reverse());
    const matched = applyFilters(infos, input.Filters, {
      ApiAppId: (i, v) => i.ApiAppId === v,
      Environment: (i, v) => i.EnvironmentName === v,
      Keyword: keyword,
      KeyWord: keyword,
    });
    const page = paginate(matched, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, ApiAppApiSet: page.items } };
  },
});
