/**
 * `apigw export` / `apigw import`: one account's whole configuration as one JSON document.
 *
 * Generic over the store: every table with an `app_id` column (the uniform resource tables,
 * bindings, environments, release history, generated artifacts, and whatever kinds land
 * later) is exported row by row, all columns but `app_id` and an autoincrement key; `data`
 * columns holding JSON are written as JSON, BLOBs as {"$base64": …}. The account row and, on
 * request, its key pairs come along. Nothing here names a resource kind, so a new table is
 * covered the day its migration lands; only activity records (access logs) are named, to
 * leave them out unless asked.
 *
 * Both work on the database file directly. Export reads in one transaction, a consistent
 * snapshot even while a server is writing (WAL). Import writes in one transaction; run it
 * with the target server stopped (or into a file no server uses), then start the server:
 * its gateway builds its view of the published configuration at start.
 */
import { APP_REGION } from "../resources/apiApps.js";
import { readFileSync, writeFileSync } from "node:fs";
import type SQLite from "better-sqlite3";
import { checkOptions, parseArgs, UsageError } from "./args.js";
import { dbPath, openDb, openExisting, retryBusy } from "./store.js";

export const EXPORT_FORMAT = "apigw-account-export";
export const EXPORT_FORMAT_VERSION = 1;

/** Tables handled on their own (the account row and its key pairs). */
const ACCOUNT_TABLES = new Set(["accounts", "credentials"]);
/** Records of activity, not configuration: exported only when asked (--include-logs). */
export const ACTIVITY_TABLES = new Set(["access_logs"]);

type Row = Record<string, unknown>;

export interface AccountExport {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  apiVersion: "2018-08-08";
  exportedAt: string;
  /** The exported regions, or "all". */
  regions: string[] | "all";
  /** The account row (columns as stored, is_default left out). */
  account: Row;
  /** The account's key pairs, with --include-credentials only. */
  credentials?: Row[];
  /** Rows per table, in dependency order; `app_id` left out (it is the account's). */
  tables: Record<string, Row[]>;
  /** Row counts per table, for people reading the file. */
  counts: Record<string, number>;
}

interface Column {
  name: string;
  type: string;
  pk: number;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

function columnsOf(sqlite: SQLite.Database, table: string): Column[] {
  return sqlite.prepare(`PRAGMA table_info(${q(table)})`).all() as Column[];
}

/** An INTEGER PRIMARY KEY (rowid alias, autoincrement): renumbered by the target database. */
function autoKey(cols: Column[]): string | undefined {
  const pks = cols.filter((c) => c.pk > 0);
  return pks.length === 1 && pks[0]!.type.toUpperCase() === "INTEGER" ? pks[0]!.name : undefined;
}

/** The account-scoped tables, referenced tables before the tables that reference them. */
export function accountTables(sqlite: SQLite.Database, includeActivity = true): string[] {
  const names = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>)
    .map((r) => r.name)
    .filter((n) => !n.startsWith("sqlite_") && !n.startsWith("kysely_") && !ACCOUNT_TABLES.has(n))
    .filter((n) => includeActivity || !ACTIVITY_TABLES.has(n))
    .filter((n) => columnsOf(sqlite, n).some((c) => c.name === "app_id"));
  const deps = new Map(
    names.map((n) => [n, (sqlite.prepare(`PRAGMA foreign_key_list(${q(n)})`).all() as Array<{ table: string }>).map((f) => f.table).filter((t) => t !== n && names.includes(t))]),
  );
  const ordered: string[] = [];
  const visit = (n: string, stack: Set<string>) => {
    if (ordered.includes(n) || stack.has(n)) return;
    stack.add(n);
    for (const d of deps.get(n) ?? []) visit(d, stack);
    stack.delete(n);
    ordered.push(n);
  };
  for (const n of names) visit(n, new Set());
  return ordered;
}

function scopeClause(cols: Column[], regions: string[] | "all"): { sql: string; params: unknown[] } {
  if (regions === "all" || !cols.some((c) => c.name === "region")) return { sql: "app_id = ?", params: [] };
  // Account-wide resources (applications) are stored under region "*": they belong to every region's export.
  const withAccountWide = [...regions, APP_REGION];
  return { sql: `app_id = ? AND region IN (${withAccountWide.map(() => "?").join(", ")})`, params: withAccountWide };
}

