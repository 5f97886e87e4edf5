/**
 * CreateApiApp (创建应用): creates an application with a generated key pair: ApiAppKey
 * ("APID" and 36 letters and digits) and ApiAppSecret (40 letters and digits). Applications
 * belong to the account, not to a region (src/resources/apiApps.ts). The document names a
 * count limit without a number: config.limits.apiAppsPerAccount, default 1000
 * (LimitExceeded.ApiAppCountLimitExceeded).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiAppInfo, apiApps, appScope, generateApiAppKey, generateApiAppSecret, newApiAppId, type ApiAppRecord } from "../src/resources/apiApps.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "CreateApiApp",
  input: schema.CreateApiApp,
  async handler(input, ctx) {
    const scope = appScope(ctx.scope);
    const limit = ctx.config.limits.apiAppsPerAccount;
    if ((await apiApps.count(ctx.db, scope)) >= limit) {
      throw new ApiError("LimitExceeded.ApiAppCountLimitExceeded", `This account already has ${limit} applications, the limit.`);
    }
    const now = isoTime(ctx.now);
    const app: ApiAppRecord = {
      ApiAppId: await newApiAppId(ctx.db),
      ApiAppName: input.ApiAppName,
      ApiAppDesc: input.ApiAppDesc ?? "",
      ApiAppKey: generateApiAppKey(),
      ApiAppSecret: generateApiAppSecret(),
      ProjectId: input.ProjectId ?? "0",
      Tags: input.Tags ?? [],
      CreatedTime: now,
      ModifiedTime: now,
    };
    await apiApps.insert(ctx.db, scope, app.ApiAppId, app);
    return { Result: apiAppInfo(app) };
  },
});
