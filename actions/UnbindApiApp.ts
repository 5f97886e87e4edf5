/**
 * UnbindApiApp (解除应用和API绑定关系): withdraws an application's authorization to an API in
 * an environment. Withdrawing one that does not exist succeeds and changes nothing (the API
 * must still be an API of the service: ResourceNotFound.InvalidApi). Applies without a
 * re-release.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { findAnyApp } from "../src/resources/apiApps.js";
import { APP_API, detachFromApis } from "../src/resources/bindings.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "UnbindApiApp",
  input: schema.UnbindApiApp,
  async handler(input, ctx) {
    const found = await findAnyApp(ctx.db, input.ApiAppId);
    if (!found) throw new ApiError("ResourceNotFound.InvalidApiApp", `Application \`${input.ApiAppId}\` does not exist.`);
    await detachFromApis(ctx, {
      kind: APP_API,
      subjectId: found.app.ApiAppId,
      serviceId: input.ServiceId,
      environment: input.Environment,
      apiIds: [input.ApiId],
    });
    return { Result: true };
  },
});
