/**
 * The embedded gateway: a node:http server that serves what is published (DATAPLANE §11):
 *
 *   Host → service → /{environment} → API (path, method) → CORS preflight → frontend
 *   parameters → backend (HTTP through pooled keep-alive connections, or mock) → response
 *   (passed through; CORS header; gzip) → access-log record.
 *
 * The per-request path reads only the in-memory compiled view (view.ts); it never touches the
 * database nor re-reads configuration.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { Readable, type Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Events } from "../events.js";
import { log } from "../log.js";
import { ENVIRONMENTS } from "../resources/environments.js";
import type { Store } from "../store/db.js";
import { discardAccessLog, type AccessLogRecord, type AccessLogSink } from "./access-log.js";
import { joinPath } from "./backend-path.js";
import { acceptsGzip, hasResponseBody, shouldGzip } from "./compression.js";
import { ALLOW_ORIGIN, preflightHeaders, preflightMethod } from "./cors.js";
import { addForwardingHeaders, clientAddress, requestHeadersForBackend, stripHopByHop, type HeaderMap } from "./forwarding.js";
import type { CompiledApi, CompiledEnvironment, HttpBackend, MockBackend } from "./model.js";
import { applyParameters, BackendRequestDraft, MissingParameterError, readParameters, type ParamValues } from "./params.js";
import type { RouteMatch } from "./router.js";
import { classifyUpstreamError, UpstreamPools } from "./upstream.js";
import { ServingView } from "./view.js";

/** DATAPLANE §4.13 / §10: 16 MB per request on the shared gateway. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

const REQUEST_ID = "X-Api-RequestId";
const JSON_TYPE = "application/json; charset=utf-8";

export interface GatewayOptions {
  store: Store;
  events: Events;
  accessLog?: AccessLogSink;
  maxBodyBytes?: number;
}

export interface Gateway {
  server: Server;
  view: ServingView;
  /** Replaces the access-log sink (the default discards records). */
  setAccessLog(sink: AccessLogSink): void;
  /** Stops following changes and closes the backend connections. */
  close(): Promise<void>;
}

/** One request in flight: the exchange and the access-log record it fills in as it goes. */
class Exchange {
  readonly started = performance.now();
  readonly record: AccessLogRecord;
  api: CompiledApi | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.record = {
      requestId: randomUUID(),
      time: Date.now(),
      appId: "",
      region: "",
      serviceId: "",
      environment: "",
      apiId: "",
      host: "",
      clientIp: clientAddress(req),
      method: req.method ?? "GET",
      path: "",
      status: 0,
      backendStatus: undefined,
      latencyMs: 0,
      errorMessage: "",
    };
  }
}

