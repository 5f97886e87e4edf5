/**
 * UpdateApiAppKey (更新应用密钥): rotates an application's ApiAppSecret. ApiAppKey names the
 * key being updated and must be the application's current key (else
 * ResourceNotFound.InvalidApiApp: no such key for this application); the key itself stays.
 * The new secret is ApiAppSecret when given (10–50 letters, digits, _ or -), else a generated
 * one. The old secret stops working at once: the gateway is told after commit.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiApps, appScope, generateApiAppSecret } from "../src/resources/apiApps.js";
import { ANY_SCOPE, APP_API, notifySubjectServices } from "../src/resources/bindings.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "UpdateApiAppKey",
  input: schema.UpdateApiAppKey,
  async handler(input, ctx) {
    const scope = appScope(ctx.scope);
    const app = await apiApps.get(ctx.db, scope, input.ApiAppId);
    if (input.ApiAppKey !== app.ApiAppKey) {
      throw new ApiError("ResourceNotFound.InvalidApiApp", `ApiAppKey \`${input.ApiAppKey}\` is not the key of application \`${app.ApiAppId}\`.`);
    }
    await apiApps.update(ctx.db, scope, app.ApiAppId, {
      ...app,
      ApiAppSecret: input.ApiAppSecret ?? generateApiAppSecret(),
      ModifiedTime: isoTime(ctx.now),
    });
    await notifySubjectServices(ctx, ANY_SCOPE, APP_API, app.ApiAppId);
    return { Result: true };
  },
});
