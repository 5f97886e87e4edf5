/** Schema migrations, applied in name order at start. Append; never edit a released one. */
import { sql, type Kysely, type Migration } from "kysely";

/** Every resource table has the same shape (see ResourceRow). */
async function createResourceTable(db: Kysely<unknown>, name: string): Promise<void> {
  await db.schema
    .createTable(name)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("region", "text", (c) => c.notNull())
    .addColumn("parent_id", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex(`${name}_scope`).on(name).columns(["app_id", "region", "parent_id"]).execute();
}

/** Tables of the uniform resource shape (ResourceRow). */
export const RESOURCE_TABLES = [
  "services",
  "apis",
  "releases",
  "usage_plans",
  "api_keys",
  "api_apps",
  "ip_strategies",
  "plugins",
  "api_docs",
  "sub_domains",
] as const;

export const migrations: Record<string, Migration> = {
  "0001_accounts_services": {
    async up(db) {
      await db.schema
        .createTable("accounts")
        .addColumn("app_id", "text", (c) => c.primaryKey())
        .addColumn("uin", "text", (c) => c.notNull())
        .addColumn("owner_uin", "text", (c) => c.notNull())
        .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("credentials")
        .addColumn("secret_id", "text", (c) => c.primaryKey())
        .addColumn("secret_key", "text", (c) => c.notNull())
        .addColumn("app_id", "text", (c) => c.notNull().references("accounts.app_id"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("bindings")
        .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("subject_id", "text", (c) => c.notNull())
        .addColumn("target_id", "text", (c) => c.notNull())
        .addColumn("environment", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await sql`CREATE UNIQUE INDEX bindings_unique ON bindings (kind, subject_id, target_id, environment)`.execute(db);
      await sql`CREATE INDEX bindings_target ON bindings (kind, target_id, environment)`.execute(db);
      for (const t of RESOURCE_TABLES) await createResourceTable(db, t);
      // What each environment of a service serves: a release version, online or offline.
      await db.schema
        .createTable("environments")
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("version_name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("environments_pk", ["service_id", "environment"])
        .execute();
      // Every release to an environment, UpdateService switches included.
      await db.schema
        .createTable("release_history")
        .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("version_name", "text", (c) => c.notNull())
        .addColumn("version_desc", "text", (c) => c.notNull())
        .addColumn("released_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("release_history_env").on("release_history").columns(["service_id", "environment"]).execute();
    },
  },
  /**
   * Gateway access logs (DATAPLANE §9.1, searched by DescribeLogSearch) and generated files
   * served by the gateway (built API-document pages, GenerateApiDocument downloads).
   */
  "0002_access_logs": {
    async up(db) {
      await db.schema
        .createTable("access_logs")
        .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("time", "integer", (c) => c.notNull())
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("api_id", "text", (c) => c.notNull())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("uri", "text", (c) => c.notNull())
        .addColumn("scheme", "text", (c) => c.notNull())
        .addColumn("method", "text", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("backend_status", "integer")
        .addColumn("client_ip", "text", (c) => c.notNull())
        .addColumn("upstream_addr", "text", (c) => c.notNull())
        .addColumn("server_addr", "text", (c) => c.notNull())
        .addColumn("request_length", "integer")
        .addColumn("response_length", "integer")
        .addColumn("latency_ms", "real", (c) => c.notNull())
        .addColumn("error_message", "text", (c) => c.notNull())
        .addColumn("pid", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("access_logs_service_time").on("access_logs").columns(["app_id", "region", "service_id", "time", "seq"]).execute();
      await db.schema.createIndex("access_logs_time").on("access_logs").column("time").execute();
      await db.schema
        .createTable("artifacts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("content_type", "text", (c) => c.notNull())
        .addColumn("body", "blob", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("artifacts_owner").on("artifacts").columns(["app_id", "region", "service_id", "kind", "key"]).execute();
    },
  },
  /** How much of each usage plan's quota each key has used, kept across restarts (quotaUsage.ts). */
  "0003_quota_usage": {
    async up(db) {
      await db.schema
        .createTable("quota_usage")
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("usage_plan_id", "text", (c) => c.notNull())
        .addColumn("access_key_id", "text", (c) => c.notNull())
        .addColumn("used", "integer", (c) => c.notNull())
        .addColumn("updated_at", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("quota_usage_pk", ["app_id", "region", "usage_plan_id", "access_key_id"])
        .execute();
    },
  },
};
