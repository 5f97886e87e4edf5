/**
 * ModifyIPStrategy (修改服务IP策略): replaces an IP strategy's list (StrategyData, checked as
 * on creation: InvalidParameter.FormatError, LimitExceeded.IpStrategyLimitExceeded). Its name
 * and type do not change (no such inputs). Bound APIs follow at once, without a re-release.
 */
import { defineAction } from "../src/control/action.js";
import { IP_STRATEGY_API, notifySubjectServices } from "../src/resources/bindings.js";
import { checkStrategyData, getServiceStrategy, ipStrategies } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "ModifyIPStrategy",
  input: schema.ModifyIPStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const strategy = await getServiceStrategy(ctx.db, ctx.scope, service.ServiceId, input.StrategyId);
    checkStrategyData(input.StrategyData, ctx.config.limits.ipListEntries);
    await ipStrategies.update(ctx.db, ctx.scope, strategy.StrategyId, { ...strategy, StrategyData: input.StrategyData, ModifiedTime: isoTime(ctx.now) });
    await notifySubjectServices(ctx, ctx.scope, IP_STRATEGY_API, strategy.StrategyId);
    return { Result: true };
  },
});
