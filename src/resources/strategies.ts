/**
 * Throttling strategies (限流策略): a QPS value per service environment, and per API
 * environment. Stored in `bindings`:
 *
 * | kind               | subject_id | target_id | environment | data           |
 * |--------------------|------------|-----------|-------------|----------------|
 * | "strategy-service" | serviceId  | serviceId | env         | {"Strategy":n} |
 * | "strategy-api"     | serviceId  | apiId     | env         | {"Strategy":n} |
 *
 * No row means the default: a service environment allows `config.limits.serviceQps` (the
 * shared-instance maximum, 5000); an API environment follows its service (-1).
 * A value 0 blocks every call. The smallest applicable limit wins (DATAPLANE §6.1).
 */
import type { Config } from "../config.js";
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";
import type { ServiceRecord } from "./services.js";

export const STRATEGY_SERVICE = "strategy-service";
export const STRATEGY_API = "strategy-api";

/** API strategy value meaning "follow the service's value". */
export const FOLLOW_SERVICE = -1;

interface StrategyRow {
  target_id: string;
  environment: string;
  data: string;
}

const strategyOf = (row: StrategyRow) => (JSON.parse(row.data) as { Strategy: number }).Strategy;

function rows(db: Db, scope: Scope, kind: string, serviceId: string) {
  return db
    .selectFrom("bindings")
    .select(["target_id", "environment", "data"])
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("kind", "=", kind)
    .where("subject_id", "=", serviceId)
    .execute();
}

/** The service's configured values by environment (environments without one use the default). */
export async function serviceStrategies(db: Db, scope: Scope, serviceId: string): Promise<Map<string, number>> {
  return new Map((await rows(db, scope, STRATEGY_SERVICE, serviceId)).map((r) => [r.environment, strategyOf(r)]));
}

/** The configured API values of a service: ApiId → environment → value. */
export async function apiStrategies(db: Db, scope: Scope, serviceId: string): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of await rows(db, scope, STRATEGY_API, serviceId)) {
    let byEnv = out.get(r.target_id);
    if (!byEnv) out.set(r.target_id, (byEnv = new Map()));
    byEnv.set(r.environment, strategyOf(r));
  }
  return out;
}

/** Sets (or replaces) one strategy value. `targetId` is the service itself or one of its APIs. */
export async function setStrategy(
  db: Db,
  scope: Scope,
  kind: typeof STRATEGY_SERVICE | typeof STRATEGY_API,
  serviceId: string,
  targetId: string,
  environment: string,
  strategy: number,
  at: string,
): Promise<void> {
  const data = JSON.stringify({ Strategy: strategy });
  await db
    .insertInto("bindings")
    .values({
      app_id: scope.appId,
      region: scope.region,
      kind,
      subject_id: serviceId,
      target_id: targetId,
      environment,
      data,
      created_at: at,
    })
    .onConflict((oc) => oc.columns(["kind", "subject_id", "target_id", "environment"]).doUpdateSet({ data }))
    .execute();
}

/**
 * Checks a throttling value: 0 to `max` (config.limits.serviceQps) QPS, or for an API also
 * -1 (follow the service). Anything else answers InvalidParameterValue.RangeExceeded.
 */
export function checkStrategy(value: number, max: number, followAllowed: boolean): void {
  if ((value >= 0 && value <= max) || (followAllowed && value === FOLLOW_SERVICE)) return;
  throw new ApiError(
    "InvalidParameterValue.RangeExceeded",
    `The value of parameter \`Strategy\` is invalid: must be ${followAllowed ? "-1 (follow the service) or " : ""}0 to ${max} (QPS), got ${value}.`,
  );
}

/**
 * The URL an environment of the service is called at (ServiceEnvironmentStrategy.Url): the
 * outer default domain (inner when the service is INNER only), the gateway port unless 80,
 * and the environment as the first path segment.
 */
export function environmentUrl(config: Config, service: ServiceRecord, environment: string): string {
  const host = service.NetTypes.includes("OUTER") || !service.NetTypes.includes("INNER") ? service.OuterSubDomain : service.InnerSubDomain;
  const scheme = service.Protocol === "https" ? "https" : "http";
  const port = config.gatewayPort && config.gatewayPort !== 80 ? `:${config.gatewayPort}` : "";
  return `${scheme}://${host}${port}/${environment}`;
}
