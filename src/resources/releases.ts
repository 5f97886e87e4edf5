/**
 * Releases: ReleaseService stores an immutable snapshot of the service and its APIs as a
 * version; each environment points at one version and is online or offline. The gateway
 * serves the snapshot an online environment points at, never the live draft.
 */
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import type { ApiRecord } from "./apis.js";
import type { ServiceRecord } from "./services.js";

export interface ReleaseRecord {
  ServiceId: string;
  VersionName: string;
  VersionDesc: string;
  CreatedTime: string;
  /** The service's settings at release time (protocol, net types, domains). */
  Service: ServiceRecord;
  /** The APIs as they were at release time. */
  Apis: ApiRecord[];
}

export const releases = repository<ReleaseRecord>("releases", (id) =>
  new ApiError("ResourceNotFound.InvalidVersion", `Release version \`${id}\` does not exist for this service.`),
);

/** Points an environment at a version, online, and records it in the environment's history. */
export async function publish(
  db: Db,
  scope: Scope,
  serviceId: string,
  environment: string,
  version: { name: string; desc: string },
  at: string,
): Promise<void> {
  const row = {
    app_id: scope.appId,
    region: scope.region,
    service_id: serviceId,
    environment,
    version_name: version.name,
    status: "online",
    updated_at: at,
  };
  await db
    .insertInto("environments")
    .values(row)
    .onConflict((oc) => oc.columns(["service_id", "environment"]).doUpdateSet({ version_name: version.name, status: "online", updated_at: at }))
    .execute();
  await db
    .insertInto("release_history")
    .values({
      app_id: scope.appId,
      region: scope.region,
      service_id: serviceId,
      environment,
      version_name: version.name,
      version_desc: version.desc,
      released_at: at,
    })
    .execute();
}

/** Takes an environment offline; it keeps pointing at its last version. */
export async function unpublish(db: Db, scope: Scope, serviceId: string, environment: string, at: string): Promise<void> {
  await db
    .updateTable("environments")
    .set({ status: "offline", updated_at: at })
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("service_id", "=", serviceId)
    .where("environment", "=", environment)
    .execute();
}
