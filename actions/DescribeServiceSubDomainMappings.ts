/**
 * DescribeServiceSubDomainMappings (查询自定义域名的路径映射): a bound domain's path mapping:
 * IsDefaultMapping, and the custom PathMappingSet (empty with the default mapping). A domain
 * not bound to this service answers FailedOperation.ServiceError; an unknown service
 * FailedOperation.ServiceNotExist.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { boundDomain, serviceOrFail } from "../src/resources/subDomains.js";
import * as schema from "../schema/subDomains.js";

export default defineAction({
  name: "DescribeServiceSubDomainMappings",
  input: schema.DescribeServiceSubDomainMappings,
  async handler(input, ctx) {
    const service = await serviceOrFail(ctx.db, ctx.scope, input.ServiceId, "FailedOperation.ServiceNotExist");
    const domain = await boundDomain(ctx.db, ctx.scope, service.ServiceId, input.SubDomain);
    if (!domain) throw new ApiError("FailedOperation.ServiceError", `Domain \`${input.SubDomain}\` is not bound to service \`${service.ServiceId}\`.`);
    return { Result: { IsDefaultMapping: domain.IsDefaultMapping, PathMappingSet: domain.PathMappingSet } };
  },
});
