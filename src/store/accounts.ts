/**
 * Accounts (AppId, Uin) and their key pairs. The default account and key pair are created
 * on first start (or fixed by APIGW_SECRET_ID/APIGW_SECRET_KEY); APIGW_CREDENTIALS adds more.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { Config, Credential } from "../config.js";
import type { Database, Db } from "./db.js";

export interface Account {
  appId: string;
  uin: string;
  ownerUin: string;
}

export interface KeyPair {
  secretId: string;
  secretKey: string;
  account: Account;
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomString(len: number): string {
  const bytes = randomBytes(len);
  let s = "";
  for (let i = 0; i < len; i++) s += alnum[bytes[i]! % alnum.length];
  return s;
}

export function newKeyPair(): { secretId: string; secretKey: string } {
  return { secretId: `AKID${randomString(32)}`, secretKey: randomString(32) };
}

async function ensureAccount(db: Db, appId: string): Promise<Account> {
  const row = await db.selectFrom("accounts").selectAll().where("app_id", "=", appId).executeTakeFirst();
  if (row) return { appId: row.app_id, uin: row.uin, ownerUin: row.owner_uin };
  const uin = String(100000000000 + randomInt(0, 899999999999));
  await db
    .insertInto("accounts")
    .values({ app_id: appId, uin, owner_uin: uin, is_default: 0, created_at: new Date().toISOString() })
    .execute();
  return { appId, uin, ownerUin: uin };
}

export async function addCredential(db: Db, cred: Credential): Promise<KeyPair> {
  const account = await ensureAccount(db, cred.appId);
  const existing = await db.selectFrom("credentials").selectAll().where("secret_id", "=", cred.secretId).executeTakeFirst();
  if (existing && existing.app_id !== cred.appId) {
    throw new Error(`SecretId ${cred.secretId} already belongs to account ${existing.app_id}`);
  }
  if (existing) {
    await db.updateTable("credentials").set({ secret_key: cred.secretKey }).where("secret_id", "=", cred.secretId).execute();
  } else {
    await db
      .insertInto("credentials")
      .values({ secret_id: cred.secretId, secret_key: cred.secretKey, app_id: cred.appId, created_at: new Date().toISOString() })
      .execute();
  }
  return { secretId: cred.secretId, secretKey: cred.secretKey, account };
}

export async function findKeyPair(db: Db, secretId: string): Promise<KeyPair | undefined> {
  const row = await db
    .selectFrom("credentials")
    .innerJoin("accounts", "accounts.app_id", "credentials.app_id")
    .select(["secret_id", "secret_key", "accounts.app_id", "uin", "owner_uin"])
    .where("secret_id", "=", secretId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { secretId: row.secret_id, secretKey: row.secret_key, account: { appId: row.app_id, uin: row.uin, ownerUin: row.owner_uin } };
}

export async function listKeyPairs(db: Db): Promise<KeyPair[]> {
  const rows = await db
    .selectFrom("credentials")
    .innerJoin("accounts", "accounts.app_id", "credentials.app_id")
    .select(["secret_id", "secret_key", "accounts.app_id", "uin", "owner_uin"])
    .orderBy("credentials.created_at")
    .execute();
  return rows.map((row) => ({ secretId: row.secret_id, secretKey: row.secret_key, account: { appId: row.app_id, uin: row.uin, ownerUin: row.owner_uin } }));
}

/**
 * Makes sure the default account's key pair exists: the configured one, or one generated on
 * first start and kept in the database so that it stays the same across restarts.
 */
export async function bootstrapAccounts(db: Kysely<Database>, config: Config): Promise<{ defaultKey: KeyPair; generated: boolean }> {
  return db.transaction().execute(async (trx) => {
    for (const cred of config.credentials) await addCredential(trx, cred);
    const current = await trx.selectFrom("accounts").select("app_id").where("is_default", "=", 1).executeTakeFirst();
    if (config.secretId && config.secretKey) {
      const owner = await trx.selectFrom("credentials").select("app_id").where("secret_id", "=", config.secretId).executeTakeFirst();
      const appId = owner?.app_id ?? current?.app_id ?? newAppId();
      const defaultKey = await addCredential(trx, { appId, secretId: config.secretId, secretKey: config.secretKey });
      await markDefault(trx, appId);
      return { defaultKey, generated: false };
    }
    const appId = current?.app_id ?? newAppId();
    await ensureAccount(trx, appId);
    await markDefault(trx, appId);
    const key = await trx.selectFrom("credentials").select("secret_id").where("app_id", "=", appId).orderBy("created_at").executeTakeFirst();
    if (key) return { defaultKey: (await findKeyPair(trx, key.secret_id))!, generated: false };
    const defaultKey = await addCredential(trx, { appId, ...newKeyPair() });
    return { defaultKey, generated: true };
  });
}

function newAppId(): string {
  return String(1250000000 + randomInt(0, 9999999));
}

async function markDefault(db: Db, appId: string): Promise<void> {
  await db.updateTable("accounts").set({ is_default: 0 }).where("app_id", "!=", appId).execute();
  await db.updateTable("accounts").set({ is_default: 1 }).where("app_id", "=", appId).execute();
}
