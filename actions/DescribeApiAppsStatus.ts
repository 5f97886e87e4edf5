/**
 * DescribeApiAppsStatus (查询应用列表): the account's applications, newest first, paged.
 * Filters: ApiAppId (exact), ApiAppName (substring), KeyWord (substring of the name or the
 * id; "Keyword" is accepted too).
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { apiAppInfo, apiApps, appScope, type ApiAppRecord } from "../src/resources/apiApps.js";
import * as schema from "../schema/apiApps.js";

const keyword = (a: ApiAppRecord, v: string) => fuzzy(a.ApiAppName, v) || fuzzy(a.ApiAppId, v);

export default defineAction({
  name: "DescribeApiAppsStatus",
  input: schema.DescribeApiAppsStatus,
  async handler(input, ctx) {
    const all = await apiApps.list(ctx.db, appScope(ctx.scope));
    const matched = applyFilters(all, input.Filters, {
      ApiAppId: (a, v) => a.ApiAppId === v,
      ApiAppName: (a, v) => fuzzy(a.ApiAppName, v),
      KeyWord: keyword,
      Keyword: keyword,
    });
    const page = paginate(matched.reverse(), input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, ApiAppSet: page.items.map(apiAppInfo) } };
  },
});
