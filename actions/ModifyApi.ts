/**
 * ModifyApi (修改API): replaces an API's definition in the service's draft; callers see the
 * change after the service is released again. Fields left out keep their current values (the
 * document calls the input "全量" but a left-out AuthType must not open a protected API).
 * The frontend protocol cannot change (UnsupportedOperation.ModifyProtocol), and an OAuth
 * authorization API that business APIs rely on keeps that role
 * (UnsupportedOperation.ResourceAssociated). AuthRequired (deprecated) sets AuthType only when
 * AuthType is not given; IsDeleteResponseErrorCodes clears the custom error codes first;
 * TagSpecifications sets one tag.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apis, getServiceApi, type ApiRecord } from "../src/resources/apis.js";
import { applyDefinition, businessApisOf, MODIFY_API_CODES, validateApiDefinition } from "../src/resources/apiDefinition.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apis.js";

const isAuthorizationApi = (a: ApiRecord) => a.AuthType === "OAUTH" && a.ApiBusinessType === "OAUTH";

export default defineAction({
  name: "ModifyApi",
  input: schema.ModifyApi,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const current = await getServiceApi(ctx.db, ctx.scope, service.ServiceId, input.ApiId);
    if (input.Protocol !== undefined && input.Protocol !== current.Protocol) {
      throw new ApiError(
        "UnsupportedOperation.ModifyProtocol",
        `Protocol of API \`${current.ApiId}\` is ${current.Protocol} and cannot change to ${input.Protocol}: create a new API instead.`,
      );
    }

    const next = applyDefinition(input, current);
    if (input.AuthType === undefined && input.AuthRequired !== undefined) {
      if (!input.AuthRequired) next.AuthType = "NONE";
      else if (current.AuthType === "NONE") next.AuthType = "SECRET";
    }
    if (input.IsDeleteResponseErrorCodes) next.ResponseErrorCodes = input.ResponseErrorCodes ?? [];
    if (input.TagSpecifications) {
      const tag = input.TagSpecifications;
      next.Tags = [...current.Tags.filter((t) => t.Key !== tag.Key), { Key: tag.Key, Value: tag.Value }];
    }
    if (isAuthorizationApi(current) && !isAuthorizationApi(next)) {
      const bound = await businessApisOf(ctx.db, ctx.scope, current.ApiId);
      if (bound.length) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAssociated",
          `API \`${current.ApiId}\` is the OAuth authorization API of ${bound.map((a) => a.ApiId).join(", ")}: unbind them before changing AuthType or ApiBusinessType.`,
        );
      }
    }
    next.ModifiedTime = isoTime(ctx.now);

    const siblings = (await apis.list(ctx.db, ctx.scope, service.ServiceId)).filter((a) => a.ApiId !== current.ApiId);
    await validateApiDefinition(next, { db: ctx.db, scope: ctx.scope, siblings, codes: MODIFY_API_CODES });
    await apis.update(ctx.db, ctx.scope, current.ApiId, next);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return {};
  },
});