/** BLOB values travel as {"$base64": "…"}. */
function encodeValue(column: Column, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString("base64") };
  return column.name === "data" ? parseData(value) : value;
}

function decodeValue(column: Column | undefined, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const b64 = (value as { $base64?: unknown }).$base64;
    if (typeof b64 === "string" && Object.keys(value).length === 1 && column?.type.toUpperCase() === "BLOB") return Buffer.from(b64, "base64");
  }
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function parseData(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return value;
  try {
    const parsed = JSON.parse(value);
    // Only when writing it back gives the same text: the round trip must be exact.
    return JSON.stringify(parsed) === value ? parsed : value;
  } catch {
    return value;
  }
}

export interface ExportOptions {
  appId?: string;
  region?: string;
  includeCredentials?: boolean;
  /** Access logs too (activity, not configuration). */
  includeLogs?: boolean;
}

export function exportAccount(sqlite: SQLite.Database, o: ExportOptions = {}): AccountExport {
  return sqlite.transaction((): AccountExport => {
    const account = (
      o.appId
        ? sqlite.prepare("SELECT * FROM accounts WHERE app_id = ?").get(o.appId)
        : sqlite.prepare("SELECT * FROM accounts WHERE is_default = 1").get()
    ) as Row | undefined;
    if (!account) throw new UsageError(o.appId ? `no account ${o.appId} in this database` : "this database has no default account yet");
    const appId = String(account.app_id);
    const regions: string[] | "all" = o.region ? [o.region] : "all";
    const tables: Record<string, Row[]> = {};
    const counts: Record<string, number> = {};
    for (const table of accountTables(sqlite, o.includeLogs ?? false)) {
      const cols = columnsOf(sqlite, table);
      const key = autoKey(cols);
      const where = scopeClause(cols, regions);
      const order = key ? q(key) : "rowid";
      const rows = sqlite.prepare(`SELECT * FROM ${q(table)} WHERE ${where.sql} ORDER BY ${order}`).all(appId, ...where.params) as Row[];
      tables[table] = rows.map((r) => {
        const out: Row = {};
        for (const c of cols) {
          if (c.name === "app_id" || c.name === key) continue;
          out[c.name] = encodeValue(c, r[c.name]);
        }
        return out;
      });
      counts[table] = rows.length;
    }
    const { is_default: _default, ...accountRow } = account;
    const doc: AccountExport = {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      apiVersion: "2018-08-08",
      exportedAt: new Date().toISOString(),
      regions,
      account: accountRow,
      tables,
      counts,
    };
    if (o.includeCredentials) {
      doc.credentials = (sqlite.prepare("SELECT * FROM credentials WHERE app_id = ? ORDER BY created_at").all(appId) as Row[]).map(({ app_id: _a, ...rest }) => rest);
    }
    return doc;
  })();
}

export interface ImportOptions {
  /** Delete the account's existing configuration in the document's regions first. */
  replace?: boolean;
  /** Leave the document's key pairs out. */
  skipCredentials?: boolean;
}

export interface ImportResult {
  appId: string;
  counts: Record<string, number>;
  replaced: number;
  credentials: number;
}

function checkDocument(doc: unknown): AccountExport {
  const d = doc as Partial<AccountExport> | null;
  if (!d || typeof d !== "object" || d.format !== EXPORT_FORMAT) throw new UsageError(`not an apigw export (expected "format": "${EXPORT_FORMAT}")`);
  if (d.formatVersion !== EXPORT_FORMAT_VERSION) throw new UsageError(`export format version ${String(d.formatVersion)} is not supported (this apigw reads ${EXPORT_FORMAT_VERSION})`);
  if (!d.account || typeof d.account.app_id !== "string" || !d.tables || typeof d.tables !== "object") throw new UsageError("the export has no account or no tables");
  if (d.regions !== "all" && !(Array.isArray(d.regions) && d.regions.every((r) => typeof r === "string"))) throw new UsageError('"regions" must be "all" or a list');
  return d as AccountExport;
}

