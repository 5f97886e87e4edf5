/**
 * DescribeServiceForApiApp (应用使用者查询服务详情): a service's details for an application
 * user, in region ApiRegion: description, domains, protocol, published environments and APIs.
 * The caller sees its own services (all their APIs and usage plans), or a service of another
 * account one of its applications is authorized to (partner authorization: only the
 * authorized APIs, no usage plans). Anything else: ResourceNotFound.InvalidService.
 * AvailableEnvironments, NetTypes, ApiIdStatusSet, UsagePlanList and Tags are arrays, as the
 * SDK types them.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiIdStatus, apis } from "../src/resources/apis.js";
import { serviceForAppUser } from "../src/resources/bindings.js";
import { publishedEnvironments } from "../src/resources/environments.js";
import { serviceSummary } from "../src/resources/services.js";
import { serviceUsagePlanList } from "../src/resources/usagePlans.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "DescribeServiceForApiApp",
  input: schema.DescribeServiceForApiApp,
  async handler(input, ctx) {
    if (!ctx.config.regions.includes(input.ApiRegion)) {
      throw new ApiError("InvalidParameterValue.InvalidRegion", `ApiRegion \`${input.ApiRegion}\` is not supported here. Supported: ${ctx.config.regions.join(", ")}.`);
    }
    const found = await serviceForAppUser(ctx.db, ctx.scope.appId, input.ApiRegion, input.ServiceId);
    if (!found) throw new ApiError("ResourceNotFound.InvalidService", `Service \`${input.ServiceId}\` does not exist in ${input.ApiRegion}.`);
    const { service, owner, visibleApiIds } = found;
    const serviceApis = (await apis.list(ctx.db, owner, service.ServiceId)).filter((a) => visibleApiIds === "all" || visibleApiIds.has(a.ApiId));
    const plans = visibleApiIds === "all" ? await serviceUsagePlanList(ctx.db, owner, service.ServiceId) : [];
    const s = serviceSummary(service, await publishedEnvironments(ctx.db, owner, service.ServiceId), ctx.config);
    return {
      ServiceId: s.ServiceId,
      AvailableEnvironments: s.AvailableEnvironments,
      ServiceName: s.ServiceName,
      ServiceDesc: s.ServiceDesc,
      Protocol: s.Protocol,
      CreatedTime: s.CreatedTime,
      ModifiedTime: s.ModifiedTime,
      ExclusiveSetName: s.ExclusiveSetName,
      NetTypes: s.NetTypes,
      InternalSubDomain: s.InnerSubDomain,
      OuterSubDomain: s.OuterSubDomain,
      InnerHttpPort: s.InnerHttpPort,
      InnerHttpsPort: s.InnerHttpsPort,
      ApiTotalCount: serviceApis.length,
      ApiIdStatusSet: serviceApis.map(apiIdStatus),
      UsagePlanTotalCount: plans.length,
      UsagePlanList: plans,
      IpVersion: s.IpVersion,
      UserType: service.AppIdType,
      SetId: 0,
      Tags: s.Tags,
    };
  },
});
