/**
 * ModifySubDomain (服务修改自定义域名): changes a bound domain's path mapping and, when given,
 * its Protocol, CertificateId, NetType and IsForcedHttps; applies at the gateway at once.
 * Decisions where the page is silent:
 * - IsDefaultMapping true switches to the default mapping (a PathMappingSet given with it is
 *   ignored); false with a PathMappingSet replaces the custom mappings, false without one keeps
 *   the current custom mappings, or answers FailedOperation.SetCustomPathMappingError when there
 *   are none. A bad set answers FailedOperation.PathMappingSetError.
 * - A Protocol with HTTPS needs a certificate: the one given, or the one bound before
 *   (FailedOperation.CertificateIdError otherwise, or for a malformed id).
 * - IsForcedHttps keeps its value unless given; it needs HTTPS (UnsupportedOperation.ForceHttps).
 * - A new NetType rebinds to the service's default domain of that type (FailedOperation.ServiceError
 *   when the service has none).
 * - A domain not bound to this service answers FailedOperation.ServiceError.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import {
  boundDomain,
  checkCertificateId,
  checkPathMappings,
  defaultDomainFor,
  includesHttps,
  serviceOrFail,
  subDomains,
  type SubDomainRecord,
} from "../src/resources/subDomains.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/subDomains.js";

const MAPPING_ERROR = "FailedOperation.PathMappingSetError";

export default defineAction({
  name: "ModifySubDomain",
  input: schema.ModifySubDomain,
  async handler(input, ctx) {
    const service = await serviceOrFail(ctx.db, ctx.scope, input.ServiceId, "FailedOperation.ServiceNotExist");
    const current = await boundDomain(ctx.db, ctx.scope, service.ServiceId, input.SubDomain);
    if (!current) {
      throw new ApiError("FailedOperation.ServiceError", `Domain \`${input.SubDomain}\` is not bound to service \`${service.ServiceId}\`: bind it with BindSubDomain first.`);
    }
    const next: SubDomainRecord = { ...current, ModifiedTime: isoTime(ctx.now) };

    if (input.NetType !== undefined && input.NetType !== current.NetType) {
      const netSubDomain = defaultDomainFor(service, input.NetType);
      if (!netSubDomain) throw new ApiError("FailedOperation.ServiceError", `Service \`${service.ServiceId}\` has no ${input.NetType} network type.`);
      next.NetType = input.NetType;
      next.NetSubDomain = netSubDomain;
    }

    if (input.Protocol !== undefined) next.Protocol = input.Protocol;
    const https = includesHttps(next.Protocol);
    if (https) {
      const certificate = input.CertificateId || current.CertificateId;
      if (!certificate) throw new ApiError("FailedOperation.CertificateIdError", `Protocol \`${next.Protocol}\` includes HTTPS: give the certificate in \`CertificateId\`.`);
      checkCertificateId(certificate, "FailedOperation.CertificateIdError");
      next.CertificateId = certificate;
    } else {
      next.CertificateId = "";
    }
    if (input.IsForcedHttps !== undefined) next.IsForcedHttps = input.IsForcedHttps;
    if (next.IsForcedHttps && !https) {
      if (input.IsForcedHttps) throw new ApiError("UnsupportedOperation.ForceHttps", "`IsForcedHttps` needs a Protocol that includes HTTPS (https or http&https).");
      next.IsForcedHttps = false; // the protocol no longer has HTTPS
    }

    if (input.IsDefaultMapping) {
      next.IsDefaultMapping = true;
      next.PathMappingSet = [];
    } else if (input.PathMappingSet !== undefined) {
      next.IsDefaultMapping = false;
      next.PathMappingSet = checkPathMappings(input.PathMappingSet, {
        empty: "FailedOperation.SetCustomPathMappingError",
        tooMany: MAPPING_ERROR,
        path: MAPPING_ERROR,
        environment: MAPPING_ERROR,
        repeated: MAPPING_ERROR,
      });
    } else if (current.IsDefaultMapping || current.PathMappingSet.length === 0) {
      throw new ApiError("FailedOperation.SetCustomPathMappingError", "`IsDefaultMapping` is false: give the custom path mappings in `PathMappingSet`.");
    }

    await subDomains.update(ctx.db, ctx.scope, current.DomainName, next);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