class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than the limit of ${limit} bytes.`);
  }
}

export class GatewayHandler {
  constructor(
    private readonly view: ServingView,
    public accessLog: AccessLogSink,
    private readonly maxBodyBytes: number,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const x = new Exchange(req, res);
    try {
      this.route(x);
    } catch (err) {
      this.internalError(x, err);
    }
  };

  private route(x: Exchange): void {
    const { req, record } = x;
    const target = splitTarget(req.url ?? "/");
    record.path = target.path;
    const hostHeader = req.headers.host;
    if (!hostHeader) return this.fail(x, 404, "Get Host Fail: the request has no Host header.");
    const host = hostName(hostHeader);
    record.host = host;
    const service = this.view.lookupHost(host);
    if (!service) return this.fail(x, 404, `Not Found Host: no service answers for the domain \`${host}\`.`);
    record.appId = service.appId;
    record.region = service.region;
    record.serviceId = service.serviceId;

    if (hasDotSegment(target.path)) return this.fail(x, 400, "The request path must not contain `.` or `..` segments.");

    // The environment is the first path segment; the rest is matched against the API paths.
    const slash = target.path.indexOf("/", 1);
    const envName = slash < 0 ? target.path.slice(1) : target.path.slice(1, slash);
    const relativePath = slash < 0 ? "/" : target.path.slice(slash);
    const env = service.environments.get(envName);
    if (!env) {
      const known = (ENVIRONMENTS as readonly string[]).includes(envName);
      return this.fail(
        x,
        404,
        known
          ? `There is no api match: service \`${service.serviceId}\` is not published in environment \`${envName}\`.`
          : `There is no api match: the path must start with an environment (/test, /prepub or /release), got \`/${envName}\`.`,
      );
    }
    record.environment = envName;

    const method = record.method;
    if (method === "OPTIONS" && this.answerPreflight(x, env, relativePath)) return;
    const match = env.routes.match(relativePath, method);
    if (!match) return this.fail(x, 404, `There is no api match for ${method} ${relativePath} in environment \`${envName}\`.`);
    const api = match.value;
    x.api = api;
    record.apiId = api.id;

    const declaredLength = req.headers["content-length"];
    if (declaredLength !== undefined && Number(declaredLength) > this.maxBodyBytes) {
      return this.fail(x, 413, new BodyTooLargeError(this.maxBodyBytes).message);
    }

    const query = api.params.readsQuery ? new URLSearchParams(target.query) : undefined;
    const values = readParameters(api.params, { headers: req.headers, pathParams: match.pathParams, query });
    if (values instanceof MissingParameterError) return this.fail(x, 400, values.message);

    const backend = api.backend;
    switch (backend.kind) {
      case "mock":
        return this.answerMock(x, api, backend);
      case "unavailable":
        return this.fail(x, 502, backend.message);
      case "http":
        this.proxy(x, api, backend, match, relativePath, target.query, values, query).catch((err) => this.internalError(x, err));
    }
  }

  /** Answers a CORS preflight for an API with the CORS option; false when it is not one. */
  private answerPreflight(x: Exchange, env: CompiledEnvironment, relativePath: string): boolean {
    const asked = preflightMethod(x.req.headers);
    const api = asked ? env.routes.match(relativePath, asked)?.value : undefined;
    if (!api?.cors) return false;
    x.api = api;
    x.record.apiId = api.id;
    const headers = preflightHeaders(api, x.req.headers);
    headers[REQUEST_ID] = x.record.requestId;
    x.res.writeHead(204, headers);
    x.res.end();
    this.finish(x);
    return true;
  }

  private answerMock(x: Exchange, api: CompiledApi, mock: MockBackend): void {
    const gzip = mock.gzipped !== undefined && acceptsGzip(x.req.headers["accept-encoding"]);
    const body = gzip ? mock.gzipped! : mock.body;
    const headers: OutgoingHttpHeaders = {
      "Content-Type": mock.contentType,
      "Content-Length": body.length,
      [REQUEST_ID]: x.record.requestId,
    };
    if (mock.gzipped) headers.Vary = "Accept-Encoding";
    if (gzip) headers["Content-Encoding"] = "gzip";
    if (api.cors) headers[ALLOW_ORIGIN] = "*";
    x.res.writeHead(200, headers);
    x.res.end(x.record.method === "HEAD" ? undefined : body);
    this.finish(x);
  }

  private async proxy(
    x: Exchange,
    api: CompiledApi,
    backend: HttpBackend,
    match: RouteMatch<CompiledApi>,
    relativePath: string,
    rawQuery: string,
    values: ParamValues,
    parsedQuery: URLSearchParams | undefined,
  ): Promise<void> {
    const { req, record } = x;
    const draft = new BackendRequestDraft(requestHeadersForBackend(req), rawQuery, parsedQuery);
    applyParameters(api.params, values, draft);
    addForwardingHeaders(draft.headers, req, record.clientIp, record.requestId);
    const path = backend.basePath + (backend.path ? joinPath(backend.path.render(draft.pathValues), match.remainder) : relativePath);
    const query = draft.queryString();

    try {
      await backend.pool.stream(
        {
          path: query ? `${path}?${query}` : path,
          method: (backend.method ?? record.method) as "GET",
          headers: draft.headers,
          body: requestBody(req, this.maxBodyBytes),
          headersTimeout: backend.timeoutMs,
          bodyTimeout: backend.timeoutMs,
        },
        ({ statusCode, headers }) => this.startResponse(x, api, statusCode, headers as HeaderMap),
      );
      this.finish(x);
    } catch (err) {
      this.backendFailed(x, backend, err);
    }
  }

  /** Backend headers arrived: pass them on and return where the body goes. */
  private startResponse(x: Exchange, api: CompiledApi, status: number, headers: HeaderMap): Writable {
    const { req, res, record } = x;
    record.backendStatus = status;
    stripHopByHop(headers);
    delete headers["x-api-requestid"];
    headers[REQUEST_ID] = record.requestId;
    if (api.cors && headers["access-control-allow-origin"] === undefined) headers[ALLOW_ORIGIN] = "*";
    const gzip =
      hasResponseBody(record.method, status) &&
      shouldGzip(req.headers["accept-encoding"], headers["content-type"] as string | undefined, headers["content-encoding"], headers["content-length"] as string | undefined);
    if (!gzip) {
      res.writeHead(status, headers);
      return res;
    }
    delete headers["content-length"];
    headers["content-encoding"] = "gzip";
    headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : "Accept-Encoding";
    res.writeHead(status, headers);
    const gzipStream = createGzip();
    gzipStream.pipe(res);
    return gzipStream;
  }

  private backendFailed(x: Exchange, backend: HttpBackend, err: unknown): void {
    const { res, record } = x;
    if (err instanceof BodyTooLargeError) return this.fail(x, 413, err.message);
    if (res.destroyed && !isUpstreamError(err)) {
      record.errorMessage = "The client closed the connection before the response was complete.";
      return this.finish(x, 499);
    }
    const { status, reason, message } = classifyUpstreamError(err, backend);
    log.warn("gateway: backend call failed", { requestId: record.requestId, apiId: record.apiId, backend: backend.origin, reason, status });
    this.fail(x, status, message);
  }

  private internalError(x: Exchange, err: unknown): void {
    log.error("gateway: internal error", { requestId: x.record.requestId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    this.fail(x, 500, `Internal gateway error; quote request id ${x.record.requestId} when reporting it.`);
  }

  /** Answers an error the gateway decided, as `{"message": …}` JSON. */
  private fail(x: Exchange, status: number, message: string): void {
    const { res, record } = x;
    record.errorMessage = message;
    if (res.headersSent) {
      // The backend's answer had begun: all that is left is to cut it short.
      res.destroy();
      return this.finish(x, status);
    }
    const body = JSON.stringify({ message });
    const headers: OutgoingHttpHeaders = {
      "Content-Type": JSON_TYPE,
      "Content-Length": Buffer.byteLength(body),
      [REQUEST_ID]: record.requestId,
    };
    if (x.api?.cors) headers[ALLOW_ORIGIN] = "*";
    // Do not read on through an oversized upload just to keep the connection.
    if (status === 413) headers.Connection = "close";
    res.writeHead(status, headers);
    res.end(record.method === "HEAD" ? undefined : body);
    this.finish(x);
  }

  private finish(x: Exchange, status?: number): void {
    const record = x.record;
    // Ended, or still flushing a compressed body: the status went out. Otherwise the client left.
    const answered = x.res.writableEnded || (x.res.headersSent && !x.res.destroyed);
    record.status = status ?? (answered ? x.res.statusCode : 499);
    record.latencyMs = performance.now() - x.started;
    try {
      this.accessLog(record);
    } catch (err) {
      log.error("gateway: access-log sink failed", { error: String(err) });
    }
  }
}

/** An error of the backend connection (undici's), as opposed to the client going away (aborted, premature close). */
function isUpstreamError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === "string" && code.startsWith("UND_ERR") && code !== "UND_ERR_ABORTED";
}

