/**
 * DescribeIPStrategysStatus (查询服务IP策略列表; the Action keeps the document's spelling): a
 * service's IP strategies, newest first, each with the APIs it is bound to in any environment.
 * Filter: StrategyName (substring). The page has no Limit/Offset: every match is returned.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy } from "../src/control/listing.js";
import { desApisStatus } from "../src/resources/apis.js";
import { boundApis, IP_STRATEGY_API } from "../src/resources/bindings.js";
import { ipStrategies, ipStrategyView } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "DescribeIPStrategysStatus",
  input: schema.DescribeIPStrategysStatus,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const all = await ipStrategies.list(ctx.db, ctx.scope, service.ServiceId);
    const matched = applyFilters(all, input.Filters, { StrategyName: (s, v) => fuzzy(s.StrategyName, v) }).reverse();
    const set = [];
    for (const s of matched) {
      const bound = await boundApis(ctx.db, ctx.scope, IP_STRATEGY_API, s.StrategyId);
      set.push({ ...ipStrategyView(s), BindApiTotalCount: bound.length, BindApis: bound.map((a) => desApisStatus(a)) });
    }
    return { Result: { TotalCount: set.length, StrategySet: set } };
  },
});
