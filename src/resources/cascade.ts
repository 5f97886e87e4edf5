/** Removing a service removes everything that belongs to it. */
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";

export async function deleteServiceTree(db: Db, scope: Scope, serviceId: string): Promise<void> {
  const { appId, region } = scope;
  const apiIds = (
    await db.selectFrom("apis").select("id").where("app_id", "=", appId).where("region", "=", region).where("parent_id", "=", serviceId).execute()
  ).map((r) => r.id);
  // APIs deleted from the draft but still in a release keep their bindings while served.
  const releasedApiIds = (
    await db.selectFrom("releases").select("data").where("app_id", "=", appId).where("region", "=", region).where("parent_id", "=", serviceId).execute()
  ).flatMap((r) => (JSON.parse(r.data) as { Apis: Array<{ ApiId: string }> }).Apis.map((a) => a.ApiId));
  const owned = [...new Set([serviceId, ...apiIds, ...releasedApiIds])];
  await db
    .deleteFrom("bindings")
    .where("app_id", "=", appId)
    .where("region", "=", region)
    .where((eb) => eb.or([eb("target_id", "in", owned), eb("subject_id", "in", owned)]))
    .execute();
  // Custom domains (the host names become free) and API documents go with the service.
  for (const table of ["apis", "releases", "ip_strategies", "sub_domains", "api_docs"] as const) {
    await db.deleteFrom(table).where("app_id", "=", appId).where("region", "=", region).where("parent_id", "=", serviceId).execute();
  }
  for (const table of ["environments", "release_history"] as const) {
    await db.deleteFrom(table).where("app_id", "=", appId).where("region", "=", region).where("service_id", "=", serviceId).execute();
  }
  await db.deleteFrom("artifacts").where("app_id", "=", appId).where("region", "=", region).where("service_id", "=", serviceId).execute();
  await db.deleteFrom("services").where("app_id", "=", appId).where("region", "=", region).where("id", "=", serviceId).execute();
}
