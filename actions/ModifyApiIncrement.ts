/**
 * ModifyApiIncrement (增量更新API接口): changes one part of an API without resending it all.
 * The document offers one such change: an OAuth authorization API's public key and login
 * redirect URL (BusinessType OAUTH). Anything else answers InvalidApiBusinessType; a call that
 * changes nothing answers NothingModifyForOauth. Like ModifyApi, it edits the draft.
 */
import { ApiError, errors } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apis, getServiceApi } from "../src/resources/apis.js";
import { isPublicKey } from "../src/resources/apiDefinition.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "ModifyApiIncrement",
  input: schema.ModifyApiIncrement,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const api = await getServiceApi(ctx.db, ctx.scope, service.ServiceId, input.ApiId);
    if (input.BusinessType !== "OAUTH") {
      throw errors.value("BusinessType", "only OAUTH (an OAuth authorization API's settings) can be modified incrementally", "InvalidParameterValue.InvalidApiBusinessType");
    }
    if (api.AuthType !== "OAUTH" || api.ApiBusinessType !== "OAUTH" || !api.OauthConfig) {
      throw new ApiError(
        "InvalidParameterValue.InvalidApiBusinessType",
        `API \`${api.ApiId}\` is not an OAuth authorization API (AuthType OAUTH, ApiBusinessType OAUTH).`,
      );
    }
    if (input.PublicKey === undefined && input.LoginRedirectUrl === undefined) {
      throw new ApiError("InvalidParameterValue.NothingModifyForOauth", "Give PublicKey or LoginRedirectUrl: there is nothing else to modify.");
    }
    if (input.PublicKey !== undefined) {
      if (!isPublicKey(input.PublicKey)) throw errors.value("PublicKey", "must be a public key as a JWK (JSON) or PEM");
      api.OauthConfig.PublicKey = input.PublicKey;
    }
    if (input.LoginRedirectUrl !== undefined) api.OauthConfig.LoginRedirectUrl = input.LoginRedirectUrl;
    api.ModifiedTime = isoTime(ctx.now);
    await apis.update(ctx.db, ctx.scope, api.ApiId, api);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return {};
  },
});
