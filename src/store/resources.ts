/**
 * One typed repository per resource kind over the uniform resource tables (see db.ts).
 * Every call is scoped to an account and region: a row of another tenant is never found.
 */
import { sql } from "kysely";
import type { Db, ResourceTable } from "./db.js";
import { ApiError } from "../control/errors.js";

export interface Scope {
  appId: string;
  region: string;
}

export interface Repository<T> {
  /** The resource, or undefined when it does not exist in this scope. */
  find(db: Db, scope: Scope, id: string): Promise<T | undefined>;
  /** The resource, or the kind's documented not-found error. */
  get(db: Db, scope: Scope, id: string): Promise<T>;
  /** All resources in scope (under one parent when given), oldest first. */
  list(db: Db, scope: Scope, parentId?: string): Promise<T[]>;
  count(db: Db, scope: Scope, parentId?: string): Promise<number>;
  insert(db: Db, scope: Scope, id: string, value: T, parentId?: string): Promise<void>;
  update(db: Db, scope: Scope, id: string, value: T): Promise<void>;
  remove(db: Db, scope: Scope, id: string): Promise<void>;
}

export function repository<T>(
  table: ResourceTable,
  notFound: (id: string) => ApiError,
): Repository<T> {
  const scoped = (db: Db, scope: Scope) =>
    db.selectFrom(table).where("app_id", "=", scope.appId).where("region", "=", scope.region);
  const repo: Repository<T> = {
    async find(db, scope, id) {
      const row = await scoped(db, scope).select("data").where("id", "=", id).executeTakeFirst();
      return row ? (JSON.parse(row.data) as T) : undefined;
    },
    async get(db, scope, id) {
      const found = await repo.find(db, scope, id);
      if (found === undefined) throw notFound(id);
      return found;
    },
    async list(db, scope, parentId) {
      let q = scoped(db, scope).select("data");
      if (parentId !== undefined) q = q.where("parent_id", "=", parentId);
      // rowid: insertion order, for rows created within the same millisecond.
      const rows = await q.orderBy("created_at").orderBy(sql`rowid`).execute();
      return rows.map((r) => JSON.parse(r.data) as T);
    },
    async count(db, scope, parentId) {
      let q = scoped(db, scope).select((eb) => eb.fn.countAll<number>().as("n"));
      if (parentId !== undefined) q = q.where("parent_id", "=", parentId);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(db, scope, id, value, parentId) {
      await db
        .insertInto(table)
        .values({
          id,
          app_id: scope.appId,
          region: scope.region,
          parent_id: parentId ?? null,
          data: JSON.stringify(value),
          created_at: new Date().toISOString(),
        })
        .execute();
    },
    async update(db, scope, id, value) {
      await db
        .updateTable(table)
        .set({ data: JSON.stringify(value) })
        .where("id", "=", id)
        .where("app_id", "=", scope.appId)
        .where("region", "=", scope.region)
        .execute();
    },
    async remove(db, scope, id) {
      await db
        .deleteFrom(table)
        .where("id", "=", id)
        .where("app_id", "=", scope.appId)
        .where("region", "=", scope.region)
        .execute();
    },
  };
  return repo;
}
