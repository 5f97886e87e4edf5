/**
 * ModifyService (修改服务): changes a service's name, description, frontend protocol or
 * network types. A network type cannot be removed while an environment is published
 * (UnsupportedOperation.ReduceNetTypes): callers would lose a domain they serve on.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { publishedEnvironments } from "../src/resources/environments.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/services.js";

export default defineAction({
  name: "ModifyService",
  input: schema.ModifyService,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    if (input.NetTypes) {
      const next: string[] = [...new Set(input.NetTypes)];
      const removed = service.NetTypes.filter((t) => !next.includes(t));
      if (removed.length && (await publishedEnvironments(ctx.db, ctx.scope, service.ServiceId)).length) {
        throw new ApiError(
          "UnsupportedOperation.ReduceNetTypes",
          `NetTypes cannot drop ${removed.join(", ")} while the service is published; unrelease it first.`,
        );
      }
      service.NetTypes = next;
    }
    if (input.ServiceName !== undefined) service.ServiceName = input.ServiceName;
    if (input.ServiceDesc !== undefined) service.ServiceDesc = input.ServiceDesc;
    if (input.Protocol !== undefined) service.Protocol = input.Protocol;
    if (input.ProjectId !== undefined) service.ProjectId = input.ProjectId;
    service.ModifiedTime = isoTime(ctx.now);
    await services.update(ctx.db, ctx.scope, service.ServiceId, service);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return {};
  },
});
