/**
 * ModifyServiceEnvironmentStrategy (修改服务限流策略): sets the service throttling value (QPS)
 * of the listed environments, 0 to config.limits.serviceQps (5000); outside that range:
 * InvalidParameterValue.RangeExceeded. Applies to published environments at once. An unknown
 * service answers ResourceNotFound.InvalidService (not listed on the page, but the code every
 * other service action uses).
 */
import { defineAction } from "../src/control/action.js";
import { services } from "../src/resources/services.js";
import { checkStrategy, setStrategy, STRATEGY_SERVICE } from "../src/resources/strategies.js";
import { notifyServices } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/strategies.js";

export default defineAction({
  name: "ModifyServiceEnvironmentStrategy",
  input: schema.ModifyServiceEnvironmentStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    checkStrategy(input.Strategy, ctx.config.limits.serviceQps, false);
    const now = isoTime(ctx.now);
    for (const env of new Set(input.EnvironmentNames)) {
      await setStrategy(ctx.db, ctx.scope, STRATEGY_SERVICE, service.ServiceId, service.ServiceId, env, input.Strategy, now);
    }
    notifyServices(ctx, [service.ServiceId]);
    return { Result: true };
  },
});
