/**
 * Header hygiene between client, gateway and backend: hop-by-hop headers stay on their own
 * connection (RFC 9110 §7.6.1), and the backend learns who called (DATAPLANE §4.3).
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

/** Never forwarded in either direction; `host` is the backend's own (or a constant parameter's). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const NOT_FORWARDED_TO_BACKEND = new Set([...HOP_BY_HOP, "host", "expect"]);

export type HeaderMap = Record<string, string | string[] | undefined>;

function copyWithout(headers: IncomingHttpHeaders, excluded: Set<string>): HeaderMap {
  const out: HeaderMap = {};
  for (const name in headers) if (!excluded.has(name)) out[name] = headers[name];
  // Connection may name more hop-by-hop headers.
  const connection = headers.connection;
  if (connection !== undefined && connection !== "keep-alive" && connection !== "close") {
    for (const token of connection.split(",")) delete out[token.trim().toLowerCase()];
  }
  return out;
}

/** The client's headers as the backend should get them, before parameter mapping. */
export function requestHeadersForBackend(req: IncomingMessage): HeaderMap {
  return copyWithout(req.headers, NOT_FORWARDED_TO_BACKEND);
}

/** The gateway's own request headers to the backend: who called, over what, and the request id. */
export function addForwardingHeaders(headers: HeaderMap, req: IncomingMessage, clientIp: string, requestId: string): void {
  const forwardedFor = req.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = forwardedFor ? `${forwardedFor}, ${clientIp}` : clientIp;
  headers["x-real-ip"] = clientIp;
  headers["x-client-proto"] = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  headers["x-client-proto-ver"] = `HTTP/${req.httpVersion}`;
  headers["x-api-requestid"] = requestId;
}

/** A request header's value, the first one when it came several times. */
export const firstValue = (value: string | string[] | undefined): string | undefined => (typeof value === "string" ? value : value?.[0]);

export function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
