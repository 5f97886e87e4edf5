/**
 * Keep-alive connection pools to HTTP backends, one per origin, shared by every API and
 * release that calls that origin (a recompile reuses the warm connections).
 *
 * APIs' http:// backends are called through the lean client of http1.ts; https:// backends,
 * and the CustomAuth plugin's verification calls, through undici Pools. Both take the same
 * request and handler shapes (undici's dispatch interface). APIGW_UPSTREAM_CLIENT=undici
 * sends every backend call through undici (for comparison, or as a fallback).
 */
import { Pool, type Dispatcher } from "undici";
import { Http1Pool, UpstreamError, type BackendRequest, type ResponseHandler } from "./http1.js";
import type { HttpBackend } from "./model.js";

/** What the gateway's BackendCall is given: undici gives raw header Buffers, http1.ts latin1 strings. */
export interface BackendHandler extends Omit<ResponseHandler, "onHeaders"> {
  onHeaders?(statusCode: number, headers: ReadonlyArray<Buffer | string>, resume: () => void, statusText: string): boolean;
}

/** Where an API's backend calls go: dispatch(request, handler), as undici's Dispatcher has it. */
export interface BackendDispatcher {
  dispatch(request: BackendRequest, handler: BackendHandler): boolean;
}

const useUndiciOnly = () => process.env.APIGW_UPSTREAM_CLIENT === "undici";

/** Idle backend connections are kept this long (backends commonly close at 5 s or more). */
const KEEP_ALIVE_MS = 4_000;
/** Giving up on connecting is a timeout (504), like one on the answer. */
const CONNECT_TIMEOUT_MS = 10_000;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private readonly lean = new Map<string, Http1Pool>();
  private readonly undiciOnly = useUndiciOnly();

  /** The dispatcher for an API backend's origin: http1.ts for http://, undici for https://. */
  backend(origin: string): BackendDispatcher {
    if (this.undiciOnly || !origin.startsWith("http:")) {
      const pool = this.get(origin);
      return { dispatch: (request, handler) => pool.dispatch(request as Dispatcher.DispatchOptions, handler as Dispatcher.DispatchHandlers) };
    }
    let pool = this.lean.get(origin);
    if (!pool) this.lean.set(origin, (pool = new Http1Pool(origin)));
    return pool;
  }

  /** The undici Pool for `origin` (https backends, CustomAuth verification services). */
  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        keepAliveTimeout: KEEP_ALIVE_MS,
        connect: { timeout: CONNECT_TIMEOUT_MS },
        // Per-request timeouts come from each API's ServiceTimeout.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    const lean = [...this.lean.values()];
    this.pools.clear();
    this.lean.clear();
    await Promise.all([...pools.map((p) => p.destroy()), ...lean.map((p) => p.close())]);
  }
}

export { UpstreamError };

/** Error codes of a call that took too long (to connect or to answer). */
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);

/** The error code of a failed upstream call ("" when it has none). */
export const upstreamErrorCode = (err: unknown): string => (err as { code?: string } | null)?.code ?? "";

/** Whether a failed upstream call failed by taking too long (504 rather than 502). */
export const isUpstreamTimeout = (err: unknown): boolean => TIMEOUT_CODES.has(upstreamErrorCode(err));

/** How a failed backend call is answered: too slow → 504, anything else → 502. */
export function classifyUpstreamError(err: unknown, backend: HttpBackend): { status: 502 | 504; reason: string; message: string } {
  const code = upstreamErrorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (TIMEOUT_CODES.has(code)) return { status: 504, reason: code, message: `The backend did not answer within the API's timeout of ${backend.timeoutMs / 1000} s.` };
  switch (code) {
    case "UND_ERR_INVALID_ARG":
      // e.g. a mapped parameter whose value cannot be a header value
      return { status: 502, reason: detail, message: `The gateway could not build a valid request to the backend: ${detail}.` };
    case "UND_ERR_INVALID_RESPONSE":
    case "UND_ERR_HEADERS_OVERFLOW":
      return { status: 502, reason: detail, message: `The backend ${backend.origin} answered with an ${detail.startsWith("invalid") ? detail : `invalid HTTP response: ${detail}`}.` };
    default:
      return { status: 502, reason: code || detail, message: `The backend ${backend.origin} could not be reached (${code || detail}).` };
  }
}
