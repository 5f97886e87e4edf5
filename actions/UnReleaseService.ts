/**
 * UnReleaseService (下线服务): takes a service offline in one environment; its APIs there stop
 * answering. An environment that is not published cannot be taken offline
 * (FailedOperation.ServiceError). ApiIds is reserved by the document: the whole environment
 * goes offline. The environment keeps its versions: ReleaseService or UpdateService bring it back.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { environmentStates } from "../src/resources/environments.js";
import { unpublish } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "UnReleaseService",
  input: schema.UnReleaseService,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const state = (await environmentStates(ctx.db, ctx.scope, service.ServiceId)).find((e) => e.environment === input.EnvironmentName);
    if (!state?.online) {
      throw new ApiError(
        "FailedOperation.ServiceError",
        `Service \`${service.ServiceId}\` is not published in environment \`${input.EnvironmentName}\`: there is nothing to take offline.`,
      );
    }
    await unpublish(ctx.db, ctx.scope, service.ServiceId, input.EnvironmentName, isoTime(ctx.now));
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
