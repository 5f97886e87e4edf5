/**
 * CreateIPStrategy (创建服务IP策略): creates a WHITE or BLACK list of IPs and CIDRs (IPv4 and
 * IPv6, separated by newlines or `;`) in a service; it acts once bound to APIs
 * (BindIPStrategy). Malformed StrategyData: InvalidParameter.FormatError naming the entry.
 * The document names limits without numbers (LimitExceeded.IpStrategyLimitExceeded):
 * config.limits.ipStrategiesPerService (default 50) and config.limits.ipListEntries (entries
 * per list, default 1000).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { newId } from "../src/ids.js";
import { checkStrategyData, ipStrategies, ipStrategyView, type IPStrategyRecord } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "CreateIPStrategy",
  input: schema.CreateIPStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    checkStrategyData(input.StrategyData, ctx.config.limits.ipListEntries);
    const limit = ctx.config.limits.ipStrategiesPerService;
    if ((await ipStrategies.count(ctx.db, ctx.scope, service.ServiceId)) >= limit) {
      throw new ApiError("LimitExceeded.IpStrategyLimitExceeded", `Service \`${service.ServiceId}\` already has ${limit} IP strategies, the limit.`);
    }
    const now = isoTime(ctx.now);
    const strategy: IPStrategyRecord = {
      StrategyId: newId.ipStrategy(),
      StrategyName: input.StrategyName,
      StrategyType: input.StrategyType,
      StrategyData: input.StrategyData,
      ServiceId: service.ServiceId,
      CreatedTime: now,
      ModifiedTime: now,
    };
    await ipStrategies.insert(ctx.db, ctx.scope, strategy.StrategyId, strategy, service.ServiceId);
    return { Result: { ...ipStrategyView(strategy), BindApiTotalCount: 0, BindApis: [] } };
  },
});
