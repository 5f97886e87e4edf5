/**
 * BindApiApp (绑定应用到API): authorizes an application to call an API of one of the
 * caller's services in an environment. The application may be the caller's or another
 * account's (F1 "partner authorization", by application ID). Authorizing again what is
 * already authorized succeeds and changes nothing. The API's AuthType is not checked: the
 * authorization takes effect when the API uses APP authentication. Applies without a
 * re-release (the gateway is told after commit).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { findAnyApp } from "../src/resources/apiApps.js";
import { APP_API, attachToApis } from "../src/resources/bindings.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "BindApiApp",
  input: schema.BindApiApp,
  async handler(input, ctx) {
    const found = await findAnyApp(ctx.db, input.ApiAppId);
    if (!found) throw new ApiError("ResourceNotFound.InvalidApiApp", `Application \`${input.ApiAppId}\` does not exist.`);
    await attachToApis(ctx, {
      kind: APP_API,
      subjectId: found.app.ApiAppId,
      serviceId: input.ServiceId,
      environment: input.Environment,
      apiIds: [input.ApiId],
    });
    return { Result: true };
  },
});
