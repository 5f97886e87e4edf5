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
};
