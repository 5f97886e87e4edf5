/**
 * PluginData: the JSON string that configures a plugin, one format per PluginType. Checked
 * when a plugin is created or its data modified; stored as given and described back as given.
 * The gateway reads it through `readPluginData`, which returns the normalized values typed
 * below (the shapes each schema's output declares).
 *
 * Types: the document's IPControl, TrafficControl, Cors, CustomReq, CustomAuth, and the ones
 * the SDK's CreatePlugin lists besides (Routing, TrafficControlByParameter, CircuitBreaker,
 * ProxyCache). Formats come from the document's plugin pages where it gives them (IPControl,
 * TrafficControl, Cors, TrafficControlByParameter: DATAPLANE §6.2, §6.3, §7); CustomReq and
 * CustomAuth are this implementation's (the document names them only); Routing, CircuitBreaker
 * and ProxyCache are accepted as any JSON object and not enforced by the gateway.
 *
 * Error codes (each message names the field, e.g. `PluginData.strategies.0.rate_limit`):
 * - not JSON, not an object, a required field missing, a wrong type or shape:
 *   InvalidParameterValue.InvalidPluginConfig
 * - a value outside its documented set (expire_type, methods, parameter type):
 *   InvalidParameterValue.NotInOptions
 * - a number or a list length outside its documented range: InvalidParameterValue.RangeExceeded
 * - two strategies with the same name or weight, the same app or IP listed twice:
 *   InvalidParameterValue.DuplicatePluginConfig
 * Fields the format does not know are ignored (the console's own extras, e.g. IPControl's
 * `descriptions`, pass).
 */
import { isIP } from "node:net";
import { z } from "zod";
import { ApiError } from "../control/errors.js";
import { ipMatcher, parseIpList, type IpEntry } from "./ipStrategies.js";

export const PLUGIN_TYPES = [
  "IPControl",
  "TrafficControl",
  "Cors",
  "CustomReq",
  "CustomAuth",
  "Routing",
  "TrafficControlByParameter",
  "CircuitBreaker",
  "ProxyCache",
] as const;
export type PluginType = (typeof PLUGIN_TYPES)[number];

/**
 * Plugins of one class exclude each other on an API in an environment (UnsupportedOperation.
 * AttachPlugin): "一个 API 上只能绑定一个流控插件" (one traffic-control plugin per API, basic or
 * by parameter); every other type is its own class (one IPControl, one Cors, … per API).
 */
export function pluginClass(type: string): string {
  return type === "TrafficControlByParameter" ? "TrafficControl" : type;
}

const NOT_IN_OPTIONS = "InvalidParameterValue.NotInOptions";
const DUPLICATE = "InvalidParameterValue.DuplicatePluginConfig";
const INVALID = "InvalidParameterValue.InvalidPluginConfig";

/** A positive integer ("需要为正整数"). */
const positive = z.int().min(1).max(2 ** 31 - 1);
/** An optional positive integer; null counts as absent (the console sends null for unset fields). */
const optionalPositive = positive.nullish().transform((v) => v ?? undefined);

const unique = <T>(items: T[], key: (t: T) => unknown) => new Set(items.map(key)).size === items.length;

const ipList = z.string().transform((text, ctx) => {
  const parsed = parseIpList(text);
  if (!Array.isArray(parsed)) {
    ctx.addIssue({ code: "custom", message: parsed.error, params: parsed.tooMany ? { code: "InvalidParameterValue.RangeExceeded" } : undefined });
    return z.NEVER;
  }
  return parsed;
});

/**
 * IPControl (IP访问控制): whitelist or blacklist of IPs and CIDRs, IPv4 and IPv6.
 *
 *     {"type": "white_list" | "black_list", "blocks": "1.1.1.1\n10.0.0.0/8;2001:db8::/32"}
 *
 * `type` also accepts "white" / "black". `blocks` is separated by newlines or `;`.
 * Whitelist: only listed clients pass; blacklist: listed clients are refused (403).
 * Output: `mode` ("white" | "black"), `entries` and `matches(ip)`.
 */
