/**
 * `apigw call <Action> [--Param value …] [--cli-input-json file.json]`: one signed call,
 * the answer printed as JSON. Parameters are flags named as in the document; dotted names
 * nest (`--RequestConfig.Path /a`, `--Tags.0.Key env`), a repeated flag makes an array, and
 * values are converted to the number or boolean the action's schema declares.
 */
import { readFileSync } from "node:fs";
import { ApigwClient, ApigwError } from "../client/index.js";
import { checkOptions, parseArgs, UsageError } from "./args.js";
import { coerce, loadCatalog, paramLines, type Catalog } from "./catalog.js";
import { resolveSettings } from "./profile.js";

const CONNECTION_OPTIONS = ["endpoint", "secret-id", "secret-key", "region", "sign-method", "req-method", "profile", "profile-file"];

export const callUsage = `Usage: apigw call <Action> [--Param value …] [--cli-input-json file.json|-] [options]

Calls one control-API action and prints its answer (the Response object) as JSON.
On an error prints "<Code>: <Message>" and the RequestId on stderr and exits with 1.

Parameters: --Name value or --Name=value, named as in the document. Dotted names nest
(--RequestConfig.Path /a, --Tags.0.Key env, --Filters.0.Values.0 demo); repeating a flag
makes an array (--NetTypes OUTER --NetTypes INNER); a JSON text is accepted where an array
or object is declared (--NetTypes '["OUTER"]'). Numbers and booleans are converted where
the action's schema declares them. --cli-input-json reads the parameters from a JSON file
(- for stdin); flags given as well override the values at the paths they name.

Options:
  --endpoint URL         control API (APIGW_ENDPOINT; default http://127.0.0.1:9000)
  --secret-id ID         key pair (APIGW_SECRET_ID / APIGW_SECRET_KEY)
  --secret-key KEY
  --region R             (APIGW_REGION; default ap-guangzhou)
  --sign-method M        TC3-HMAC-SHA256 (default), HmacSHA256 or HmacSHA1 (APIGW_SIGN_METHOD)
  --req-method M         POST (default) or GET
  --profile NAME         a profile of ~/.apigw/credentials (APIGW_PROFILE picks the default one)
  --profile-file FILE    another profile file (APIGW_PROFILE_FILE)

Settings are taken from flags, then --profile, then the environment, then the
APIGW_PROFILE (or "default") profile.

\`apigw call <Action> --help\` lists the action's parameters.`;

function pad(s: string, n: number): string {
  return s.length >= n ? s + "  " : s + " ".repeat(n - s.length);
}

function listActions(catalog: Catalog): string {
  const names = catalog.registered;
  const width = Math.max(24, ...names.map((n) => n.length + 2));
  const lines = names.map((n) => `  ${pad(n, width)}${catalog.title(n)}`);
  const missing = catalog.documented.filter((n) => !names.includes(n));
  return [
    callUsage,
    "",
    `Actions (${names.length} implemented):`,
    ...lines,
    ...(missing.length
      ? ["", `Documented but not implemented yet (the server answers InvalidAction): ${missing.length}, e.g. ${missing.slice(0, 4).join(", ")}, …`]
      : []),
  ].join("\n");
}

export async function actionHelp(name: string, catalog: Catalog): Promise<string> {
  const info = await catalog.get(name);
  if (!info) throw new UsageError(`unknown action "${name}" (\`apigw call --help\` lists them)`);
  const lines = paramLines(info, catalog);
  const width = Math.min(44, Math.max(20, ...lines.map((l) => `--${l.flag} <${l.type}>`.length + 2)));
  const out = [
    `apigw call ${info.name}${info.title ? ` — ${info.title}` : ""}`,
    ...(info.registered ? [] : ["(documented, not implemented yet: the server answers InvalidAction)"]),
    "",
    lines.length ? "Parameters (required ones marked *; N in a flag is an index: 0, 1, …):" : "No parameters.",
  ];
  for (const l of lines) {
    const head = `${l.required ? "*" : " "} ${pad(`--${l.flag} <${l.type}>`, width)}`;
    const details = [l.required ? "required" : l.requiredInParent ? "required in its object" : "optional", ...l.notes].join("; ");
    out.push(`${head}${details}${l.description ? `. ${l.description}` : ""}`);
  }
  const example = lines.filter((l) => l.required && !l.container);
  out.push("", `Example: apigw call ${info.name}${example.map((l) => ` --${l.flag} <${l.type}>`).join("")}`);
  return out.join("\n");
}

