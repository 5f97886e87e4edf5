/**
 * One access-log record per gateway request (the fields of DATAPLANE §9.1 that a local
 * gateway knows), handed to a pluggable sink when the response is done. The sink is called
 * synchronously and must not block: the default one (src/resources/accessLogs.ts, wired in
 * src/server.ts) buffers records and writes them to SQLite in batches (from a worker thread for
 * a file database) for DescribeLogSearch.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";

export interface AccessLogRecord {
  /** X-Api-RequestId of the response. */
  requestId: string;
  /** Start of the request, epoch milliseconds. */
  time: number;
  /** Owner of the service; "" when the host matched no service. */
  appId: string;
  region: string;
  serviceId: string;
  /** "" when no environment was resolved. */
  environment: string;
  /** "" when no API matched. */
  apiId: string;
  host: string;
  clientIp: string;
  method: string;
  /** The request path as received (environment included), without the query. */
  path: string;
  /** Status sent to the client; 499 when the client went away first. */
  status: number;
  /** Status the backend answered; undefined when the gateway answered by itself ("-" in §9.1). */
  backendStatus: number | undefined;
  latencyMs: number;
  /** Why the gateway answered an error; "" otherwise. */
  errorMessage: string;
  /** "http" or "https" (the listener the request came in on). */
  scheme?: string;
  /** The backend called, as its origin (scheme://host:port); undefined when none was. */
  upstreamAddr?: string;
  /** The local address:port the request reached (§9.1 `vip`). */
  serverAddr?: string;
  /** Bytes of the request line, headers and declared body (§9.1 `req_len`). */
  requestLength?: number;
  /** Bytes written to the client for this response, headers included (§9.1 `rsp_len`). */
  responseLength?: number;
}

export type AccessLogSink = (record: AccessLogRecord) => void;

export const discardAccessLog: AccessLogSink = () => {};

/** Sends every record to each sink (one failing does not stop the others). */
export function teeAccessLog(...sinks: AccessLogSink[]): AccessLogSink {
  if (sinks.length === 1) return sinks[0]!;
  return (record) => {
    let failure: unknown;
    for (const sink of sinks) {
      try {
        sink(record);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  };
}

/** The local address:port of a connection, computed once per socket (§9.1 `vip`). */
const SERVER_ADDR = Symbol("apigw.serverAddr");

function serverAddress(socket: Socket & { [SERVER_ADDR]?: string }): string {
  let addr = socket[SERVER_ADDR];
  if (addr === undefined) {
    const local = socket.localAddress ?? "";
    addr = local ? `${local.includes(":") ? `[${local}]` : local}:${socket.localPort ?? ""}` : "";
    // Only once known: a socket asked before it is connected tries again next time.
    if (local) socket[SERVER_ADDR] = addr;
  }
  return addr;
}

/** Bytes of the request line, headers and declared body (§9.1 req_len). */
function requestLength(req: IncomingMessage): number {
  let length = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12; // "M U HTTP/1.1\r\n"
  const raw = req.rawHeaders;
  let declared: number | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    length += name.length + value.length + 4;
    if (declared === undefined && name.length === 14 && name.toLowerCase() === "content-length") declared = Number(value) || 0;
  }
  return length + 2 + (declared ?? 0);
}

/**
 * The record of one request, filled in as the request goes: one object of a fixed shape
 * (every field set in the constructor), so building it costs one allocation.
 */
export class GatewayLogRecord implements AccessLogRecord {
  requestId: string;
  time: number;
  appId = "";
  region = "";
  serviceId = "";
  environment = "";
  apiId = "";
  host = "";
  clientIp: string;
  method: string;
  path = "";
  status = 0;
  backendStatus: number | undefined = undefined;
  latencyMs = 0;
  errorMessage = "";
  scheme: string;
  upstreamAddr: string | undefined = undefined;
  serverAddr: string;
  requestLength: number;
  responseLength: number | undefined = undefined;

  constructor(req: IncomingMessage, requestId: string, clientIp: string) {
    const socket = req.socket;
    this.requestId = requestId;
    this.time = Date.now();
    this.clientIp = clientIp;
    this.method = req.method ?? "GET";
    this.scheme = (socket as TLSSocket).encrypted ? "https" : "http";
    this.serverAddr = serverAddress(socket);
    this.requestLength = requestLength(req);
  }
}
