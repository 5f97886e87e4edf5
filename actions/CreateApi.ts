/**
 * CreateApi (创建API): creates an API in a service: its frontend (protocol, path, method,
 * parameters), its backend (HTTP, MOCK, SCF, TSF, COS, VPC, WEBSOCKET, TARGET) and its
 * authentication. The definition is checked as the gateway will serve it
 * (src/resources/apiDefinition.ts) with the codes this page documents. The API joins the
 * service's draft: callers reach it only after ReleaseService.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { newId } from "../src/ids.js";
import { apis } from "../src/resources/apis.js";
import { applyDefinition, CREATE_API_CODES, newApiDefaults, validateApiDefinition } from "../src/resources/apiDefinition.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "CreateApi",
  input: schema.CreateApi,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const siblings = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    const limit = ctx.config.limits.apisPerService;
    if (siblings.length >= limit) {
      throw new ApiError("LimitExceeded.ApiCountLimitExceeded", `Service \`${service.ServiceId}\` already has ${limit} APIs, the limit.`);
    }
    const now = isoTime(ctx.now);
    const api = applyDefinition(input, newApiDefaults(service.ServiceId));
    Object.assign(api, { ApiId: newId.api(), CreatedTime: now, ModifiedTime: now });
    await validateApiDefinition(api, { db: ctx.db, scope: ctx.scope, siblings, codes: CREATE_API_CODES });
    await apis.insert(ctx.db, ctx.scope, api.ApiId, api, service.ServiceId);
    return {
      Result: {
        ApiId: api.ApiId,
        Path: api.RequestConfig.Path,
        Method: api.RequestConfig.Method,
        // The document calls it CreateTime, the SDK CreatedTime: both are answered.
        CreateTime: now,
        CreatedTime: now,
      },
    };
  },
});
