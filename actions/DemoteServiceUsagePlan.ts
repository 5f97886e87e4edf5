/**
 * DemoteServiceUsagePlan (服务级别使用计划降级): turns a plan's binding to a whole service
 * environment into bindings to each API the service has now, in that environment. Refused
 * (UnsupportedOperation.NoUsagePlanEnv) when the plan is not bound to the service in that
 * environment, when the environment is not published, or when the service has no API, as the
 * document says. Other SERVICE plans of the environment are left as they are (demote each).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apis } from "../src/resources/apis.js";
import { publishedEnvironments } from "../src/resources/environments.js";
import { services } from "../src/resources/services.js";
import { bindPlan, notifyServices, serviceBindings, unbindPlan, usagePlans } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DemoteServiceUsagePlan",
  input: schema.DemoteServiceUsagePlan,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const env = input.Environment;
    const bound = (await serviceBindings(ctx.db, ctx.scope, service.ServiceId, env)).some(
      (b) => b.kind === "service" && b.usagePlanId === plan.UsagePlanId,
    );
    if (!bound) {
      throw new ApiError("UnsupportedOperation.NoUsagePlanEnv", `Usage plan \`${plan.UsagePlanId}\` is not bound to service \`${service.ServiceId}\` in ${env}.`);
    }
    if (!(await publishedEnvironments(ctx.db, ctx.scope, service.ServiceId)).includes(env)) {
      throw new ApiError("UnsupportedOperation.NoUsagePlanEnv", `Service \`${service.ServiceId}\` is not published in ${env}: only a published environment's plans can be demoted.`);
    }
    const serviceApis = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    if (serviceApis.length === 0) {
      throw new ApiError("UnsupportedOperation.NoUsagePlanEnv", `Service \`${service.ServiceId}\` has no API to demote usage plan \`${plan.UsagePlanId}\` to.`);
    }
    const now = isoTime(ctx.now);
    const base = { usagePlanId: plan.UsagePlanId, serviceId: service.ServiceId, environment: env };
    for (const api of serviceApis) await bindPlan(ctx.db, ctx.scope, { ...base, kind: "api", apiId: api.ApiId }, now);
    await unbindPlan(ctx.db, ctx.scope, { ...base, kind: "service", apiId: "" });
    notifyServices(ctx, [service.ServiceId]);
    return { Result: true };
  },
});
