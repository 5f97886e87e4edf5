/**
 * DeleteService (删除服务): deletes a service with its APIs, releases and bindings. A service
 * published in any environment is refused (UnsupportedOperation.UnsupportedDeleteService):
 * unrelease it first, as the console requires.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { publishedEnvironments } from "../src/resources/environments.js";
import { services } from "../src/resources/services.js";
import { deleteServiceTree } from "../src/resources/cascade.js";
import * as schema from "../schema/services.js";

export default defineAction({
  name: "DeleteService",
  input: schema.DeleteService,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const published = await publishedEnvironments(ctx.db, ctx.scope, service.ServiceId);
    if (published.length) {
      throw new ApiError(
        "UnsupportedOperation.UnsupportedDeleteService",
        `Service \`${service.ServiceId}\` is published in ${published.join(", ")}: unrelease it (UnReleaseService) before deleting it.`,
      );
    }
    await deleteServiceTree(ctx.db, ctx.scope, service.ServiceId);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: true };
  },
});