/** Imports into the same AppId (created when missing). One transaction: all or nothing. */
export function importAccount(sqlite: SQLite.Database, raw: unknown, o: ImportOptions = {}): ImportResult {
  const doc = checkDocument(raw);
  const appId = doc.account.app_id as string;
  const known = new Set(accountTables(sqlite, true));
  for (const table of Object.keys(doc.tables)) {
    if (!known.has(table)) throw new UsageError(`the export has table "${table}", which this database does not have (export from a newer apigw?)`);
  }
  // IMMEDIATE: take the write lock first, so a concurrent writer makes this wait (busy_timeout) instead of fail.
  return sqlite.transaction((): ImportResult => {
    const now = new Date().toISOString();
    // The account: kept if it exists; created otherwise (the default one if the database has none).
    const existing = sqlite.prepare("SELECT app_id FROM accounts WHERE app_id = ?").get(appId);
    if (!existing) {
      const hasDefault = sqlite.prepare("SELECT 1 FROM accounts WHERE is_default = 1").get();
      const accountCols = new Set(columnsOf(sqlite, "accounts").map((c) => c.name));
      const row: Row = { created_at: now, ...doc.account, is_default: hasDefault ? 0 : 1 };
      const names = Object.keys(row).filter((k) => accountCols.has(k));
      sqlite.prepare(`INSERT INTO accounts (${names.map(q).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`).run(...names.map((k) => row[k]));
    }
    let credentials = 0;
    if (doc.credentials && !o.skipCredentials) {
      for (const c of doc.credentials) {
        const owner = sqlite.prepare("SELECT app_id FROM credentials WHERE secret_id = ?").get(c.secret_id) as { app_id: string } | undefined;
        if (owner && owner.app_id !== appId) throw new UsageError(`SecretId ${String(c.secret_id)} already belongs to account ${owner.app_id}`);
        if (owner) sqlite.prepare("UPDATE credentials SET secret_key = ? WHERE secret_id = ?").run(c.secret_key, c.secret_id);
        else sqlite.prepare("INSERT INTO credentials (secret_id, secret_key, app_id, created_at) VALUES (?, ?, ?, ?)").run(c.secret_id, c.secret_key, appId, c.created_at ?? now);
        credentials++;
      }
    }
    // What the account already has where the document goes: refused unless --replace.
    // Activity (access logs) is kept unless the document brings some.
    const tables = accountTables(sqlite).filter((t) => !ACTIVITY_TABLES.has(t) || t in doc.tables);
    let present = 0;
    const presentBy: string[] = [];
    for (const table of tables) {
      const where = scopeClause(columnsOf(sqlite, table), doc.regions);
      const n = (sqlite.prepare(`SELECT count(*) AS n FROM ${q(table)} WHERE ${where.sql}`).get(appId, ...where.params) as { n: number }).n;
      if (n) presentBy.push(`${n} ${table}`);
      present += n;
    }
    if (present && !o.replace) {
      const where = doc.regions === "all" ? "" : ` in ${doc.regions.join(", ")}`;
      throw new UsageError(`account ${appId} already has configuration${where} (${presentBy.join(", ")}); use --replace to overwrite it`);
    }
    if (present) {
      for (const table of [...tables].reverse()) {
        const where = scopeClause(columnsOf(sqlite, table), doc.regions);
        sqlite.prepare(`DELETE FROM ${q(table)} WHERE ${where.sql}`).run(appId, ...where.params);
      }
    }
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const rows = doc.tables[table] ?? [];
      if (!rows.length) continue;
      const cols = columnsOf(sqlite, table);
      const byName = new Map(cols.map((c) => [c.name, c]));
      const colNames = new Set(byName.keys());
      const key = autoKey(cols);
      for (const row of rows) {
        if (doc.regions !== "all" && colNames.has("region") && row.region !== APP_REGION && !doc.regions.includes(String(row.region))) {
          throw new UsageError(`${table}: a row of region ${String(row.region)} in an export of ${doc.regions.join(", ")}`);
        }
        const values: Row = { ...row, app_id: appId };
        if (key) delete values[key];
        for (const name of Object.keys(values)) {
          if (!colNames.has(name)) throw new UsageError(`${table}: column "${name}" is not in this database (export from a newer apigw?)`);
          values[name] = decodeValue(byName.get(name), values[name]);
        }
        const names = Object.keys(values);
        try {
          sqlite.prepare(`INSERT INTO ${q(table)} (${names.map(q).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`).run(...names.map((k) => values[k]));
        } catch (e) {
          const id = row.id ?? row.service_id ?? "";
          throw new UsageError(`${table}: cannot insert row ${String(id)}: ${(e as Error).message}${/UNIQUE/.test((e as Error).message) ? " (another account of this database has it)" : ""}`);
        }
      }
      counts[table] = rows.length;
    }
    return { appId, counts, replaced: present, credentials };
  }).immediate();
}

