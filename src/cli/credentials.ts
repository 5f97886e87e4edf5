/**
 * `apigw credentials list|create`: the local accounts and their key pairs, read and written
 * in the database file directly (APIGW_DB or --db). A running server sees a new key pair at
 * once: it looks SecretIds up in the database on every call.
 */
import type { KeyPair } from "../store/accounts.js";
import { checkOptions, parseArgs, UsageError } from "./args.js";
import { dbPath, openDb, openExisting, retryBusy } from "./store.js";

export const credentialsUsage = `Usage: apigw credentials list [--db FILE] [--json]
       apigw credentials create [--app-id APPID] [--secret-id ID --secret-key KEY] [--db FILE] [--json]

Local accounts (AppId, Uin) and their key pairs, in the database file (--db, else APIGW_DB,
else ./data/apigw.db). Works whether or not the server is running.

  list     every key pair: AppId, Uin, SecretId, SecretKey (* marks the default account)
  create   a new key pair for the account --app-id (created if it does not exist) or, without
           it, for the default account (created on an empty database, as the first start does).
           --secret-id/--secret-key choose the pair instead of generating one.
  --json   print JSON instead of text`;

function keyJson(k: KeyPair, isDefault?: boolean) {
  return {
    AppId: k.account.appId,
    Uin: k.account.uin,
    SecretId: k.secretId,
    SecretKey: k.secretKey,
    ...(isDefault === undefined ? {} : { Default: isDefault }),
  };
}

export async function credentialsCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, ["json"]);
  const sub = args.positionals[0];
  if (args.flags.has("help") || !sub) {
    console.log(credentialsUsage);
    return args.flags.has("help") ? 0 : 2;
  }
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  const json = args.flags.has("json");
  const file = dbPath(args.options, env);

  if (sub === "list") {
    checkOptions(args, ["db", "json"], "credentials list");
    const sqlite = await openExisting(file);
    let rows: Array<{ app_id: string; uin: string; is_default: number; secret_id: string; secret_key: string }>;
    try {
      rows = sqlite
        .prepare(
          "SELECT a.app_id, a.uin, a.is_default, c.secret_id, c.secret_key FROM credentials c JOIN accounts a ON a.app_id = c.app_id ORDER BY c.created_at, c.rowid",
        )
        .all() as typeof rows;
    } finally {
      sqlite.close();
    }
    if (json) {
      console.log(JSON.stringify(rows.map((r) => ({ AppId: r.app_id, Uin: r.uin, SecretId: r.secret_id, SecretKey: r.secret_key, Default: r.is_default === 1 })), null, 2));
    } else if (!rows.length) {
      console.log(`no key pairs in ${file}`);
    } else {
      const table = [["", "AppId", "Uin", "SecretId", "SecretKey"], ...rows.map((r) => [r.is_default === 1 ? "*" : "", r.app_id, r.uin, r.secret_id, r.secret_key])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
      for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
    }
    return 0;
  }

  if (sub === "create") {
    checkOptions(args, ["db", "json", "app-id", "secret-id", "secret-key"], "credentials create");
    const appId = args.options.get("app-id");
    if (appId !== undefined && !/^\d+$/.test(appId)) throw new UsageError(`--app-id must be numeric, got "${appId}"`);
    const chosenId = args.options.get("secret-id");
    const chosenKey = args.options.get("secret-key");
    if (Boolean(chosenId) !== Boolean(chosenKey)) throw new UsageError("give --secret-id and --secret-key together");
    const { addCredential, bootstrapAccounts, newKeyPair } = await import("../store/accounts.js");
    const { loadConfig } = await import("../config.js");
    const pair = chosenId && chosenKey ? { secretId: chosenId, secretKey: chosenKey } : newKeyPair();
    const created: KeyPair = await retryBusy(async () => {
      const store = await openDb(file, false);
      try {
        if (chosenId) {
          const taken = await store.db.selectFrom("credentials").select("app_id").where("secret_id", "=", chosenId).executeTakeFirst();
          if (taken) throw new UsageError(`SecretId ${chosenId} already exists (account ${taken.app_id})`);
        }
        const current = await store.db.selectFrom("accounts").select("app_id").where("is_default", "=", 1).executeTakeFirst();
        if (appId !== undefined) return await store.db.transaction().execute((trx) => addCredential(trx, { appId, ...pair }));
        if (current) return await store.db.transaction().execute((trx) => addCredential(trx, { appId: current.app_id, ...pair }));
        // An empty database: create the default account as the first start would, with this pair.
        const config = loadConfig({}, { secretId: chosenId, secretKey: chosenKey, credentials: [] });
        const { defaultKey, generated } = await bootstrapAccounts(store.db, config);
        if (generated || chosenId) return defaultKey;
        return await store.db.transaction().execute((trx) => addCredential(trx, { appId: defaultKey.account.appId, ...pair }));
      } finally {
        await store.close();
      }
    });
    if (json) console.log(JSON.stringify(keyJson(created), null, 2));
    else {
      console.log(`AppId      ${created.account.appId}`);
      console.log(`Uin        ${created.account.uin}`);
      console.log(`SecretId   ${created.secretId}`);
      console.log(`SecretKey  ${created.secretKey}`);
    }
    return 0;
  }
  throw new UsageError(`unknown subcommand "credentials ${sub}" (list or create)`);
}
