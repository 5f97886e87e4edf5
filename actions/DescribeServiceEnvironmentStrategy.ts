/**
 * DescribeServiceEnvironmentStrategy (展示服务限流策略): the service throttling value (QPS) of
 * each environment (test, prepub, release) with its URL, publish status (1 published, 0 not)
 * and version. An environment never set allows MaxStrategy, config.limits.serviceQps (5000,
 * the shared-instance maximum).
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { ENVIRONMENTS, environmentStates } from "../src/resources/environments.js";
import { services } from "../src/resources/services.js";
import { environmentUrl, serviceStrategies } from "../src/resources/strategies.js";
import * as schema from "../schema/strategies.js";

export default defineAction({
  name: "DescribeServiceEnvironmentStrategy",
  input: schema.DescribeServiceEnvironmentStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const states = await environmentStates(ctx.db, ctx.scope, service.ServiceId);
    const strategies = await serviceStrategies(ctx.db, ctx.scope, service.ServiceId);
    const max = ctx.config.limits.serviceQps;
    const list = ENVIRONMENTS.map((env) => {
      const state = states.find((s) => s.environment === env);
      return {
        EnvironmentName: env,
        Url: environmentUrl(ctx.config, service, env),
        Status: state?.online ? 1 : 0,
        VersionName: state?.versionName ?? "",
        Strategy: strategies.get(env) ?? max,
        MaxStrategy: max,
      };
    });
    const page = paginate(list, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, EnvironmentList: page.items } };
  },
});
