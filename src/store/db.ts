/**
 * The configuration store: kysely over better-sqlite3 (WAL), migrations applied at open.
 *
 * Every resource kind has a table of one shape: its id, the owning account (app_id) and
 * region, an optional parent id (the service of an API, …), the documented body as JSON in
 * `data`, and its creation time. Relationships that are many-to-many live in `bindings`.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, type Generated, type Migration, type Transaction } from "kysely";
import { migrations } from "./migrations.js";

export interface ResourceRow {
  id: string;
  app_id: string;
  region: string;
  parent_id: string | null;
  data: string;
  created_at: string;
}

export interface BindingRow {
  seq: Generated<number>;
  app_id: string;
  region: string;
  /** What is bound to what, e.g. "usagePlan-environment", "plugin-api". */
  kind: string;
  /** The bound thing (a plan, a key, a plugin, …). */
  subject_id: string;
  /** What it is bound to (a service, an API, …). */
  target_id: string;
  /** The environment, where the binding is per environment; "" otherwise. */
  environment: string;
  data: string;
  created_at: string;
}

export interface Database {
  accounts: { app_id: string; uin: string; owner_uin: string; is_default: number; created_at: string };
  credentials: { secret_id: string; secret_key: string; app_id: string; created_at: string };
  bindings: BindingRow;
  services: ResourceRow;
  apis: ResourceRow;
  releases: ResourceRow;
  usage_plans: ResourceRow;
  api_keys: ResourceRow;
  api_apps: ResourceRow;
  ip_strategies: ResourceRow;
  plugins: ResourceRow;
  api_docs: ResourceRow;
  sub_domains: ResourceRow;
  environments: EnvironmentRow;
  release_history: ReleaseHistoryRow;
  access_logs: AccessLogRow;
  artifacts: ArtifactRow;
  quota_usage: QuotaUsageRow;
}

/** Requests of one key counted against one usage plan's quota (migration 0003). */
export interface QuotaUsageRow {
  app_id: string;
  region: string;
  usage_plan_id: string;
  access_key_id: string;
  used: number;
  /** Epoch milliseconds of the last write. */
  updated_at: number;
}

/** One gateway request (DATAPLANE §9.1), written in batches by the access-log sink (migration 0002). */
export interface AccessLogRow {
  seq: Generated<number>;
  app_id: string;
  region: string;
  service_id: string;
  /** Start of the request, epoch milliseconds. */
  time: number;
  request_id: string;
  api_id: string;
  environment: string;
  host: string;
  uri: string;
  scheme: string;
  method: string;
  status: number;
  /** null: the gateway answered by itself ("-"). */
  backend_status: number | null;
  client_ip: string;
  upstream_addr: string;
  server_addr: string;
  request_length: number | null;
  response_length: number | null;
  latency_ms: number;
  error_message: string;
  pid: number;
}

/** A file the gateway serves: a built API-document page, a generated document or SDK archive (migration 0002). */
export interface ArtifactRow {
  /** The ApiDocId for a document page; an unguessable token for downloads. */
  id: string;
  app_id: string;
  region: string;
  service_id: string;
  /** "apidoc", "document" or "sdk". */
  kind: string;
  /** What it was generated for, e.g. "release/javascript"; replaced when generated again. */
  key: string;
  /** File name offered to the client. */
  name: string;
  content_type: string;
  body: Buffer;
  created_at: string;
}

export interface EnvironmentRow {
  app_id: string;
  region: string;
  service_id: string;
  environment: string;
  version_name: string;
  /** "online" while published; "offline" after UnReleaseService. */
  status: string;
  updated_at: string;
}

export interface ReleaseHistoryRow {
  seq: Generated<number>;
  app_id: string;
  region: string;
  service_id: string;
  environment: string;
  version_name: string;
  version_desc: string;
  released_at: string;
}

export type ResourceTable = {
  [K in keyof Database]: Database[K] extends ResourceRow ? K : never;
}[keyof Database];

export type Db = Kysely<Database> | Transaction<Database>;

export interface Store {
  db: Kysely<Database>;
  sqlite: SQLite.Database;
  close(): Promise<void>;
}

export async function openStore(file: string): Promise<Store> {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  // FULL: a write acknowledged to the caller is on disk, even if the machine loses power.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations as Record<string, Migration> },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  return { db, sqlite, close: () => db.destroy() };
}
