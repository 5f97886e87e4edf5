/**
 * DeleteApiApp (删除应用): deletes an application of the account. Refused while it is
 * authorized to any API, in any environment, region or account
 * (UnsupportedOperation.ResourceAssociated): unbind it first (UnbindApiApp).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiApps, appScope } from "../src/resources/apiApps.js";
import { ANY_SCOPE, APP_API, subjectBindings } from "../src/resources/bindings.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "DeleteApiApp",
  input: schema.DeleteApiApp,
  async handler(input, ctx) {
    const scope = appScope(ctx.scope);
    const app = await apiApps.get(ctx.db, scope, input.ApiAppId);
    const bound = await subjectBindings(ctx.db, ANY_SCOPE, APP_API, app.ApiAppId);
    if (bound.length) {
      const where = bound.slice(0, 5).map((b) => `${b.apiId} (${b.environment})`).join(", ");
      throw new ApiError(
        "UnsupportedOperation.ResourceAssociated",
        `Application \`${app.ApiAppId}\` is authorized to ${bound.length} API(s): ${where}${bound.length > 5 ? ", …" : ""}. Unbind it (UnbindApiApp) before deleting it.`,
      );
    }
    await apiApps.remove(ctx.db, scope, app.ApiAppId);
    return { Result: true };
  },
});
