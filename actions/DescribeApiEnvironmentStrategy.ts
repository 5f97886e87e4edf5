/**
 * DescribeApiEnvironmentStrategy (展示API绑定的限流策略): the API throttling values of a
 * service's APIs (or of ApiId alone), for each environment (or those in EnvironmentNames),
 * paged over APIs. Quota -1 means the API follows the service's value (the default);
 * MaxQuota is config.limits.serviceQps. The answer is the SDK's ApiEnvironmentStrategyStatus
 * (the document names a structure, ApiEnvironmentStrategyStataus, it never defines).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { apis } from "../src/resources/apis.js";
import { ENVIRONMENTS } from "../src/resources/environments.js";
import { services } from "../src/resources/services.js";
import { apiStrategies, FOLLOW_SERVICE } from "../src/resources/strategies.js";
import * as schema from "../schema/strategies.js";

export default defineAction({
  name: "DescribeApiEnvironmentStrategy",
  input: schema.DescribeApiEnvironmentStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    let list = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    if (input.ApiId !== undefined) {
      list = list.filter((a) => a.ApiId === input.ApiId);
      if (list.length === 0) throw new ApiError("ResourceNotFound.InvalidApi", `API \`${input.ApiId}\` does not exist in service \`${service.ServiceId}\`.`);
    }
    const envs = input.EnvironmentNames?.length ? [...new Set(input.EnvironmentNames)] : [...ENVIRONMENTS];
    const strategies = await apiStrategies(ctx.db, ctx.scope, service.ServiceId);
    const max = ctx.config.limits.serviceQps;
    const page = paginate(list, input.Limit, input.Offset);
    return {
      Result: {
        TotalCount: page.TotalCount,
        ApiEnvironmentStrategySet: page.items.map((a) => ({
          ApiId: a.ApiId,
          ApiName: a.ApiName,
          Path: a.RequestConfig.Path,
          Method: a.RequestConfig.Method,
          EnvironmentStrategySet: envs.map((env) => ({
            EnvironmentName: env,
            Quota: strategies.get(a.ApiId)?.get(env) ?? FOLLOW_SERVICE,
            MaxQuota: max,
          })),
        })),
      },
    };
  },
});
