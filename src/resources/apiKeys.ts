/**
 * API keys (密钥): the key pairs callers sign SECRET-authenticated gateway calls with. A key
 * is usable once it is bound to a usage plan (see usagePlans.ts) that is bound to the called
 * service environment or API, and only while it is enabled (Status 1).
 *
 * Keys are kept per account and region (the console lists them per region). The table's id
 * is the AccessKeyId, so an AccessKeyId is unique across the whole installation: the gateway
 * finds a key from the `id` of the caller's Authorization header.
 */
import { randomBytes } from "node:crypto";
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";

export interface ApiKeyRecord {
  AccessKeyId: string;
  AccessKeySecret: string;
  /** "auto" (generated) or "manual" (chosen by the user). */
  AccessKeyType: "auto" | "manual";
  SecretName: string;
  /** 1 enabled, 0 disabled. */
  Status: 0 | 1;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedTime: string;
  ModifiedTime: string;
}

export const apiKeys = repository<ApiKeyRecord>("api_keys", (id) =>
  new ApiError("ResourceNotFound.InvalidAccessKeyId", `API key (AccessKeyId) \`${id}\` does not exist in this region.`),
);

function randomFrom(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

const LOWER_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A generated AccessKeyId: `AKID` and 36 characters of [0-9a-z], 40 in all, like the document's example. */
export const generateAccessKeyId = () => `AKID${randomFrom(LOWER_ALNUM, 36)}`;
/** A generated AccessKeySecret: 32 characters of [A-Za-z0-9] (within the documented 10–50). */
export const generateAccessKeySecret = () => randomFrom(ALNUM, 32);

/** Whether an AccessKeyId is taken by any key of any account or region (ids are global). */
export async function accessKeyIdTaken(db: Db, accessKeyId: string): Promise<boolean> {
  const row = await db.selectFrom("api_keys").select("id").where("id", "=", accessKeyId).executeTakeFirst();
  return row !== undefined;
}

/** The documented ApiKey structure. `showSecret: false` for lists, which do not show the key. */
export function apiKeyView(k: ApiKeyRecord, showSecret = true) {
  return {
    AccessKeyId: k.AccessKeyId,
    AccessKeySecret: showSecret ? k.AccessKeySecret : "",
    AccessKeyType: k.AccessKeyType,
    SecretName: k.SecretName,
    ModifiedTime: k.ModifiedTime,
    Status: k.Status,
    CreatedTime: k.CreatedTime,
    Tags: k.Tags,
  };
}

/**
 * Enables (1) or disables (0) a key. A key already in that state answers
 * UnsupportedOperation.UnsupportedUpdateApiKey (documented for both actions).
 */
export async function setKeyStatus(db: Db, scope: Scope, accessKeyId: string, status: 0 | 1, at: string): Promise<ApiKeyRecord> {
  const key = await apiKeys.get(db, scope, accessKeyId);
  if (key.Status === status) {
    throw new ApiError(
      "UnsupportedOperation.UnsupportedUpdateApiKey",
      `API key \`${accessKeyId}\` is already ${status === 1 ? "enabled" : "disabled"}.`,
    );
  }
  key.Status = status;
  key.ModifiedTime = at;
  await apiKeys.update(db, scope, accessKeyId, key);
  return key;
}
