/**
 * DescribeApiForApiApp (应用使用者查询API详情): an API's details (the document's ApiInfo, as
 * DescribeApi answers it) for an application user, in region ApiRegion. The caller sees an
 * API of its own services, or one of another account that one of its applications is
 * authorized to (partner authorization); anything else is not found
 * (ResourceNotFound.InvalidService / ResourceNotFound.InvalidApi).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiInfo, apis } from "../src/resources/apis.js";
import { serviceForAppUser } from "../src/resources/bindings.js";
import { apiEnvironments } from "../src/resources/releases.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "DescribeApiForApiApp",
  input: schema.DescribeApiForApiApp,
  async handler(input, ctx) {
    if (!ctx.config.regions.includes(input.ApiRegion)) {
      throw new ApiError("InvalidParameterValue.InvalidRegion", `ApiRegion \`${input.ApiRegion}\` is not supported here. Supported: ${ctx.config.regions.join(", ")}.`);
    }
    const found = await serviceForAppUser(ctx.db, ctx.scope.appId, input.ApiRegion, input.ServiceId);
    if (!found) throw new ApiError("ResourceNotFound.InvalidService", `Service \`${input.ServiceId}\` does not exist in ${input.ApiRegion}.`);
    const api = await apis.find(ctx.db, found.owner, input.ApiId);
    if (!api || api.ServiceId !== found.service.ServiceId || (found.visibleApiIds !== "all" && !found.visibleApiIds.has(api.ApiId))) {
      throw new ApiError("ResourceNotFound.InvalidApi", `API \`${input.ApiId}\` does not exist in service \`${input.ServiceId}\`.`);
    }
    const environments = (await apiEnvironments(ctx.db, found.owner, found.service.ServiceId)).get(api.ApiId) ?? [];
    return { Result: apiInfo(api, found.service, environments) };
  },
});
