/**
 * DeleteServiceSubDomainMapping (删除自定义域名的路径映射): removes one environment's custom path
 * mapping from a bound domain; applies at the gateway at once. As the page says, removing the
 * last mapping fails (FailedOperation.DeletePathMappingSetError: switch to the default mapping
 * with ModifySubDomain, or unbind the domain, instead); so do a domain on the default mapping, an
 * environment without a mapping and a domain not bound to the service.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { boundDomain, serviceOrFail, subDomains } from "../src/resources/subDomains.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/subDomains.js";

const FAILED = "FailedOperation.DeletePathMappingSetError";

export default defineAction({
  name: "DeleteServiceSubDomainMapping",
  input: schema.DeleteServiceSubDomainMapping,
  async handler(input, ctx) {
    const service = await serviceOrFail(ctx.db, ctx.scope, input.ServiceId, "FailedOperation.ServiceNotExist");
    const domain = await boundDomain(ctx.db, ctx.scope, service.ServiceId, input.SubDomain);
    if (!domain) throw new ApiError(FAILED, `Domain \`${input.SubDomain}\` is not bound to service \`${service.ServiceId}\`.`);
    if (domain.IsDefaultMapping) throw new ApiError(FAILED, `Domain \`${domain.DomainName}\` uses the default path mapping: it has no custom mapping to delete.`);
    const rest = domain.PathMappingSet.filter((m) => m.Environment !== input.Environment);
    if (rest.length === domain.PathMappingSet.length) {
      throw new ApiError(FAILED, `Domain \`${domain.DomainName}\` has no path mapping for environment \`${input.Environment}\`.`);
    }
    if (rest.length === 0) {
      throw new ApiError(
        FAILED,
        `\`${input.Environment}\` is the last path mapping of \`${domain.DomainName}\`: switch to the default mapping (ModifySubDomain) or unbind the domain instead.`,
      );
    }
    await subDomains.update(ctx.db, ctx.scope, domain.DomainName, { ...domain, PathMappingSet: rest, ModifiedTime: isoTime(ctx.now) });
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
