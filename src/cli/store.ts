/** The database file the local commands (credentials, export, import) work on. */
import { existsSync } from "node:fs";
import type SQLite from "better-sqlite3";
import type { Store } from "../store/db.js";
import { UsageError } from "./args.js";

export function dbPath(options: Map<string, string>, env: NodeJS.ProcessEnv): string {
  return options.get("db") ?? (env.APIGW_DB || "./data/apigw.db");
}

/**
 * Opens the store (applying migrations, as the server does). `mustExist`: refuse to create
 * a new empty database where the user expected one.
 */
export async function openDb(file: string, mustExist: boolean): Promise<Store> {
  checkFile(file, mustExist);
  const { openStore } = await import("../store/db.js");
  return openStore(file);
}

function checkFile(file: string, mustExist: boolean): void {
  if (file === ":memory:") throw new UsageError("this command works on a database file; APIGW_DB / --db is :memory:");
  if (mustExist && !existsSync(file)) {
    throw new UsageError(`no database at ${file} (set APIGW_DB or --db; \`apigw serve\` creates it on first start)`);
  }
}

/**
 * An existing database for reading, without the store's query builder and migrations (a
 * server created it, so it is migrated): \`credentials list\` and \`export\` start faster.
 */
export async function openExisting(file: string): Promise<SQLite.Database> {
  checkFile(file, true);
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(file, { fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/**
 * Runs a write against a database another process (a running server, another command) may
 * be writing: SQLite answers SQLITE_BUSY at once, without waiting, when a deferred
 * transaction cannot upgrade to a write; the whole attempt is then retried.
 */
export async function retryBusy<T>(fn: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const code = (e as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_BUSY") || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}
