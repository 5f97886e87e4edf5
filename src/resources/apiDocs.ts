/**
 * API documents (API文档): a named selection of APIs of one service environment, built into an
 * HTML page (apiReference.ts) from the environment's published snapshot and served by the
 * gateway at `<gateway>/__apidoc/<ApiDocId>` behind the document's password (HTTP Basic auth
 * with any user name, or `?password=`). The page is a snapshot of the build: a later release
 * shows once BuildAPIDoc (or ModifyAPIDoc) builds again.
 */
import { randomInt } from "node:crypto";
import type { Config } from "../config.js";
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import { isoTime } from "../time.js";
import { apis } from "./apis.js";
import { buildReference, gatewayOrigin, publishedRelease, renderHtml } from "./apiReference.js";
import { deleteArtifact, saveArtifact } from "./artifacts.js";
import { services } from "./services.js";

export interface ApiDocRecord {
  ApiDocId: string;
  ApiDocName: string;
  ServiceId: string;
  ServiceName: string;
  Environment: string;
  ApiIds: string[];
  /** The names of ApiIds at the last build. */
  ApiNames: string[];
  /** COMPLETED once built (builds run synchronously within the action). */
  ApiDocStatus: string;
  ViewCount: number;
  /** Builds so far (创建 counts as the first). */
  ReleaseCount: number;
  SharePassword: string;
  CreatedTime: string;
  UpdateTime: string;
}

export const apiDocs = repository<ApiDocRecord>("api_docs", (id) =>
  new ApiError("ResourceNotFound.InvalidApiDoc", `API document \`${id}\` does not exist in this region.`),
);

/** Where the gateway serves API documents. */
export const APIDOC_PATH = "/__apidoc/";

export const apiDocUri = (config: Config, id: string) => `${gatewayOrigin(config)}${APIDOC_PATH}${id}`;

const PASSWORD_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A share password like the console's (`HiSzcRhk`): 8 letters and digits. */
export function newSharePassword(): string {
  let p = "";
  for (let i = 0; i < 8; i++) p += PASSWORD_CHARS[randomInt(PASSWORD_CHARS.length)];
  return p;
}

/**
 * Builds the document's page from the environment's published snapshot and stores it. An
 * unknown service answers ResourceNotFound.InvalidService; an environment that is not published
 * FailedOperation.ServiceError; an API the snapshot does not contain ResourceNotFound.InvalidApi
 * (no such API in the service) or FailedOperation.ApiError (not released in that environment).
 * Returns the record as built (ApiNames, ServiceName, status, build count, time).
 */
export async function buildApiDoc(db: Db, scope: Scope, config: Config, doc: ApiDocRecord, now: Date): Promise<ApiDocRecord> {
  const service = await services.find(db, scope, doc.ServiceId);
  if (!service) throw new ApiError("ResourceNotFound.InvalidService", `Service \`${doc.ServiceId}\` does not exist in this region.`);
  const release = await publishedRelease(db, scope, service.ServiceId, doc.Environment);
  if (!release) {
    throw new ApiError(
      "FailedOperation.ServiceError",
      `Service \`${service.ServiceId}\` is not published in environment \`${doc.Environment}\`: release it (ReleaseService) before documenting it.`,
    );
  }
  const { reference, missing } = await buildReference(db, scope, config, release, doc.Environment, doc.ApiIds);
  for (const id of missing) {
    const draft = await apis.find(db, scope, id);
    if (!draft || draft.ServiceId !== service.ServiceId) {
      throw new ApiError("ResourceNotFound.InvalidApi", `API \`${id}\` does not exist in service \`${service.ServiceId}\`.`);
    }
    throw new ApiError("FailedOperation.ApiError", `API \`${id}\` is not in the release published in \`${doc.Environment}\`: release the service again first.`);
  }
  const html = renderHtml(reference, doc.ApiDocName);
  await saveArtifact(
    db,
    scope,
    { id: doc.ApiDocId, serviceId: service.ServiceId, kind: "apidoc", key: doc.ApiDocId, name: `${doc.ApiDocId}.html`, contentType: "text/html; charset=utf-8", body: Buffer.from(html) },
    now,
  );
  return {
    ...doc,
    ServiceName: service.ServiceName,
    ApiNames: reference.apis.map((a) => a.name),
    ApiDocStatus: "COMPLETED",
    ReleaseCount: doc.ReleaseCount + 1,
    UpdateTime: isoTime(now),
  };
}

/** Stores a changed document; its service (the row's parent) may have changed too. */
export async function saveApiDoc(db: Db, scope: Scope, doc: ApiDocRecord): Promise<void> {
  await apiDocs.update(db, scope, doc.ApiDocId, doc);
  await db
    .updateTable("api_docs")
    .set({ parent_id: doc.ServiceId })
    .where("id", "=", doc.ApiDocId)
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .execute();
}

export async function deleteApiDoc(db: Db, scope: Scope, id: string): Promise<void> {
  await apiDocs.remove(db, scope, id);
  await deleteArtifact(db, id);
}

/** The APIDoc view (Create, Modify, ResetPassword, the list). */
export function apiDocSummary(d: ApiDocRecord) {
  return { ApiDocId: d.ApiDocId, ApiDocName: d.ApiDocName, ApiDocStatus: d.ApiDocStatus, Tags: [] };
}

/** The APIDocInfo view (DescribeAPIDocDetail): UpdateTime as documented, UpdatedTime as the SDK names it. */
export function apiDocInfo(d: ApiDocRecord, config: Config) {
  return {
    ApiDocId: d.ApiDocId,
    ApiDocName: d.ApiDocName,
    ApiDocStatus: d.ApiDocStatus,
    ApiCount: d.ApiIds.length,
    ViewCount: d.ViewCount,
    ReleaseCount: d.ReleaseCount,
    ApiDocUri: apiDocUri(config, d.ApiDocId),
    SharePassword: d.SharePassword,
    UpdateTime: d.UpdateTime,
    UpdatedTime: d.UpdateTime,
    ServiceId: d.ServiceId,
    Environment: d.Environment,
    ApiIds: d.ApiIds,
    ServiceName: d.ServiceName,
    ApiNames: d.ApiNames,
    Tags: [],
  };
}

/** What the gateway needs to serve a document page: its password. Undefined when the document does not exist. */
export async function apiDocAccess(db: Db, id: string): Promise<{ password: string } | undefined> {
  const row = await db.selectFrom("api_docs").select("data").where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return { password: (JSON.parse(row.data) as ApiDocRecord).SharePassword };
}

/** Counts one view of the document (ViewCount). */
export async function countApiDocView(db: Db, id: string): Promise<void> {
  await db
    .updateTable("api_docs")
    .set((eb) => ({ data: eb.fn("json_set", [eb.ref("data"), eb.val("$.ViewCount"), eb(eb.fn("json_extract", [eb.ref("data"), eb.val("$.ViewCount")]), "+", 1)]) }))
    .where("id", "=", id)
    .execute();
}
