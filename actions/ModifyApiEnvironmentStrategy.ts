/**
 * ModifyApiEnvironmentStrategy (修改API限流策略): sets the throttling value (QPS) of APIs of a
 * service in one environment: 0 to config.limits.serviceQps, or -1 to follow the service
 * again (outside: InvalidParameterValue.RangeExceeded). Every ApiId must be an API of the
 * service (ResourceNotFound.InvalidApi). The effective limit is the smaller of API and service.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apis } from "../src/resources/apis.js";
import { services } from "../src/resources/services.js";
import { checkStrategy, setStrategy, STRATEGY_API } from "../src/resources/strategies.js";
import { notifyServices } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/strategies.js";

export default defineAction({
  name: "ModifyApiEnvironmentStrategy",
  input: schema.ModifyApiEnvironmentStrategy,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const apiIds = [...new Set(input.ApiIds)];
    for (const apiId of apiIds) {
      const api = await apis.find(ctx.db, ctx.scope, apiId);
      if (!api || api.ServiceId !== service.ServiceId) {
        throw new ApiError("ResourceNotFound.InvalidApi", `API \`${apiId}\` does not exist in service \`${service.ServiceId}\`.`);
      }
    }
    checkStrategy(input.Strategy, ctx.config.limits.serviceQps, true);
    const now = isoTime(ctx.now);
    for (const apiId of apiIds) {
      await setStrategy(ctx.db, ctx.scope, STRATEGY_API, service.ServiceId, apiId, input.EnvironmentName, input.Strategy, now);
    }
    notifyServices(ctx, [service.ServiceId]);
    return { Result: true };
  },
});
