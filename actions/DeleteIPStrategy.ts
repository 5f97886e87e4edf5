/**
 * DeleteIPStrategy (删除服务IP策略): deletes an IP strategy of a service. Refused while it is
 * bound to APIs of the service (ResourceInUse, the common code "资源被占用"; the page lists no
 * business code for it): unbind them first (UnBindIPStrategy). Bindings left on APIs deleted
 * from the draft go with it.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apisOf, IP_STRATEGY_API, removeSubjectBindings, subjectBindings } from "../src/resources/bindings.js";
import { getServiceStrategy, ipStrategies } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "DeleteIPStrategy",
  input: schema.DeleteIPStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const strategy = await getServiceStrategy(ctx.db, ctx.scope, service.ServiceId, input.StrategyId);
    const bindings = await subjectBindings(ctx.db, ctx.scope, IP_STRATEGY_API, strategy.StrategyId);
    const live = await apisOf(ctx.db, bindings);
    const inUse = bindings.filter((b) => live.has(b.apiId));
    if (inUse.length) {
      throw new ApiError(
        "ResourceInUse",
        `IP strategy \`${strategy.StrategyId}\` is bound to ${inUse.map((b) => `${b.apiId} (${b.environment})`).join(", ")}: unbind it (UnBindIPStrategy) before deleting it.`,
      );
    }
    await removeSubjectBindings(ctx.db, IP_STRATEGY_API, strategy.StrategyId);
    await ipStrategies.remove(ctx.db, ctx.scope, strategy.StrategyId);
    if (bindings.length) ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
