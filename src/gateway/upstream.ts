/**
 * Keep-alive connection pools to HTTP backends, one undici Pool per origin, shared by every
 * API and release that calls that origin (a recompile reuses the warm connections).
 */
import { Pool } from "undici";
import type { HttpBackend } from "./model.js";

/** Idle backend connections are kept this long (backends commonly close at 5 s or more). */
const KEEP_ALIVE_MS = 4_000;
/** Giving up on connecting is a timeout (504), like one on the answer. */
const CONNECT_TIMEOUT_MS = 10_000;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

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
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }
}

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
    default:
      return { status: 502, reason: code || detail, message: `The backend ${backend.origin} could not be reached (${code || detail}).` };
  }
}
