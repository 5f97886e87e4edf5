/** A service's environments (test, prepub, release): which release each serves, if any. */
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";

export const ENVIRONMENTS = ["test", "prepub", "release"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export interface EnvironmentState {
  environment: string;
  versionName: string;
  online: boolean;
  updatedAt: string;
}

export async function environmentStates(db: Db, scope: Scope, serviceId: string): Promise<EnvironmentState[]> {
  const rows = await db
    .selectFrom("environments")
    .selectAll()
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("service_id", "=", serviceId)
    .execute();
  return rows
    .map((r) => ({ environment: r.environment, versionName: r.version_name, online: r.status === "online", updatedAt: r.updated_at }))
    .sort((a, b) => ENVIRONMENTS.indexOf(a.environment as EnvironmentName) - ENVIRONMENTS.indexOf(b.environment as EnvironmentName));
}

/** The environments that currently serve a release. */
export async function publishedEnvironments(db: Db, scope: Scope, serviceId: string): Promise<string[]> {
  return (await environmentStates(db, scope, serviceId)).filter((e) => e.online).map((e) => e.environment);
}
