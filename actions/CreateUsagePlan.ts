/**
 * CreateUsagePlan (创建使用计划): creates a usage plan with an optional QPS limit
 * (MaxRequestNumPreSec) and total quota (MaxRequestNum), both -1 (off) by default. It takes
 * effect once keys are bound to it (BindSecretIds) and it is bound to a service environment or
 * APIs (BindEnvironment). At most config.limits.usagePlansPerRegion plans (document: 200).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { newId } from "../src/ids.js";
import { usagePlanInfo, usagePlans, type UsagePlanRecord } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "CreateUsagePlan",
  input: schema.CreateUsagePlan,
  async handler(input, ctx) {
    const limit = ctx.config.limits.usagePlansPerRegion;
    if ((await usagePlans.count(ctx.db, ctx.scope)) >= limit) {
      throw new ApiError("LimitExceeded.UsagePlanLimitExceeded", `This account already has ${limit} usage plans in ${ctx.scope.region}, the limit.`);
    }
    const now = isoTime(ctx.now);
    const record: UsagePlanRecord = {
      UsagePlanId: newId.usagePlan(),
      UsagePlanName: input.UsagePlanName,
      UsagePlanDesc: input.UsagePlanDesc ?? "",
      MaxRequestNum: input.MaxRequestNum ?? -1,
      MaxRequestNumPreSec: input.MaxRequestNumPreSec ?? -1,
      Tags: input.Tags ?? [],
      CreatedTime: now,
      ModifiedTime: now,
    };
    await usagePlans.insert(ctx.db, ctx.scope, record.UsagePlanId, record);
    return { Result: await usagePlanInfo(ctx.db, ctx.scope, record) };
  },
});
