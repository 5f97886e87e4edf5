/**
 * What is bound to an API in the `bindings` table (usage plans, plugins, IP strategies, apps),
 * as far as the API actions need it: DeleteApi refuses an API a usage plan is bound to, and
 * DescribeApisStatus's NotUsagePlanId filter excludes the APIs a plan covers.
 */
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";
import { BIND_API, BIND_SERVICE } from "./usagePlans.js";

/** For each target (an API, or the service: it covers all its APIs), the usage plans bound to it. */
export async function usagePlansByTarget(db: Db, scope: Scope, targetIds: string[]): Promise<Map<string, string[]>> {
  const byTarget = new Map<string, string[]>();
  if (!targetIds.length) return byTarget;
  const rows = await db
    .selectFrom("bindings")
    .select(["subject_id", "target_id"])
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("kind", "in", [BIND_SERVICE, BIND_API])
    .where("target_id", "in", targetIds)
    .execute();
  for (const r of rows) byTarget.set(r.target_id, [...new Set([...(byTarget.get(r.target_id) ?? []), r.subject_id])]);
  return byTarget;
}

/**
 * Removes every binding the API takes part in (apps, IP strategies, plugins, its throttling
 * strategies), for an API that left the draft and no published release serves any more.
 */
export async function removeBindingsOf(db: Db, scope: Scope, apiId: string): Promise<void> {
  await db
    .deleteFrom("bindings")
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where((eb) => eb.or([eb("target_id", "=", apiId), eb("subject_id", "=", apiId)]))
    .execute();
}
