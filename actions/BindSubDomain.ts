/**
 * BindSubDomain (服务绑定自定义域名): binds a custom domain to a service; the gateway serves the
 * service on it at once (DATAPLANE §1.4). Decisions where the page is silent:
 * - A domain binds to one service in the whole store (it is a host name):
 *   FailedOperation.DomainAlreadyBindService when this service has it already,
 *   FailedOperation.DomainAlreadyBindOtherService when another service (of any account) has it.
 *   Domains under the gateway's own suffix (APIGW_DOMAIN_SUFFIX) are refused
 *   (FailedOperation.DomainInBlackList). The CNAME is not checked (F2:L742).
 * - At most 5 per service (APIGW_LIMIT_DOMAINS_PER_SERVICE): LimitExceeded.ExceededDomainLimit.
 * - NetSubDomain must be the service's default domain of NetType: FailedOperation.NetSubDomainError.
 * - HTTPS (https, http&https) needs CertificateId (FailedOperation.CertificateIsNull), an id of
 *   1–64 letters, digits, `_` or `-` (FailedOperation.CertificateIdError). There is no
 *   certificate store locally: the gateway's HTTPS listener serves every domain with the
 *   APIGW_TLS_CERT certificate. With Protocol http the CertificateId is ignored.
 * - IsForcedHttps needs HTTPS in Protocol (UnsupportedOperation.ForceHttps).
 * - IsDefaultMapping false needs 1–3 PathMappingSet entries (FailedOperation.DefineMappingNotNull,
 *   LimitExceeded.ExceededDefineMappingLimit, …PathError, …EnvironmentError, …ParamRepeat);
 *   IsDefaultMapping true with a PathMappingSet is contradictory (FailedOperation.IsDefaultMapping).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import {
  checkPathMappings,
  defaultDomainFor,
  domainOwner,
  includesHttps,
  isReservedDomain,
  serviceOrFail,
  subDomains,
  checkCertificateId,
  type SubDomainRecord,
} from "../src/resources/subDomains.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/subDomains.js";

export default defineAction({
  name: "BindSubDomain",
  input: schema.BindSubDomain,
  async handler(input, ctx) {
    const service = await serviceOrFail(ctx.db, ctx.scope, input.ServiceId, "ResourceNotFound.InvalidService");
    const domain = input.SubDomain.toLowerCase();
    if (isReservedDomain(ctx.config, domain)) {
      throw new ApiError("FailedOperation.DomainInBlackList", `Domain \`${domain}\` is under the gateway's own domain \`${ctx.config.domainSuffix}\` and cannot be bound.`);
    }
    const expected = defaultDomainFor(service, input.NetType);
    if (!expected || input.NetSubDomain.toLowerCase() !== expected.toLowerCase()) {
      throw new ApiError(
        "FailedOperation.NetSubDomainError",
        expected
          ? `\`NetSubDomain\` must be the service's ${input.NetType} default domain \`${expected}\`, got \`${input.NetSubDomain}\`.`
          : `Service \`${service.ServiceId}\` has no ${input.NetType} network type, so it has no ${input.NetType} default domain to bind to.`,
      );
    }
    const owner = await domainOwner(ctx.db, domain);
    if (owner) {
      const same = owner.appId === ctx.scope.appId && owner.region === ctx.scope.region && owner.serviceId === service.ServiceId;
      throw same
        ? new ApiError("FailedOperation.DomainAlreadyBindService", `Domain \`${domain}\` is already bound to service \`${service.ServiceId}\`.`)
        : new ApiError("FailedOperation.DomainAlreadyBindOtherService", `Domain \`${domain}\` is already bound to another service: unbind it there first.`);
    }
    const limit = ctx.config.limits.domainsPerService;
    if ((await subDomains.count(ctx.db, ctx.scope, service.ServiceId)) >= limit) {
      throw new ApiError("LimitExceeded.ExceededDomainLimit", `Service \`${service.ServiceId}\` already has ${limit} custom domains, the limit.`);
    }
    const https = includesHttps(input.Protocol);
    if (https && !input.CertificateId) {
      throw new ApiError("FailedOperation.CertificateIsNull", `Protocol \`${input.Protocol}\` includes HTTPS: give the certificate in \`CertificateId\`.`);
    }
    if (https) checkCertificateId(input.CertificateId!, "FailedOperation.CertificateIdError");
    if (input.IsForcedHttps && !https) {
      throw new ApiError("UnsupportedOperation.ForceHttps", "`IsForcedHttps` needs a Protocol that includes HTTPS (https or http&https).");
    }
    let mappings: SubDomainRecord["PathMappingSet"] = [];
    if (input.IsDefaultMapping) {
      if (input.PathMappingSet?.length) {
        throw new ApiError("FailedOperation.IsDefaultMapping", "`PathMappingSet` is given but `IsDefaultMapping` is true: set it to false to use custom path mappings.");
      }
    } else {
      mappings = checkPathMappings(input.PathMappingSet, {
        empty: "FailedOperation.DefineMappingNotNull",
        tooMany: "LimitExceeded.ExceededDefineMappingLimit",
        path: "FailedOperation.DefineMappingPathError",
        environment: "FailedOperation.DefineMappingEnvironmentError",
        repeated: "FailedOperation.DefineMappingParamRepeat",
      });
    }
    const now = isoTime(ctx.now);
    const record: SubDomainRecord = {
      DomainName: domain,
      ServiceId: service.ServiceId,
      Protocol: input.Protocol,
      NetType: input.NetType,
      NetSubDomain: expected,
      CertificateId: https ? input.CertificateId! : "",
      IsDefaultMapping: input.IsDefaultMapping,
      PathMappingSet: mappings,
      IsForcedHttps: input.IsForcedHttps ?? false,
      CreatedTime: now,
      ModifiedTime: now,
    };
    await subDomains.insert(ctx.db, ctx.scope, domain, record, service.ServiceId);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
