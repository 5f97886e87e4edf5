/**
 * The CustomAuth plugin (pluginData.ts CustomAuthData): before the limits and the backend, the
 * gateway asks the configured verification service whether to let the call through.
 *
 * The verification request: the configured method (ANY: the caller's), the configured URL with
 * the caller's query string appended, the caller's headers (hop-by-hop and Host removed) plus
 * the gateway's forwarding headers (X-Forwarded-For, X-Real-IP, X-Api-RequestId, …),
 * `X-Forwarded-Method` and `X-Forwarded-Uri` (the caller's method and request target), then
 * the plugin's constant headers; the caller's body only with `is_send_body` (the gateway then
 * reads it first and forwards the same bytes to the backend).
 *
 * The verdict: a 2xx answer admits the call; any other answer refuses it with the
 * verification service's own status (a 3xx keeps its Location, so the service can send a
 * browser to a login page); no answer within `timeout` seconds: 504; unreachable: 502.
 *
 * With `cache_ttl` > 0, verdicts given by the service (admit or refuse, not 502/504) are
 * reused for `cache_ttl` seconds for requests with the same values of the `cache_key`
 * parameters (`header.x`, `query.x`, `path.x`: a path parameter of the API's path); a request
 * carrying none of them is not cached. The cache belongs to the compiled API: a reload of the
 * service's configuration starts it afresh.
 */
import type { IncomingMessage } from "node:http";
import type { Dispatcher } from "undici";
import type { PluginDataOf } from "../resources/pluginData.js";
import { addForwardingHeaders, requestHeadersForBackend } from "./forwarding.js";
import { isUpstreamTimeout, upstreamErrorCode } from "./upstream.js";

/** A refusal: the status and message to answer, and headers (a redirect's Location). */
export interface AuthRefusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** What the gateway knows of the call besides the request itself. */
export interface CustomAuthCall {
  rawQuery: string;
  /** Raw values of the API path's `{name}` segments. */
  pathParams: Record<string, string>;
  /** The body, when read (needsBody). */
  body: Buffer | undefined;
  clientIp: string;
  requestId: string;
  now: number;
}

interface CacheKeyPart {
  type: "header" | "query" | "path";
  name: string;
}

interface CachedVerdict {
  refusal: AuthRefusal | undefined;
  expires: number;
}

/** Verdicts kept at most, per compiled API; past this, expired ones are dropped, then the oldest. */
const MAX_CACHED = 10_000;

export class CustomAuth {
  /** The caller's body goes to the verification service: read it first. */
  readonly needsBody: boolean;
  private readonly target: string;
  private readonly method: string | undefined;
  private readonly timeoutMs: number;
  private readonly constantHeaders: Array<[string, string]>;
  private readonly cacheKey: CacheKeyPart[];
  private readonly cacheTtlMs: number;
  private readonly cache = new Map<string, CachedVerdict>();

  constructor(
    data: PluginDataOf<"CustomAuth">,
    private readonly pool: Dispatcher,
    readonly pluginId: string,
  ) {
    const url = new URL(data.url);
    this.target = url.pathname + url.search;
    this.method = data.method === "ANY" ? undefined : data.method;
    this.timeoutMs = data.timeout * 1000;
    this.needsBody = data.is_send_body;
    this.constantHeaders = Object.entries(data.headers).map(([name, value]) => [name.toLowerCase(), value]);
    this.cacheKey = data.cache_key.map((k) => {
      const dot = k.indexOf(".");
      const type = k.slice(0, dot).toLowerCase() as CacheKeyPart["type"];
      const name = k.slice(dot + 1);
      return { type, name: type === "header" ? name.toLowerCase() : name };
    });
    this.cacheTtlMs = data.cache_ttl * 1000;
  }

  /** Undefined when the call may go on; otherwise how to refuse it. */
  async check(req: IncomingMessage, call: CustomAuthCall): Promise<AuthRefusal | undefined> {
    const key = this.cacheTtlMs > 0 ? this.cacheKeyOf(req, call) : undefined;
    if (key !== undefined) {
      const cached = this.cache.get(key);
      if (cached && cached.expires > call.now) return cached.refusal;
    }
    let status: number;
    let location: string | undefined;
    try {
      const answer = await this.ask(req, call);
      status = answer.statusCode;
      const l = answer.headers.location;
      location = typeof l === "string" ? l : l?.[0];
      await answer.body.dump();
    } catch (err) {
      return isUpstreamTimeout(err)
        ? { status: 504, message: `CustomAuth plugin \`${this.pluginId}\`: the verification service did not answer within ${this.timeoutMs / 1000} s.` }
        : { status: 502, message: `CustomAuth plugin \`${this.pluginId}\`: the verification service could not be reached (${upstreamErrorCode(err) || String(err)}).` };
    }
    const refusal: AuthRefusal | undefined =
      status >= 200 && status < 300
        ? undefined
        : {
            status,
            message: `CustomAuth plugin \`${this.pluginId}\`: the verification service refused the call (${status}).`,
            headers: status >= 300 && status < 400 && location ? { Location: location } : undefined,
          };
    if (key !== undefined) this.remember(key, refusal, call.now);
    return refusal;
  }

  private ask(req: IncomingMessage, call: CustomAuthCall): Promise<Dispatcher.ResponseData> {
    const headers = requestHeadersForBackend(req);
    addForwardingHeaders(headers, req, call.clientIp, call.requestId);
    headers["x-forwarded-method"] = req.method ?? "GET";
    headers["x-forwarded-uri"] = req.url ?? "/";
    for (const [name, value] of this.constantHeaders) headers[name] = value;
    const method = this.method ?? req.method ?? "GET";
    const body = this.needsBody && call.body?.length && method !== "HEAD" ? call.body : undefined;
    delete headers["content-length"];
    if (body) headers["content-length"] = String(body.length);
    const path = call.rawQuery ? `${this.target}${this.target.includes("?") ? "&" : "?"}${call.rawQuery}` : this.target;
    return this.pool.request({
      path,
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** The cache key of a call: its cache_key values, undefined when it carries none of them. */
  private cacheKeyOf(req: IncomingMessage, call: CustomAuthCall): string | undefined {
    let key = "";
    let any = false;
    let query: URLSearchParams | undefined;
    for (const part of this.cacheKey) {
      let value: string | undefined;
      if (part.type === "header") {
        const h = req.headers[part.name];
        value = typeof h === "string" ? h : h?.join(",");
      } else if (part.type === "query") {
        value = (query ??= new URLSearchParams(call.rawQuery)).get(part.name) ?? undefined;
      } else {
        value = call.pathParams[part.name];
      }
      if (value === undefined) key += "\u0001";
      else {
        any = true;
        key += `${value}\u0000`;
      }
    }
    return any ? key : undefined;
  }

  private remember(key: string, refusal: AuthRefusal | undefined, now: number): void {
    if (this.cache.size >= MAX_CACHED) {
      for (const [k, v] of this.cache) if (v.expires <= now) this.cache.delete(k);
      // Still full: drop the oldest entries (a Map iterates in insertion order).
      for (const k of this.cache.keys()) {
        if (this.cache.size < MAX_CACHED) break;
        this.cache.delete(k);
      }
    }
    this.cache.delete(key);
    this.cache.set(key, { refusal, expires: now + this.cacheTtlMs });
  }
}
