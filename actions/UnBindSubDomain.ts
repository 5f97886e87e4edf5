/**
 * UnBindSubDomain (服务解绑自定义域名): unbinds a custom domain from a service; the gateway stops
 * answering for it at once and the name is free to bind again. A domain that is not bound to
 * this service answers FailedOperation.DomainNotBindService; an unknown service
 * FailedOperation.ServiceNotExist.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { boundDomain, serviceOrFail, subDomains } from "../src/resources/subDomains.js";
import * as schema from "../schema/subDomains.js";

export default defineAction({
  name: "UnBindSubDomain",
  input: schema.UnBindSubDomain,
  async handler(input, ctx) {
    const service = await serviceOrFail(ctx.db, ctx.scope, input.ServiceId, "FailedOperation.ServiceNotExist");
    const domain = await boundDomain(ctx.db, ctx.scope, service.ServiceId, input.SubDomain);
    if (!domain) {
      throw new ApiError("FailedOperation.DomainNotBindService", `Domain \`${input.SubDomain}\` is not bound to service \`${service.ServiceId}\`.`);
    }
    await subDomains.remove(ctx.db, ctx.scope, domain.DomainName);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