/** The host name of a Host header: port removed, lower case, no trailing dot. */
export function hostName(header: string): string {
  let end: number;
  if (header.charCodeAt(0) === 0x5b /* [ */) {
    const close = header.indexOf("]");
    end = close < 0 ? header.length : close + 1;
  } else {
    const colon = header.indexOf(":");
    end = colon < 0 ? header.length : colon;
  }
  if (header.charCodeAt(end - 1) === 0x2e /* . */) end--;
  return (end === header.length ? header : header.slice(0, end)).toLowerCase();
}

/** Splits a request target into path and raw query; an absolute-form target keeps only its path. */
function splitTarget(url: string): { path: string; query: string } {
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    try {
      const parsed = new URL(url);
      return { path: parsed.pathname, query: parsed.search.slice(1) };
    } catch {
      return { path: "/", query: "" };
    }
  }
  const q = url.indexOf("?");
  return q < 0 ? { path: url, query: "" } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:\/|$)/i;

/** `.` and `..` segments would let a prefix API's pass-through path escape its backend path. */
function hasDotSegment(path: string): boolean {
  return (path.includes("/.") || path.includes("%2")) && DOT_SEGMENT.test(path);
}

/** The body to stream to the backend: none, the request itself, or a size-checked stream for chunked uploads. */
function requestBody(req: IncomingMessage, maxBytes: number): Readable | null {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0 ? req : null;
  if (req.headers["transfer-encoding"] === undefined) return null;
  return Readable.from(limitBytes(req, maxBytes), { objectMode: false });
}

async function* limitBytes(req: IncomingMessage, maxBytes: number): AsyncIterable<Buffer> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
    yield chunk;
  }
}

/**
 * Builds the gateway: loads the published configuration, follows change events and returns
 * the (not yet listening) server. The caller listens and, on shutdown, closes the server
 * before calling close(), which releases the rest.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { store, events } = options;
  const pools = new UpstreamPools();
  const view = new ServingView(store, pools);
  await view.loadAll();
  const unfollow = view.follow(events);
  const handler = new GatewayHandler(view, options.accessLog ?? discardAccessLog, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  return {
    server: createServer(handler.handle),
    view,
    setAccessLog(sink) {
      handler.accessLog = sink;
    },
    async close() {
      unfollow();
      await pools.close();
    },
  };
}