export const exportUsage = `Usage: apigw export [--db FILE] [--app-id APPID] [--region R] [--include-credentials] [--include-logs] [--out FILE]

Writes one account's whole configuration as one JSON document (stdout, or --out FILE):
every row of every account table (services, APIs, releases, usage plans, keys, apps, IP
strategies, plugins, documents, domains, bindings, environments, release history, …).
--app-id: the account (default: the default account); --region: one region (default: all);
--include-credentials: the account's key pairs too (secret: keep the file safe);
--include-logs: the gateway's access logs too (activity, not configuration: left out by default).
Reads the database file (--db, else APIGW_DB, else ./data/apigw.db) in one transaction:
safe while the server runs.`;

export const importUsage = `Usage: apigw import FILE|- [--db FILE] [--replace] [--skip-credentials]

Loads an \`apigw export\` document into the database file (--db, else APIGW_DB, else
./data/apigw.db; created if missing), in one transaction, under the same AppId (the account
is created if missing, as the default one if the database has none). Refused when the
account already has configuration in the exported regions, unless --replace (which
deletes it first). --skip-credentials leaves the document's key pairs out.
Stop the server that uses the file first (or import into a new file), then start it.`;

export async function exportCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, ["include-credentials", "include-logs"]);
  if (args.flags.has("help")) {
    console.log(exportUsage);
    return 0;
  }
  checkOptions(args, ["db", "app-id", "region", "include-credentials", "include-logs", "out"], "export");
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const sqlite = await openExisting(dbPath(args.options, env));
  let doc: AccountExport;
  try {
    doc = exportAccount(sqlite, {
      appId: args.options.get("app-id"),
      region: args.options.get("region"),
      includeCredentials: args.flags.has("include-credentials"),
      includeLogs: args.flags.has("include-logs"),
    });
  } finally {
    sqlite.close();
  }
  const text = JSON.stringify(doc, null, 2) + "\n";
  const out = args.options.get("out");
  if (out && out !== "-") writeFileSync(out, text);
  else process.stdout.write(text);
  const summary = Object.entries(doc.counts).filter(([, n]) => n).map(([t, n]) => `${n} ${t}`).join(", ") || "nothing";
  process.stderr.write(`exported account ${String(doc.account.app_id)} (${doc.regions === "all" ? "all regions" : doc.regions.join(", ")}): ${summary}\n`);
  return 0;
}

export async function importCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, ["replace", "skip-credentials"]);
  if (args.flags.has("help")) {
    console.log(importUsage);
    return 0;
  }
  checkOptions(args, ["db", "replace", "skip-credentials"], "import");
  const source = args.positionals[0];
  if (!source) throw new UsageError("apigw import needs a file (or - for stdin)");
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(source === "-" ? 0 : source, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read ${source}: ${(e as Error).message}`);
  }
  const file = dbPath(args.options, env);
  const result = await retryBusy(async () => {
    const store = await openDb(file, false);
    try {
      return importAccount(store.sqlite, doc, { replace: args.flags.has("replace"), skipCredentials: args.flags.has("skip-credentials") });
    } finally {
      await store.close();
    }
  });
  const summary = Object.entries(result.counts).map(([t, n]) => `${n} ${t}`).join(", ") || "no rows";
  process.stderr.write(
    `imported account ${result.appId}: ${summary}${result.credentials ? `, ${result.credentials} key pair(s)` : ""}${result.replaced ? ` (replaced ${result.replaced} rows)` : ""}\n`,
  );
  return 0;
}
