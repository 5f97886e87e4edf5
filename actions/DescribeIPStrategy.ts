/**
 * DescribeIPStrategy (查询IP策略详情): an IP strategy with the APIs it is bound to (the
 * document's IPStrategy; BindApis as DesApisStatus), in EnvironmentName when given, else in
 * any environment (each API once), paged by Limit/Offset in binding order. Filters are
 * reserved by the document: any filter name answers
 * InvalidParameterValue.InvalidFilterNotSupportedName.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, paginate } from "../src/control/listing.js";
import { desApisStatus } from "../src/resources/apis.js";
import { boundApis, IP_STRATEGY_API } from "../src/resources/bindings.js";
import { getServiceStrategy, ipStrategyView } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "DescribeIPStrategy",
  input: schema.DescribeIPStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const strategy = await getServiceStrategy(ctx.db, ctx.scope, service.ServiceId, input.StrategyId);
    applyFilters([], input.Filters, {});
    const bound = await boundApis(ctx.db, ctx.scope, IP_STRATEGY_API, strategy.StrategyId, input.EnvironmentName);
    const page = paginate(bound, input.Limit, input.Offset);
    return { Result: { ...ipStrategyView(strategy), BindApiTotalCount: page.TotalCount, BindApis: page.items.map((a) => desApisStatus(a)) } };
  },
});