export const IPControlData = z
  .object({
    type: z.enum(["white_list", "black_list", "white", "black"]),
    blocks: ipList,
  })
  .transform((d) => ({
    mode: d.type.startsWith("white") ? ("white" as const) : ("black" as const),
    entries: d.blocks as IpEntry[],
    /** Whether a client IP is in `blocks`. */
    matches: ipMatcher(d.blocks as IpEntry[]),
  }));

const WINDOW_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;

/**
 * TrafficControl (基础流控): calls allowed per window, per API, per app and per client IP.
 *
 *     {"expire_type": "second" | "minute" | "hour" | "day", "expire": 1,
 *      "api_rate_limit": 500, "app_rate_limit": 1, "ip_rate_limit": 2,
 *      "spec_app_rate_limits": [{"app_id": "app-3q9l4909", "rate_limit": 10}],
 *      "spec_ip_rate_limits": [{"ip_key": "172.16.0.1", "rate_limit": 10}]}
 *
 * The window is `expire` × `expire_type`. `api_rate_limit` is required; the others are
 * optional positive integers. At most 30 special apps and 30 special IPs: a special app's
 * (IP's) value replaces the generic app and IP values for it; the API value still applies.
 * Output adds `windowSeconds`.
 */
export const TrafficControlData = z
  .object({
    expire_type: z.enum(["second", "minute", "hour", "day"]),
    expire: positive,
    api_rate_limit: positive,
    app_rate_limit: optionalPositive,
    ip_rate_limit: optionalPositive,
    spec_app_rate_limits: z
      .array(z.object({ app_id: z.string().min(1), rate_limit: positive }))
      .max(30)
      .refine((l) => unique(l, (x) => x.app_id), { message: "lists the same app_id twice", params: { code: DUPLICATE } })
      .nullish()
      .transform((v) => v ?? []),
    spec_ip_rate_limits: z
      .array(
        z.object({
          ip_key: z.string().refine((v) => isIP(v) !== 0, { message: "must be an IPv4 or IPv6 address" }),
          rate_limit: positive,
        }),
      )
      .max(30)
      .refine((l) => unique(l, (x) => x.ip_key), { message: "lists the same ip_key twice", params: { code: DUPLICATE } })
      .nullish()
      .transform((v) => v ?? []),
  })
  .transform((d) => ({ ...d, windowSeconds: d.expire * WINDOW_SECONDS[d.expire_type] }));

const METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;
const upper = (s: unknown) => (typeof s === "string" ? s.toUpperCase() : s);

/**
 * Cors (跨域访问控制): overrides the API's EnableCORS while bound.
 *
 *     {"allow_origin": ["https://a.example.com", "http://b.example.com:8080"] | ["*"],
 *      "allow_methods": ["GET", "PUT", "POST", "DELETE", "HEAD"],
 *      "allow_headers": ["X-Api-ID"], "expose_headers": ["X-Api-ID"],
 *      "allow_credentials": true, "max_age": 600}
 *
 * Origins: `*` (the document's example prints `**`, read as `*`) or scheme://host[:port].
 * Methods: a non-empty subset of GET, PUT, POST, DELETE, HEAD (any case). `allow_headers`
 * empty or absent: no extra request header allowed; `*`: all. `expose_headers` likewise.
 * `max_age`: seconds, a positive integer (required).
 */
export const CorsData = z.object({
  allow_origin: z
    .array(
      z
        .string()
        .transform((o) => (o.trim() === "**" ? "*" : o.trim()))
        .refine((o) => o === "*" || /^https?:\/\/[^\s/?#]+$/i.test(o), { message: "must be * or an origin with its scheme (http:// or https://) and port if not the default" }),
    )
    .min(1),
  allow_methods: z.array(z.preprocess(upper, z.enum(METHODS))).min(1),
  allow_headers: z.array(z.string().min(1)).nullish().transform((v) => v ?? []),
  expose_headers: z.array(z.string().min(1)).nullish().transform((v) => v ?? []),
  allow_credentials: z.boolean().nullish().transform((v) => v ?? false),
  max_age: positive,
});

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: "must be an HTTP header name" });
const queryName = z.string().min(1);

const edits = <N extends z.ZodType<string>>(name: N) =>
  z
    .object({
      set: z.record(name, z.string()).nullish().transform((v) => v ?? {}),
      remove: z.array(name).nullish().transform((v) => v ?? []),
      rename: z.record(name, name).nullish().transform((v) => v ?? {}),
    })
    .nullish()
    .transform((v) => v ?? { set: {}, remove: [] as string[], rename: {} });

