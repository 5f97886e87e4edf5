/**
 * The CustomReq plugin (pluginData.ts CustomReqData): edits the request just before it goes
 * to the backend, after parameter mapping and the gateway's forwarding headers (so a plugin
 * may also override those). Headers, then query parameters, each in the order rename, remove,
 * set: a rename moves every value to the new name (replacing what was there), a set replaces
 * every value. Header names compare case-insensitively.
 */
import type { PluginDataOf } from "../resources/pluginData.js";
import type { BackendRequestDraft } from "./params.js";

interface Edits {
  rename: Array<[from: string, to: string]>;
  remove: string[];
  set: Array<[name: string, value: string]>;
}

export interface RequestEdits {
  /** Lower-case names. */
  headers: Edits | undefined;
  queries: Edits | undefined;
}

/** One side's edits as pluginData.ts parses them (names to names or values). */
interface EditData {
  set: Record<string, string>;
  remove: string[];
  rename: Record<string, string>;
}

function compileEdits(e: EditData, lower: boolean): Edits | undefined {
  const name = lower ? (n: string) => n.toLowerCase() : (n: string) => n;
  const edits: Edits = {
    rename: Object.entries(e.rename).map(([from, to]) => [name(from), name(to)]),
    remove: e.remove.map(name),
    set: Object.entries(e.set).map(([n, v]) => [name(n), v]),
  };
  return edits.rename.length || edits.remove.length || edits.set.length ? edits : undefined;
}

export function compileCustomReq(data: PluginDataOf<"CustomReq">): RequestEdits {
  return { headers: compileEdits(data.headers as EditData, true), queries: compileEdits(data.queries as EditData, false) };
}

export function applyRequestEdits(edits: RequestEdits, draft: BackendRequestDraft): void {
  const h = edits.headers;
  if (h) {
    const headers = draft.headers;
    for (const [from, to] of h.rename) {
      const value = headers[from];
      if (value === undefined) continue;
      delete headers[from];
      headers[to] = value;
    }
    for (const name of h.remove) delete headers[name];
    for (const [name, value] of h.set) headers[name] = value;
  }
  const q = edits.queries;
  if (q) {
    const query = draft.editQuery();
    for (const [from, to] of q.rename) {
      const values = query.getAll(from);
      if (!values.length) continue;
      query.delete(from);
      query.delete(to);
      for (const v of values) query.append(to, v);
    }
    for (const name of q.remove) query.delete(name);
    for (const [name, value] of q.set) query.set(name, value);
  }
}
