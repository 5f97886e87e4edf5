/**
 * Releases: ReleaseService stores an immutable snapshot of the service and its APIs as a
 * version; each environment points at one version and is online or offline. The gateway
 * serves the snapshot an online environment points at, never the live draft.
 */
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import { releaseVersion } from "../ids.js";
import { isoTime } from "../time.js";
import type { ApiRecord } from "./apis.js";
import { environmentStates } from "./environments.js";
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

/** An unknown version answers ResourceNotFound, the code UpdateService documents. */
export const releases = repository<ReleaseRecord>("releases", (id) =>
  new ApiError("ResourceNotFound", `Release version \`${id}\` does not exist for this service.`),
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

/**
 * Stores an immutable snapshot of the service and its APIs as a new version (ReleaseService).
 * Deep copies: later edits of the draft never reach the snapshot.
 */
export async function createRelease(
  db: Db,
  scope: Scope,
  service: ServiceRecord,
  serviceApis: ApiRecord[],
  desc: string,
  now: Date,
): Promise<ReleaseRecord> {
  const record: ReleaseRecord = structuredClone({
    ServiceId: service.ServiceId,
    VersionName: releaseVersion(now),
    VersionDesc: desc,
    CreatedTime: isoTime(now),
    Service: service,
    Apis: serviceApis,
  });
  await releases.insert(db, scope, record.VersionName, record, service.ServiceId);
  return record;
}

/** A version of this service; another service's version is not found either. */
export async function getServiceRelease(db: Db, scope: Scope, serviceId: string, versionName: string): Promise<ReleaseRecord> {
  const release = await releases.find(db, scope, versionName);
  if (!release || release.ServiceId !== serviceId) {
    throw new ApiError("ResourceNotFound", `Release version \`${versionName}\` does not exist for service \`${serviceId}\`.`);
  }
  return release;
}

/** The service's versions, newest first. */
export async function serviceReleases(db: Db, scope: Scope, serviceId: string): Promise<ReleaseRecord[]> {
  return (await releases.list(db, scope, serviceId)).reverse();
}

export interface ReleaseHistoryEntry {
  VersionName: string;
  VersionDesc: string;
  ReleaseTime: string;
}

/** Every release of one environment (UpdateService switches included), newest first. */
export async function environmentHistory(db: Db, scope: Scope, serviceId: string, environment: string): Promise<ReleaseHistoryEntry[]> {
  const rows = await db
    .selectFrom("release_history")
    .select(["version_name", "version_desc", "released_at"])
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("service_id", "=", serviceId)
    .where("environment", "=", environment)
    .orderBy("seq", "desc")
    .execute();
  return rows.map((r) => ({ VersionName: r.version_name, VersionDesc: r.version_desc, ReleaseTime: r.released_at }));
}

/** For each API of the service, the online environments whose release contains it. */
export async function apiEnvironments(db: Db, scope: Scope, serviceId: string): Promise<Map<string, string[]>> {
  const byApi = new Map<string, string[]>();
  for (const env of await environmentStates(db, scope, serviceId)) {
    if (!env.online) continue;
    const release = await releases.find(db, scope, env.versionName);
    for (const api of release?.Apis ?? []) byApi.set(api.ApiId, [...(byApi.get(api.ApiId) ?? []), env.environment]);
  }
  return byApi;
}
