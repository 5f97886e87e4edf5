/**
 * BindSecretIds (使用计划绑定密钥): adds keys to a usage plan; with the plan bound to a service
 * environment, callers may sign with those keys. Keys already in the plan are left as they are.
 * Errors: a key that does not exist (ResourceNotFound.InvalidAccessKeyId); a disabled key
 * (UnsupportedOperation.InvalidStatus: enable it first); more than
 * config.limits.apiKeysPerUsagePlan keys in the plan (50) or usagePlansPerApiKey plans for a
 * key (10) (UnsupportedOperation.UnsupportedBindApiKey); a key already held by another plan
 * bound to the same service environment or API (UnsupportedOperation.AlreadyBindUsagePlan,
 * the document's conflict rule).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiKeys } from "../src/resources/apiKeys.js";
import {
  bindKey,
  describeTarget,
  findKeyConflict,
  keysOfPlan,
  notifyServices,
  planBindings,
  plansOfKeys,
  usagePlans,
} from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "BindSecretIds",
  input: schema.BindSecretIds,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    const ids = [...new Set(input.AccessKeyIds)];
    for (const id of ids) {
      const key = await apiKeys.get(ctx.db, ctx.scope, id);
      if (key.Status !== 1) {
        throw new ApiError("UnsupportedOperation.InvalidStatus", `API key \`${id}\` is disabled: enable it (EnableApiKey) before binding it.`);
      }
    }
    const current = await keysOfPlan(ctx.db, ctx.scope, plan.UsagePlanId);
    const added = ids.filter((id) => !current.includes(id));
    const perPlan = ctx.config.limits.apiKeysPerUsagePlan;
    if (current.length + added.length > perPlan) {
      throw new ApiError(
        "UnsupportedOperation.UnsupportedBindApiKey",
        `Usage plan \`${plan.UsagePlanId}\` would hold ${current.length + added.length} keys; at most ${perPlan} keys can be bound to a usage plan.`,
      );
    }
    const perKey = ctx.config.limits.usagePlansPerApiKey;
    for (const [id, plans] of await plansOfKeys(ctx.db, ctx.scope, added)) {
      if (plans.length >= perKey) {
        throw new ApiError("UnsupportedOperation.UnsupportedBindApiKey", `API key \`${id}\` is already bound to ${plans.length} usage plans, the limit.`);
      }
    }
    const targets = await planBindings(ctx.db, ctx.scope, [plan.UsagePlanId]);
    const conflict = await findKeyConflict(ctx.db, ctx.scope, plan.UsagePlanId, added, targets);
    if (conflict) {
      throw new ApiError(
        "UnsupportedOperation.AlreadyBindUsagePlan",
        `API key \`${conflict.keyId}\` is already bound to usage plan \`${conflict.otherPlanId}\`, which like \`${plan.UsagePlanId}\` is bound to ${describeTarget(conflict.target)}: plans bound to the same environment cannot share a key.`,
      );
    }
    const now = isoTime(ctx.now);
    for (const id of added) await bindKey(ctx.db, ctx.scope, plan.UsagePlanId, id, now);
    notifyServices(ctx, targets.map((t) => t.serviceId));
    return { Result: true };
  },
});
