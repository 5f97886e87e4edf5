/**
 * Files the gateway serves (table `artifacts`): built API-document pages, keyed by ApiDocId,
 * and GenerateApiDocument downloads, keyed by an unguessable token. Generating again for the
 * same owner and key replaces the previous files.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";

/** Where the gateway serves downloads: `/__download/<token>/<file name>`. */
export const DOWNLOAD_PATH = "/__download/";

export interface Artifact {
  id: string;
  serviceId: string;
  kind: string;
  key: string;
  name: string;
  contentType: string;
  body: Buffer;
}

/** A download token: 24 characters of [0-9a-z] (about 124 bits). */
export function downloadToken(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  return [...randomBytes(24)].map((b) => alphabet[b % 36]).join("");
}

export async function saveArtifact(db: Db, scope: Scope, a: Artifact, now: Date): Promise<void> {
  await db.deleteFrom("artifacts").where("id", "=", a.id).execute();
  await db
    .insertInto("artifacts")
    .values({
      id: a.id,
      app_id: scope.appId,
      region: scope.region,
      service_id: a.serviceId,
      kind: a.kind,
      key: a.key,
      name: a.name,
      content_type: a.contentType,
      body: a.body,
      created_at: now.toISOString(),
    })
    .execute();
}

/** Deletes the files generated earlier for this service, kind and key. */
export async function replaceArtifacts(db: Db, scope: Scope, serviceId: string, kind: string, key: string): Promise<void> {
  await db
    .deleteFrom("artifacts")
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("service_id", "=", serviceId)
    .where("kind", "=", kind)
    .where("key", "=", key)
    .execute();
}

export async function deleteArtifact(db: Db, id: string): Promise<void> {
  await db.deleteFrom("artifacts").where("id", "=", id).execute();
}

/** A file by id, whoever owns it (the id is the capability); undefined when there is none. */
export async function findArtifact(db: Db, id: string): Promise<(Artifact & { appId: string; region: string }) | undefined> {
  const row = await db.selectFrom("artifacts").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    appId: row.app_id,
    region: row.region,
    serviceId: row.service_id,
    kind: row.kind,
    key: row.key,
    name: row.name,
    contentType: row.content_type,
    body: Buffer.isBuffer(row.body) ? row.body : Buffer.from(row.body as Uint8Array),
  };
}
