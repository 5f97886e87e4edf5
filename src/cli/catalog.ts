/**
 * What the CLI knows about actions: the registered ones (actions/*.ts) with their input
 * schemas as JSON Schema (cached in node_modules/.cache/apigw, keyed by the files they come
 * from), the document's titles and parameter descriptions (schema/doc/actions.json), help
 * text, and the coercion of flag strings to the types a schema declares.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ZodType } from "zod";
import { actionsDir } from "../control/registry.js";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
}

interface DocField {
  name: string;
  type: string;
  required?: boolean;
  description?: string;
}
interface DocAction {
  name: string;
  title: string;
  group?: string;
  input: DocField[];
}
interface Doc {
  actions: DocAction[];
  structures: Array<{ name: string; fields: DocField[] }>;
}

let doc: Doc | undefined;
function loadDoc(): Doc {
  doc ??= JSON.parse(readFileSync(fileURLToPath(new URL("../../schema/doc/actions.json", import.meta.url)), "utf8")) as Doc;
  return doc;
}

export interface ActionInfo {
  name: string;
  title: string;
  /** Registered in actions/ (the server answers it); otherwise documented only (InvalidAction). */
  registered: boolean;
  schema: JsonSchema;
}

async function toJson(s: unknown): Promise<JsonSchema> {
  const { z } = await import("zod");
  return z.toJSONSchema(s as ZodType, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

export interface Catalog {
  /** Actions with a module in actions/ (what the server answers). */
  registered: string[];
  /** Every documented action. */
  documented: string[];
  title(name: string): string;
  /** The action's input schema: its module's, or the document's for an action not implemented yet. */
  get(name: string): Promise<ActionInfo | undefined>;
  docField(action: string, path: string[]): DocField | undefined;
}

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const cacheFile = join(packageRoot, "node_modules", ".cache", "apigw", "cli-schemas.json");

/** What the input schemas are computed from: every file of actions/ and schema/ (name, size, mtime). */
function fingerprint(): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const st = statSync(path);
        parts.push(`${path.slice(packageRoot.length)}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(actionsDir);
  walk(join(packageRoot, "schema"));
  return createHash("sha256").update(parts.join("\n")).digest("hex");
}

/**
 * Every registered action's input as JSON Schema. Computing it means importing every action
 * module and zod (about half a second); a call needs one schema, so the result is cached in
 * node_modules/.cache/apigw, keyed by the files it comes from, and recomputed when any changes.
 */
async function registeredSchemas(): Promise<Record<string, JsonSchema>> {
  const key = fingerprint();
  try {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as { key: string; schemas: Record<string, JsonSchema> };
    if (cached.key === key) return cached.schemas;
  } catch {
    /* no cache yet */
  }
  const { loadActions } = await import("../control/registry.js");
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, def] of await loadActions()) schemas[name] = await toJson(def.input);
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, schemas }));
    renameSync(tmp, cacheFile);
  } catch {
    /* a read-only install: no cache */
  }
  return schemas;
}

/** Reads the list from actions/ and the document; schemas come from the cache above. */
export function loadCatalog(): Catalog {
  const d = loadDoc();
  const registered = readdirSync(actionsDir)
    .filter((f) => /^[A-Z]\w+\.ts$/.test(f))
    .map((f) => f.slice(0, -3))
    .sort();
  const titles = new Map(d.actions.map((a) => [a.name, a.title]));
  const structures = new Map(d.structures.map((s) => [s.name, s]));
  const docActions = new Map(d.actions.map((a) => [a.name, a]));
  let schemas: Promise<Record<string, JsonSchema>> | undefined;
  const cache = new Map<string, ActionInfo>();
  return {
    registered,
    documented: d.actions.map((a) => a.name).sort(),
    title: (name) => titles.get(name) ?? "",
    async get(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      let schema: JsonSchema | undefined;
      const isRegistered = registered.includes(name);
      if (isRegistered) {
        schemas ??= registeredSchemas();
        try {
          schema = (await schemas)[name];
        } catch (e) {
          // Another action module does not load: this one alone may.
          process.stderr.write(`apigw: warning: could not load every action (${(e as Error).message})\n`);
          const mod = (await import(pathToFileURL(join(actionsDir, `${name}.ts`)).href)) as { default?: { input?: unknown } };
          if (mod.default?.input) schema = await toJson(mod.default.input);
        }
      }
      if (!schema && docActions.has(name)) {
        const { requests } = await import("../../schema/generated.js");
        schema = await toJson((requests as Record<string, unknown>)[name]);
      }
      if (!schema) return undefined;
      const info: ActionInfo = { name, title: titles.get(name) ?? "", registered: isRegistered, schema };
      cache.set(name, info);
      return info;
    },
    docField(action, path) {
      let fields = docActions.get(action)?.input;
      let field: DocField | undefined;
      for (const seg of path) {
        if (!fields) return undefined;
        field = fields.find((f) => f.name === seg);
        if (!field) return undefined;
        const typeName = field.type.replace(/^Array of /, "");
        fields = structures.get(typeName)?.fields;
      }
      return field;
    },
  };
}

/** Resolves `$ref` and picks the first non-null member of a union, for walking. */
function resolve(s: JsonSchema | undefined, root: JsonSchema): JsonSchema | undefined {
  let cur = s;
  for (let i = 0; cur && i < 10; i++) {
    if (cur.$ref) {
      const m = /^#\/\$defs\/(.+)$/.exec(cur.$ref);
      cur = m ? root.$defs?.[decodeURIComponent(m[1]!)] : undefined;
      continue;
    }
    const union = cur.anyOf ?? cur.oneOf;
    if (union && !cur.type) {
      cur = union.find((o) => o.type !== "null") ?? union[0];
      continue;
    }
    if (cur.allOf && !cur.type && cur.allOf.length === 1) {
      cur = cur.allOf[0];
      continue;
    }
    return cur;
  }
  return cur;
}

function typeOf(s: JsonSchema | undefined): string | undefined {
  if (!s) return undefined;
  if (Array.isArray(s.type)) return s.type.find((t) => t !== "null");
  return s.type;
}

const isNumeric = (v: string) => /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v);

/**
 * Turns the strings of flags into the types the schema declares: numbers and booleans,
 * a single value where an array is declared becomes a one-item array, and a JSON text
 * where an array or object is declared is parsed. Anything that does not convert is left
 * as given, so the server names the parameter in its error.
 */
export function coerce(value: unknown, schema: JsonSchema | undefined, root: JsonSchema): unknown {
  const s = resolve(schema, root);
  const type = typeOf(s);
  if (!s || !type) return value;
  switch (type) {
    case "integer":
    case "number":
      if (typeof value === "string" && isNumeric(value)) return Number(value);
      return value;
    case "boolean":
      if (typeof value === "string") {
        const v = value.toLowerCase();
        if (v === "true" || v === "1") return true;
        if (v === "false" || v === "0") return false;
      }
      return value;
    case "array": {
      let v = value;
      if (typeof v === "string" && v.trim().startsWith("[")) {
        try {
          v = JSON.parse(v);
        } catch {
          /* left as given */
        }
      }
      if (Array.isArray(v)) return v.map((x) => coerce(x, s.items, root));
      return [coerce(v, s.items, root)];
    }
    case "object": {
      let v = value;
      if (typeof v === "string" && v.trim().startsWith("{")) {
        try {
          v = JSON.parse(v);
        } catch {
          /* left as given */
        }
      }
      if (v && typeof v === "object" && !Array.isArray(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = coerce(x, s.properties?.[k], root);
        return out;
      }
      return v;
    }
    default:
      return value;
  }
}

/** One line of an action's parameter help. */
export interface ParamLine {
  flag: string;
  type: string;
  /** Required in every call (it and every enclosing object are required). */
  required: boolean;
  /** Required whenever its enclosing object or array item is given. */
  requiredInParent: boolean;
  /** An object or array of objects whose fields follow as their own lines. */
  container: boolean;
  notes: string[];
  description: string;
}

function constraints(s: JsonSchema): string[] {
  const notes: string[] = [];
  if (s.enum) notes.push(`one of ${s.enum.map(String).join(" | ")}`);
  if (s.minLength !== undefined || s.maxLength !== undefined) {
    notes.push(s.maxLength !== undefined ? `${s.minLength ?? 0}–${s.maxLength} characters` : `at least ${s.minLength} characters`);
  }
  // Int64 is a safe integer: bounds at ±MAX_SAFE_INTEGER say nothing.
  const min = s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? s.minimum : undefined;
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (min !== undefined || max !== undefined) notes.push(max !== undefined ? `${min ?? "…"}–${max}` : `≥ ${min}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) {
    notes.push(s.maxItems !== undefined ? `${s.minItems ?? 0}–${s.maxItems} items` : `at least ${s.minItems} items`);
  }
  if (s.default !== undefined) notes.push(`default ${JSON.stringify(s.default)}`);
  return notes;
}

function typeLabel(s: JsonSchema | undefined, root: JsonSchema): string {
  const r = resolve(s, root);
  const t = typeOf(r);
  if (!r || !t) return "any";
  if (t === "array") return `${typeLabel(r.items, root)}[]`;
  return t;
}

/** The flags an action accepts, nested objects and arrays of objects spelled out as dotted paths. */
export function paramLines(info: ActionInfo, catalog: Catalog): ParamLine[] {
  const root = info.schema;
  const lines: ParamLine[] = [];
  const walk = (s: JsonSchema | undefined, flagPrefix: string, docPath: string[], depth: number, parentRequired: boolean) => {
    const obj = resolve(s, root);
    if (!obj?.properties) return;
    const required = new Set(obj.required ?? []);
    for (const [name, raw] of Object.entries(obj.properties)) {
      const p = resolve(raw, root)!;
      const flag = flagPrefix ? `${flagPrefix}.${name}` : name;
      const path = [...docPath, name];
      const t = typeOf(p);
      const item = t === "array" ? resolve(p.items, root) : undefined;
      const description = (catalog.docField(info.name, path)?.description ?? "").replace(/\s+/g, " ").trim();
      const nestedObject = t === "object" && p.properties && depth < 4;
      const arrayOfObjects = item && typeOf(item) === "object" && item.properties && depth < 4;
      lines.push({
        flag,
        type: nestedObject ? "object" : arrayOfObjects ? "object[]" : typeLabel(p, root),
        required: parentRequired && required.has(name),
        requiredInParent: !parentRequired && required.has(name),
        container: Boolean(nestedObject || arrayOfObjects),
        notes: [...constraints(p), ...(item && !arrayOfObjects ? constraints(item) : [])],
        description,
      });
      if (nestedObject) walk(p, flag, path, depth + 1, parentRequired && required.has(name));
      if (arrayOfObjects) walk(item, `${flag}.N`, path, depth + 1, false);
    }
  };
  walk(root, "", [], 0, true);
  return lines;
}