/**
 * CustomReq (自定义请求): edits the request before it goes to the backend.
 *
 *     {"headers": {"set": {"X-From": "gw"}, "remove": ["Cookie"], "rename": {"X-Old": "X-New"}},
 *      "queries": {"set": {"v": "2"}, "remove": ["debug"], "rename": {"q": "query"}}}
 *
 * Applied just before the backend call, headers then queries, each in the order rename,
 * remove, set (a rename moves every value, replacing the target's; a set replaces every
 * value); header names compare case-insensitively. At least one edit is required.
 */
export const CustomReqData = z
  .object({ headers: edits(headerName), queries: edits(queryName) })
  .refine(
    (d) => [d.headers, d.queries].some((e) => Object.keys(e.set).length || e.remove.length || Object.keys(e.rename).length),
    { message: "must set, remove or rename at least one header or query parameter" },
  );

/**
 * CustomAuth (自定义认证): before the backend, the gateway asks a verification service.
 *
 *     {"url": "https://auth.example.com/verify", "method": "POST", "timeout": 15,
 *      "is_send_body": false, "headers": {"X-Auth-Secret": "s"},
 *      "cache_key": ["header.authorization"], "cache_ttl": 60}
 *
 * - `url` (required): http(s) address of the verification service.
 * - `method`: GET, POST, PUT, DELETE, HEAD or ANY (the client's method); default ANY.
 * - `timeout`: seconds, 1–1800 (the console's 30-minute maximum); default 15.
 * - `is_send_body`: send the client's body too (headers and query always go); default false.
 * - `headers`: constant headers added to the verification request.
 * - `cache_key`: the request parameters (`header.x`, `query.x` or `path.x`) that identify a
 *   caller; required when `cache_ttl` > 0.
 * - `cache_ttl`: seconds a verdict is reused, 0–3600 (0: no cache); default 0.
 * A 2xx answer admits the call; any other answer refuses it with the verification service's
 * own status (a 3xx with its Location); unreachable: 502; no answer within `timeout`: 504.
 */