type Tree = Record<string, unknown>;

/**
 * Builds nested parameters from dotted flags: a numeric segment indexes an array; a repeated
 * flag collects values. Arrays keep their indexes (holes included) until `compact`.
 */
export function paramsFromFlags(flags: Array<[string, string]>): Tree {
  const root: Tree = {};
  const seen = new Set<string>();
  for (const [name, value] of flags) {
    const path = name.split(".");
    if (path.some((seg) => seg === "")) throw new UsageError(`--${name}: empty segment in a dotted name`);
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (i === path.length - 1) {
        if (seen.has(name)) {
          const prev = node[seg];
          node[seg] = Array.isArray(prev) ? [...prev, value] : [prev, value];
        } else node[seg] = value;
        seen.add(name);
        break;
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1]!);
      let child = node[seg];
      if (child === undefined || typeof child !== "object" || child === null) {
        child = nextIsIndex ? [] : {};
        node[seg] = child;
      }
      node = child as Record<string, unknown>;
    }
  }
  return root;
}

/** Index gaps (`Values.1` without `Values.0`) are dropped, order kept, as the server does. */
export function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact);
  if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) (v as Tree)[k] = compact(x);
  }
  return v;
}

/**
 * Flags over --cli-input-json: objects merge key by key, arrays of objects item by item
 * (`--Tags.0.Value v` changes the first tag's value); anything else, an array of plain
 * values included (`--NetTypes INNER`), replaces what the file says.
 */
function deepMerge(base: unknown, over: unknown): unknown {
  const isObj = (v: unknown) => Boolean(v) && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(base) && Array.isArray(over) && over.every(isObj)) {
    const out = [...base];
    over.forEach((v, i) => (out[i] = i < base.length ? deepMerge(base[i], v) : v));
    return out;
  }
  if (base && over && typeof base === "object" && typeof over === "object" && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Tree = { ...(base as Tree) };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return over;
}

function readInputJson(source: string): Tree {
  let text: string;
  try {
    text = readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (e) {
    throw new UsageError(`--cli-input-json: cannot read ${source}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--cli-input-json: ${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new UsageError(`--cli-input-json: ${source} must hold a JSON object of parameters`);
  return json as Tree;
}

export async function callCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv);
  checkOptions(args, [...CONNECTION_OPTIONS, "cli-input-json"], "call");
  const catalog = loadCatalog();
  const action = args.positionals[0];
  if (!action) {
    if (args.flags.has("help")) {
      console.log(listActions(catalog));
      return 0;
    }
    throw new UsageError("apigw call needs an action name (`apigw call --help` lists them)");
  }
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}" (parameters are --Name value)`);
  if (args.flags.has("help")) {
    console.log(await actionHelp(action, catalog));
    return 0;
  }
  const info = await catalog.get(action);
  if (!info) {
    process.stderr.write(`apigw: warning: "${action}" is not a documented action; sending it anyway\n`);
  }
  const fromFile = args.options.has("cli-input-json") ? readInputJson(args.options.get("cli-input-json")!) : {};
  const fromFlags = paramsFromFlags(args.params);
  const merged = compact(deepMerge(fromFile, fromFlags)) as Tree;
  const params = (info ? coerce(merged, info.schema, info.schema) : merged) as Tree;

  const client = new ApigwClient(resolveSettings(args.options, env));
  try {
    const answer = await client.request(action, params);
    console.log(JSON.stringify(answer, null, 2));
    return 0;
  } catch (e) {
    if (!(e instanceof ApigwError)) throw e;
    process.stderr.write(`apigw: ${action} failed: ${e.code}: ${e.message}\n`);
    if (e.requestId) process.stderr.write(`RequestId: ${e.requestId}\n`);
    return 1;
  }
}
