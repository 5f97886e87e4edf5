/**
 * DescribeIPStrategyApisStatus (查询IP策略绑定的API列表): the APIs of the service the strategy
 * can still be bound to in an environment, i.e. all the service's APIs minus those already
 * bound to it there (the document's definition), oldest first, paged. An API bound to another
 * strategy in that environment says so (OtherIPStrategyId, OtherEnvironmentName); binding it
 * would be refused (one IP strategy per API and environment). Filters: ApiPath, ApiName
 * (substring), KeyWord (substring of the path or the name; "Keyword" too).
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { apis, type ApiRecord } from "../src/resources/apis.js";
import { IP_STRATEGY_API, listApiBindings } from "../src/resources/bindings.js";
import { getServiceStrategy } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/ipStrategies.js";

const keyword = (a: ApiRecord, v: string) => fuzzy(a.RequestConfig.Path, v) || fuzzy(a.ApiName, v);

export default defineAction({
  name: "DescribeIPStrategyApisStatus",
  input: schema.DescribeIPStrategyApisStatus,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const strategy = await getServiceStrategy(ctx.db, ctx.scope, service.ServiceId, input.StrategyId);
    const all = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    const bindings = await listApiBindings(ctx.db, ctx.scope, { kinds: [IP_STRATEGY_API], serviceId: service.ServiceId, environment: input.EnvironmentName });
    const mine = new Set(bindings.filter((b) => b.subjectId === strategy.StrategyId).map((b) => b.apiId));
    const other = new Map(bindings.filter((b) => b.subjectId !== strategy.StrategyId).map((b) => [b.apiId, b]));
    const candidates = applyFilters(
      all.filter((a) => !mine.has(a.ApiId)),
      input.Filters,
      { ApiPath: (a, v) => fuzzy(a.RequestConfig.Path, v), ApiName: (a, v) => fuzzy(a.ApiName, v), KeyWord: keyword, Keyword: keyword },
    );
    const page = paginate(candidates, input.Limit, input.Offset);
    return {
      Result: {
        TotalCount: page.TotalCount,
        ApiIdStatusSet: page.items.map((a) => ({
          ApiId: a.ApiId,
          ApiName: a.ApiName,
          ApiType: a.ApiType,
          Path: a.RequestConfig.Path,
          Method: a.RequestConfig.Method,
          OtherIPStrategyId: other.get(a.ApiId)?.subjectId ?? "",
          OtherEnvironmentName: other.get(a.ApiId)?.environment ?? "",
        })),
      },
    };
  },
});
