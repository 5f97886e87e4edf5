/**
 * ReleaseService (发布服务): snapshots the service and all its APIs as a new version
 * (yyyyMMddHHmmss + uuid) and publishes it to an environment (test, prepub, release) with the
 * description; the environment's history records it. The gateway serves that snapshot: later
 * edits need another release. ApiIds is reserved by the document ("默认全量api发布"): every
 * API is released whatever it lists. A service without APIs answers FailedOperation.ServiceError;
 * an unknown service answers ResourceNotFound, the code this page documents.
 */
import { ApiError, errors } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apis } from "../src/resources/apis.js";
import { createRelease, publish } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "ReleaseService",
  input: schema.ReleaseService,
  async handler(input, ctx) {
    const service = await services.find(ctx.db, ctx.scope, input.ServiceId);
    if (!service) throw errors.notFound("ResourceNotFound", "Service", input.ServiceId);
    const serviceApis = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    if (!serviceApis.length) {
      throw new ApiError("FailedOperation.ServiceError", `Service \`${service.ServiceId}\` has no API to release: create one with CreateApi first.`);
    }
    const release = await createRelease(ctx.db, ctx.scope, service, serviceApis, input.ReleaseDesc, ctx.now);
    await publish(ctx.db, ctx.scope, service.ServiceId, input.EnvironmentName, { name: release.VersionName, desc: release.VersionDesc }, release.CreatedTime);
    ctx.afterCommit(() => ctx.events.changed({ ...ctx.scope, serviceId: service.ServiceId }));
    return { Result: { ReleaseDesc: release.VersionDesc, ReleaseVersion: release.VersionName } };
  },
});
