/**
 * BindIPStrategy (API绑定IP策略): binds an IP strategy to APIs of its service in an
 * environment. An API has at most one IP strategy per environment: an API bound to another
 * one is refused (UnsupportedOperation.InvalidAction) and nothing is bound. Binding again what
 * is bound changes nothing. Applies without a re-release.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { attachToApis, IP_STRATEGY_API } from "../src/resources/bindings.js";
import { getServiceStrategy } from "../src/resources/ipStrategies.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/ipStrategies.js";

export default defineAction({
  name: "BindIPStrategy",
  input: schema.BindIPStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const strategy = await getServiceStrategy(ctx.db, ctx.scope, service.ServiceId, input.StrategyId);
    await attachToApis(ctx, {
      kind: IP_STRATEGY_API,
      subjectId: strategy.StrategyId,
      serviceId: service.ServiceId,
      environment: input.EnvironmentName,
      apiIds: input.BindApiIds,
      conflict: (api, bound) =>
        bound.length
          ? new ApiError(
              "UnsupportedOperation.InvalidAction",
              `API \`${api.ApiId}\` is already bound to IP strategy \`${bound[0]!.subjectId}\` in ${input.EnvironmentName}: an API has one IP strategy per environment. Unbind it first.`,
            )
          : undefined,
    });
    return { Result: true };
  },
});
