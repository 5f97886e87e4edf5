/**
 * ModifyApiApp (修改应用): changes an application's name, description or project. Its key
 * pair is unchanged (UpdateApiAppKey rotates the secret); the gateway, whose view names the
 * application, is told when the name changes.
 */
import { defineAction } from "../src/control/action.js";
import { apiApps, appScope } from "../src/resources/apiApps.js";
import { ANY_SCOPE, APP_API, notifySubjectServices } from "../src/resources/bindings.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "ModifyApiApp",
  input: schema.ModifyApiApp,
  async handler(input, ctx) {
    const scope = appScope(ctx.scope);
    const app = await apiApps.get(ctx.db, scope, input.ApiAppId);
    await apiApps.update(ctx.db, scope, app.ApiAppId, {
      ...app,
      ApiAppName: input.ApiAppName ?? app.ApiAppName,
      ApiAppDesc: input.ApiAppDesc ?? app.ApiAppDesc,
      ProjectId: input.ProjectId ?? app.ProjectId,
      ModifiedTime: isoTime(ctx.now),
    });
    if (input.ApiAppName !== undefined) await notifySubjectServices(ctx, ANY_SCOPE, APP_API, app.ApiAppId);
    return { Result: true };
  },
});
