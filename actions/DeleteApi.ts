/**
 * DeleteApi (删除API): removes an API from the service's draft. Environments that serve a
 * release containing it keep serving it until the service is released again or taken offline
 * (the release is an immutable snapshot). Refused while a usage plan is bound to the API
 * (FailedOperation.ApiBindEnvironmen, the document's spelling) or while it is the OAuth
 * authorization API of business APIs (UnsupportedOperation.UnsupportedDeleteApi). Its other
 * bindings (plugins, IP strategies, apps) go with it, unless a published release still serves
 * it: then they keep protecting the published copy.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { removeBindingsOf, usagePlansByTarget } from "../src/resources/apiBindings.js";
import { apis, getServiceApi } from "../src/resources/apis.js";
import { businessApisOf } from "../src/resources/apiDefinition.js";
import { apiEnvironments } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "DeleteApi",
  input: schema.DeleteApi,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const api = await getServiceApi(ctx.db, ctx.scope, service.ServiceId, input.ApiId);
    const business = await businessApisOf(ctx.db, ctx.scope, api.ApiId);
    if (business.length) {
      throw new ApiError(
        "UnsupportedOperation.UnsupportedDeleteApi",
        `API \`${api.ApiId}\` is the OAuth authorization API of ${business.map((a) => a.ApiId).join(", ")}: unbind or delete them first.`,
      );
    }
    const plans = (await usagePlansByTarget(ctx.db, ctx.scope, [api.ApiId])).get(api.ApiId) ?? [];
    if (plans.length) {
      throw new ApiError(
        "FailedOperation.ApiBindEnvironmen",
        `API \`${api.ApiId}\` is bound to usage plan ${plans.join(", ")}: unbind it (UnBindEnvironment) before deleting the API.`,
      );
    }
    await apis.remove(ctx.db, ctx.scope, api.ApiId);
    const stillServed = (await apiEnvironments(ctx.db, ctx.scope, service.ServiceId)).has(api.ApiId);
    if (!stillServed) await removeBindingsOf(ctx.db, ctx.scope, api.ApiId);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
