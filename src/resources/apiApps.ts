/**
 * Applications (应用): an identity that calls APIs with APP authentication, holding an
 * ApiAppKey / ApiAppSecret pair (DATAPLANE §5.3). An application is authorized to an API per
 * environment ("app-api" bindings, see bindings.ts), by the API's owner.
 *
 * Applications belong to an account, not to a region: the document's ApiAppApiInfo reports
 * the ApiRegion of each authorized API and the app user's DescribeApiForApiApp /
 * DescribeServiceForApiApp take an ApiRegion, so one application is authorized to APIs of any
 * region. They are stored in `api_apps` under the region "*".
 *
 * An owner may also authorize another account's application (F1 "partner authorization": the
 * partner gives the application ID). The binding then lives in the API owner's scope while
 * the application stays its owner's: only its owner sees, changes or deletes it, and its
 * owner can read the APIs and services it is authorized to (DescribeApiForApiApp, …).
 */
import { randomBytes } from "node:crypto";
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import { newId } from "../ids.js";

export interface ApiAppRecord {
  ApiAppId: string;
  ApiAppName: string;
  ApiAppDesc: string;
  ApiAppKey: string;
  ApiAppSecret: string;
  ProjectId: string;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedTime: string;
  ModifiedTime: string;
}

/** The region under which an account's applications are stored: they are not regional. */
export const APP_REGION = "*";

/** The account's application scope for a caller's scope. */
export const appScope = (scope: Scope): Scope => ({ appId: scope.appId, region: APP_REGION });

export const apiApps = repository<ApiAppRecord>("api_apps", (id) =>
  new ApiError("ResourceNotFound.InvalidApiApp", `Application \`${id}\` does not exist in this account.`),
);

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomAlnum(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      // 248 = 4 × 62: unbiased.
      if (b < 248 && out.length < length) out += ALNUM[b % 62];
    }
  }
  return out;
}

/** ApiAppKey: "APID" and 36 letters and digits, as the cloud's keys look (40 characters). */
export const generateApiAppKey = () => `APID${randomAlnum(36)}`;
/** ApiAppSecret: 40 letters and digits. */
export const generateApiAppSecret = () => randomAlnum(40);

/** An application of any account, with its owner's AppId (for partner authorization). */
export async function findAnyApp(db: Db, apiAppId: string): Promise<{ app: ApiAppRecord; ownerAppId: string } | undefined> {
  const row = await db.selectFrom("api_apps").select(["app_id", "data"]).where("id", "=", apiAppId).executeTakeFirst();
  return row ? { app: JSON.parse(row.data) as ApiAppRecord, ownerAppId: row.app_id } : undefined;
}

/** A fresh application id, unique across accounts. */
export async function newApiAppId(db: Db): Promise<string> {
  for (;;) {
    const id = newId.app();
    if (!(await findAnyApp(db, id))) return id;
  }
}

/** The document's ApiAppInfo. */
export function apiAppInfo(a: ApiAppRecord) {
  return {
    ApiAppId: a.ApiAppId,
    ApiAppName: a.ApiAppName,
    ApiAppDesc: a.ApiAppDesc,
    ApiAppKey: a.ApiAppKey,
    ApiAppSecret: a.ApiAppSecret,
    CreatedTime: a.CreatedTime,
    ModifiedTime: a.ModifiedTime,
    Tags: a.Tags,
    ProjectId: a.ProjectId,
  };
}
