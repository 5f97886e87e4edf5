/**
 * CORS (DATAPLANE §7.2), one CorsPolicy per API and environment:
 *
 * - the API option "support CORS" (EnableCORS): `Access-Control-Allow-Origin: *` on the API's
 *   responses (a backend's own value is kept), and every preflight answered;
 * - the Cors plugin, which overrides the option while it is bound ("the option has no effect
 *   while a plugin is bound"): only listed origins (exact `scheme://host[:port]`, default ports
 *   optional, or `*`) get CORS headers; with `allow_credentials` the origin is echoed instead
 *   of `*` (browsers refuse `*` with credentials), plus `Access-Control-Allow-Credentials`;
 *   `expose_headers` on responses; the backend's own CORS headers are replaced. A preflight
 *   whose origin, method (`allow_methods`) or requested headers (`allow_headers`; empty: none,
 *   `*`: any) are not allowed is refused with 403 and a message saying which, without CORS
 *   headers, so the browser blocks the call and a developer sees why.
 *
 * The gateway answers preflights itself (OPTIONS is not a method an API can be configured with).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { PluginDataOf } from "../resources/pluginData.js";
import type { CompiledApi } from "./model.js";

export const ALLOW_ORIGIN = "Access-Control-Allow-Origin";
const PREFLIGHT_MAX_AGE_S = "600";
/** What an ANY API accepts, announced to preflights. */
const ANY_METHODS = "GET, POST, PUT, DELETE, PATCH, HEAD";

/** The method a preflight asks about; undefined for an OPTIONS request that is not one. */
export function preflightMethod(headers: IncomingHttpHeaders): string | undefined {
  const method = headers["access-control-request-method"];
  return method ? method.toUpperCase() : undefined;
}

export function preflightHeaders(api: CompiledApi, requestHeaders: IncomingHttpHeaders): OutgoingHttpHeaders {
  return {
    [ALLOW_ORIGIN]: "*",
    "Access-Control-Allow-Methods": api.method === "ANY" ? ANY_METHODS : api.method,
    // Echo what the browser asks for: the API option allows every header.
    "Access-Control-Allow-Headers": requestHeaders["access-control-request-headers"] || "*",
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_S,
  };
}

export interface CorsPolicy {
  /**
   * Adds the CORS headers of an actual response for a request from `origin`. `fromBackend`:
   * `headers` are the backend's (lower-case names), which may carry CORS headers of their own.
   */
  decorate(origin: string | undefined, headers: OutgoingHttpHeaders, fromBackend: boolean): void;
  /** The answer headers of a preflight, or why it is refused. */
  preflight(api: CompiledApi, requestHeaders: IncomingHttpHeaders): OutgoingHttpHeaders | string;
}

/** The API option (EnableCORS). */
export const API_OPTION_CORS: CorsPolicy = {
  decorate(_origin, headers, fromBackend) {
    if (!fromBackend || headers["access-control-allow-origin"] === undefined) headers[ALLOW_ORIGIN] = "*";
  },
  preflight: preflightHeaders,
};

const DEFAULT_PORTS: Record<string, string> = { http: "80", https: "443" };
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?$/;

/** An origin compared case-insensitively, with its scheme's default port left out. */
export function normalizeOrigin(origin: string): string {
  const lower = origin.toLowerCase();
  const m = ORIGIN.exec(lower);
  if (!m || m[3] === undefined || DEFAULT_PORTS[m[1]!] !== m[3]) return lower;
  return `${m[1]}://${m[2]}`;
}

/** The backend's CORS headers, dropped while the plugin decides. */
const BACKEND_CORS_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-expose-headers",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
];

/** The Cors plugin (pluginData.ts CorsData). */
export class CorsPlugin implements CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;
  private readonly methods: ReadonlySet<string>;
  private readonly methodList: string;
  private readonly anyHeader: boolean;
  /** Lower case. */
  private readonly headers: ReadonlySet<string>;
  private readonly headerList: string;
  private readonly exposeList: string;
  private readonly credentials: boolean;
  private readonly maxAge: string;
  /** The answer depends on the Origin (it is echoed): caches must know. */
  private readonly varies: boolean;

  constructor(data: PluginDataOf<"Cors">) {
    this.anyOrigin = data.allow_origin.includes("*");
    this.origins = new Set(data.allow_origin.filter((o) => o !== "*").map(normalizeOrigin));
    this.methods = new Set(data.allow_methods);
    this.methodList = data.allow_methods.join(", ");
    this.anyHeader = data.allow_headers.includes("*");
    this.headers = new Set(data.allow_headers.map((h) => h.toLowerCase()));
    this.headerList = data.allow_headers.join(", ");
    this.exposeList = data.expose_headers.join(", ");
    this.credentials = data.allow_credentials;
    this.maxAge = String(data.max_age);
    this.varies = !this.anyOrigin || this.credentials;
  }

  /** The Access-Control-Allow-Origin value for `origin`, undefined when it is not allowed. */
  allowOrigin(origin: string | undefined): string | undefined {
    if (!origin) return undefined;
    if (this.anyOrigin) return this.credentials ? origin : "*";
    return this.origins.has(origin) || this.origins.has(normalizeOrigin(origin)) ? origin : undefined;
  }

  decorate(origin: string | undefined, headers: OutgoingHttpHeaders, fromBackend: boolean): void {
    if (fromBackend) for (const name of BACKEND_CORS_HEADERS) delete headers[name];
    if (this.varies && origin) addVary(headers, fromBackend ? "vary" : "Vary");
    const allowed = this.allowOrigin(origin);
    if (allowed === undefined) return;
    headers[ALLOW_ORIGIN] = allowed;
    if (this.credentials) headers["Access-Control-Allow-Credentials"] = "true";
    if (this.exposeList) headers["Access-Control-Expose-Headers"] = this.exposeList;
  }

  preflight(_api: CompiledApi, requestHeaders: IncomingHttpHeaders): OutgoingHttpHeaders | string {
    const origin = requestHeaders.origin;
    const allowed = this.allowOrigin(origin);
    if (allowed === undefined) return `CORS preflight refused: origin ${origin ? `\`${origin}\`` : "(none sent)"} is not allowed by the API's Cors plugin.`;
    const method = preflightMethod(requestHeaders)!;
    if (!this.methods.has(method)) return `CORS preflight refused: method ${method} is not among the Cors plugin's allowed methods (${this.methodList}).`;
    const requested = requestHeaders["access-control-request-headers"];
    if (requested && !this.anyHeader) {
      for (const name of requested.split(",")) {
        const header = name.trim().toLowerCase();
        if (header && !this.headers.has(header)) return `CORS preflight refused: request header \`${header}\` is not among the Cors plugin's allowed headers (${this.headerList || "none"}).`;
      }
    }
    const answer: OutgoingHttpHeaders = {
      [ALLOW_ORIGIN]: allowed,
      "Access-Control-Allow-Methods": this.methodList,
      "Access-Control-Max-Age": this.maxAge,
    };
    const allowHeaders = this.anyHeader ? requested : this.headerList;
    if (allowHeaders) answer["Access-Control-Allow-Headers"] = allowHeaders;
    if (this.credentials) answer["Access-Control-Allow-Credentials"] = "true";
    if (this.varies) answer.Vary = "Origin";
    return answer;
  }
}

function addVary(headers: OutgoingHttpHeaders, name: string): void {
  const vary = headers[name];
  headers[name] = vary ? `${String(vary)}, Origin` : "Origin";
}
