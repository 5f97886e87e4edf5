/**
 * The API option "support CORS" (DATAPLANE §7.2): `Access-Control-Allow-Origin: *` on the
 * API's responses, and the gateway answers the browser's preflight itself (OPTIONS is not a
 * method an API can be configured with). The Cors plugin, which overrides this, comes later.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
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
