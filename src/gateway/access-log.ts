/**
 * One access-log record per gateway request (the fields of DATAPLANE §9.1 that a local
 * gateway knows), handed to a pluggable sink when the response is done. The sink is called
 * synchronously and must not block: a real one buffers and writes in batches.
 */
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
}

export type AccessLogSink = (record: AccessLogRecord) => void;

export const discardAccessLog: AccessLogSink = () => {};
