/**
 * UnBindIPStrategy (服务解绑IP策略): unbinds an IP strategy from APIs of its service in an
 * environment. An API that is not bound is left as it is; an id that is not an API of the
 * service answers ResourceNotFound.InvalidApi and nothing is unbound. Applies without a
 * re-release.
 */
import { defineAction } from "../src/control/action.js";
import { detachFromApis, IP_STRATEGY_API } from "../src/resources/bindings.js";
import { getServiceStrategy } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "UnBindIPStrategy",
  input: schema.UnBindIPStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const strategy = await getServiceStrategy(ctx.db, ctx.scope, service.ServiceId, input.StrategyId);
    await detachFromApis(ctx, {
      kind: IP_STRATEGY_API,
      subjectId: strategy.StrategyId,
      serviceId: service.ServiceId,
      environment: input.EnvironmentName,
      apiIds: input.UnBindApiIds,
    });
    return { Result: true };
  },
});