export const CustomAuthData = z
  .object({
    url: z.string().refine((u) => /^https?:\/\/[^\s/?#]+(\/\S*)?$/i.test(u), { message: "must be an http:// or https:// URL" }),
    method: z
      .preprocess(upper, z.enum(["GET", "POST", "PUT", "DELETE", "HEAD", "ANY"]))
      .nullish()
      .transform((v) => v ?? "ANY"),
    timeout: z.int().min(1).max(1800).nullish().transform((v) => v ?? 15),
    is_send_body: z.boolean().nullish().transform((v) => v ?? false),
    headers: z.record(headerName, z.string()).nullish().transform((v) => v ?? {}),
    cache_key: z
      .array(z.string().regex(/^(header|query|path)\.[^\s.]+$/i, { message: "must be header.<name>, query.<name> or path.<name>" }))
      .nullish()
      .transform((v) => v ?? []),
    cache_ttl: z.int().min(0).max(3600).nullish().transform((v) => v ?? 0),
  })
  .refine((d) => d.cache_ttl === 0 || d.cache_key.length > 0, { message: "must name at least one parameter when cache_ttl is above 0", path: ["cache_key"] });

/**
 * TrafficControlByParameter (参数流量控制): a default API limit plus 1–10 strategies, each
 * limiting calls per distinct value of one request parameter.
 *
 *     {"default_window": 60, "default_rate_limit": 5,
 *      "strategies": [{"name": "a", "strategy_weight": 0,
 *                      "parameters": [{"type": "query", "name": "a"}],
 *                      "rate_limit": 1, "window": 1, "condition": ""}]}
 *
 * `default_window` seconds, 0 turns the default policy off (then `default_rate_limit` may be
 * absent). Strategy names (≤ 50 characters) and weights (0–100) are unique; higher weight
 * runs first. Exactly one parameter: type query, header or path (path: the whole API path,
 * no name). `condition`: "" runs unconditionally; the expression syntax (shared with the
 * condition-routing plugin) is not documented, so it is stored as given.
 */
export const TrafficControlByParameterData = z
  .object({
    default_window: z.int().min(0).max(2 ** 31 - 1),
    default_rate_limit: optionalPositive,
    strategies: z
      .array(
        z
          .object({
            name: z.string().min(1).max(50),
            strategy_weight: z.int().min(0).max(100),
            parameters: z
              .array(
                z
                  .object({ type: z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(["query", "header", "path"])), name: z.string().nullish() })
                  .refine((p) => p.type === "path" || !!p.name, { message: "needs a name unless its type is path", path: ["name"] }),
              )
              .length(1),
            rate_limit: positive,
            window: positive,
            condition: z.string().nullish().transform((v) => v ?? ""),
          }),
      )
      .min(1)
      .max(10)
      .refine((l) => unique(l, (s) => s.name), { message: "has two strategies with the same name", params: { code: DUPLICATE } })
      .refine((l) => unique(l, (s) => s.strategy_weight), { message: "has two strategies with the same strategy_weight", params: { code: DUPLICATE } }),
  })
  .refine((d) => d.default_window === 0 || d.default_rate_limit !== undefined, {
    message: "is required when default_window is above 0",
    path: ["default_rate_limit"],
  });

/** Routing, CircuitBreaker, ProxyCache: any JSON object, kept as given (not enforced). */
export const OpaqueData = z.record(z.string(), z.unknown());

export const PLUGIN_DATA = {
  IPControl: IPControlData,
  TrafficControl: TrafficControlData,
  Cors: CorsData,
  CustomReq: CustomReqData,
  CustomAuth: CustomAuthData,
  Routing: OpaqueData,
  TrafficControlByParameter: TrafficControlByParameterData,
  CircuitBreaker: OpaqueData,
  ProxyCache: OpaqueData,
} as const satisfies Record<PluginType, z.ZodType>;

export type PluginDataOf<T extends PluginType> = z.output<(typeof PLUGIN_DATA)[T]>;

/** A plugin's type and its parsed data, discriminated by `type`. */
export type ParsedPluginData = { [T in PluginType]: { type: T; data: PluginDataOf<T> } }[PluginType];

/**
 * Checks PluginData for its type (`field` names the parameter in messages) and returns the
 * parsed data, or throws the ApiError described above.
 */
export function checkPluginData(type: PluginType, text: string, field = "PluginData"): ParsedPluginData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ApiError(INVALID, `${field} is not valid JSON: ${(e as Error).message}.`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new ApiError(INVALID, `${field} must be a JSON object (the ${type} plugin's configuration).`);
  }
  const result = PLUGIN_DATA[type].safeParse(json, { reportInput: true });
  if (result.success) return { type, data: result.data } as ParsedPluginData;
  throw issueError(result.error.issues[0]!, field, type);
}

function issueError(issue: z.core.$ZodIssue, field: string, type: string): ApiError {
  const path = [field, ...issue.path.map(String)].join(".");
  const custom = (issue as { params?: { code?: string } }).params?.code;
  const missing = !("input" in issue) || issue.input === undefined;
  if (missing && issue.code !== "custom") return new ApiError(INVALID, `${path} is required by the ${type} plugin.`);
  switch (issue.code) {
    case "invalid_value":
      return new ApiError(NOT_IN_OPTIONS, `${path} must be one of ${issue.values.map(String).join(", ")}.`);
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      const what = issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : "";
      return new ApiError(custom ?? "InvalidParameterValue.RangeExceeded", `${path} must be ${bound}${what}.`);
    }
    case "invalid_type":
      return new ApiError(INVALID, `${path} must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}.`);
    default:
      return new ApiError(custom ?? INVALID, `${path} ${issue.message.replace(/^Invalid input: /, "")}${/[.]$/.test(issue.message) ? "" : "."}`);
  }
}

/**
 * Pure, for the gateway: a stored plugin's parsed data. Data was checked when it was written;
 * undefined only if the stored text no longer parses (it then has no effect).
 */
export function readPluginData(type: string, text: string): ParsedPluginData | undefined {
  if (!(PLUGIN_TYPES as readonly string[]).includes(type)) return undefined;
  try {
    return checkPluginData(type as PluginType, text);
  } catch {
    return undefined;
  }
}
