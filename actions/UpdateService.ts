/**
 * UpdateService (更新服务版本): switches an environment to another released version of the
 * service (a rollback, or a roll forward), and records the switch in the environment's history
 * with UpdateDesc (or the version's own description). The environment serves that version's
 * snapshot from now on, and is online even if it had been taken offline. A version that does
 * not exist, or belongs to another service, answers ResourceNotFound, as does an unknown
 * service: the code this page documents.
 */
import { errors } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { getServiceRelease, publish } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "UpdateService",
  input: schema.UpdateService,
  async handler(input, ctx) {
    const service = await services.find(ctx.db, ctx.scope, input.ServiceId);
    if (!service) throw errors.notFound("ResourceNotFound", "Service", input.ServiceId);
    const release = await getServiceRelease(ctx.db, ctx.scope, service.ServiceId, input.VersionName);
    const desc = input.UpdateDesc ?? release.VersionDesc;
    await publish(ctx.db, ctx.scope, service.ServiceId, input.EnvironmentName, { name: release.VersionName, desc }, isoTime(ctx.now));
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
