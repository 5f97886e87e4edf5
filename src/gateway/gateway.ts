/**
 * The embedded gateway: a node:http server that serves what is published (DATAPLANE §11):
 *
 *   Host → service → /{environment} → API (path, method) → IP access control (IP strategies,
 *   IPControl plugin) → CORS preflight (API option or Cors plugin) → authentication (key
 *   pair, application, OAuth JWT) → frontend parameters → CustomAuth plugin → limits
 *   (service, API, usage plan QPS and quota, traffic-control plugin) → backend (HTTP through
 *   pooled keep-alive connections, or mock; CustomReq edits the request last) → response
 *   (passed through; CORS headers; usage-plan headers; gzip) → access-log record.
 *
 * The per-request path reads only the in-memory compiled view (view.ts); it never touches the
 * database nor re-reads configuration. It stays synchronous up to the backend unless a check
 * needs the body first (an APP signature over a form or Content-MD5, a CustomAuth that sends
 * it) or CustomAuth asks its verification service. Backend calls go out through a dispatch
 * handler (BackendCall) that writes the answer to the client as it is parsed; the access-log
 * record is one fixed-shape object per request, handed to the sink when the exchange ends.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { Readable, type Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Events } from "../events.js";
import { admit } from "../limits/meters.js";
import type { Clock } from "../limits/window.js";
import { log } from "../log.js";
import { ENVIRONMENTS } from "../resources/environments.js";
import type { Store } from "../store/db.js";
import { discardAccessLog, GatewayLogRecord, type AccessLogSink } from "./access-log.js";
import { joinPath } from "./backend-path.js";
import { acceptsGzip, hasResponseBody, shouldGzip } from "./compression.js";
import { appAuthNeedsBody, authenticateApp } from "./app-auth.js";
import { preflightMethod } from "./cors.js";
import type { AuthRefusal } from "./custom-auth.js";
import { applyRequestEdits } from "./custom-req.js";
import { addForwardingHeaders, clientAddress, HOP_BY_HOP, requestHeadersForBackend, type HeaderMap } from "./forwarding.js";
import { AuthFailure, authenticateKeyPair, isHmacAuthorization } from "./key-auth.js";
import { ipDeniedBy, ipDeniedMessage } from "./ip-access.js";
import type { AppGrant, CompiledApi, CompiledEnvironment, CompiledLimit, CompiledService, HttpBackend, KeyGrant, MockBackend } from "./model.js";
import { authenticateOauth } from "./oauth.js";
import { applyParameters, BackendRequestDraft, MissingParameterError, readParameters, type ParamValues } from "./params.js";
import type { RouteMatch } from "./router.js";
import { classifyUpstreamError, UpstreamError, UpstreamPools, type BackendHandler } from "./upstream.js";
import { httpsLocation, mapCustomPath } from "./domains.js";
import { Portal } from "./portal.js";
import { ServingView } from "./view.js";

/** DATAPLANE §4.13 / §10: 16 MB per request on the shared gateway. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** DATAPLANE §6.1: a shared instance's service QPS (config.limits.serviceQps). */
export const DEFAULT_SERVICE_QPS = 5000;

const REQUEST_ID = "X-Api-RequestId";
const JSON_TYPE = "application/json; charset=utf-8";

export interface GatewayOptions {
  store: Store;
  events: Events;
  accessLog?: AccessLogSink;
  maxBodyBytes?: number;
  /** Time for limits and X-Date checks; tests freeze it. */
  clock?: Clock;
  /** A service environment's QPS when no throttling strategy sets one. */
  defaultServiceQps?: number;
}

export interface Gateway {
  server: Server;
  view: ServingView;
  /** Replaces the access-log sink (the default discards records). */
  setAccessLog(sink: AccessLogSink): void;
  /** The request handler, for more listeners (the HTTPS one). */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Tells the gateway its HTTPS listener's port: custom domains that force HTTPS redirect there. */
  setHttpsPort(port: number | undefined): void;
  /** Stops following changes and closes the backend connections. */
  close(): Promise<void>;
}

/** One request in flight: the exchange and the access-log record it fills in as it goes. */
class Exchange {
  readonly started = performance.now();
  readonly record: GatewayLogRecord;
  api: CompiledApi | undefined = undefined;
  /** The usage plan that admitted a key-pair caller: its headers go on the response. */
  grant: KeyGrant | undefined = undefined;
  /** The application that signed an APP call. */
  app: AppGrant | undefined = undefined;
  /** The request body, when the gateway had to read it before forwarding (mustReadBody); the backend gets these bytes. */
  body: Buffer | undefined = undefined;
  /** The connection, and the bytes written on it before this exchange (rsp_len of the access log). */
  readonly socket: Socket;
  readonly bytesBefore: number;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.record = new GatewayLogRecord(req, randomUUID(), clientAddress(req));
    this.socket = req.socket;
    this.bytesBefore = req.socket.bytesWritten;
  }
}

class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than the limit of ${limit} bytes.`);
  }
}

export class GatewayHandler {
  /** The HTTPS listener's port, when there is one (custom-domain HTTPS redirects). */
  httpsPort: number | undefined;
  /** API document pages and generated downloads, on hosts that are no service's. */
  portal: Portal | undefined;

  constructor(
    private readonly view: ServingView,
    public accessLog: AccessLogSink,
    private readonly maxBodyBytes: number,
    private readonly clock: Clock,
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
    let service = this.view.lookupHost(host);
    // A bound custom domain (DATAPLANE §1.4, domains.ts) reaches its service too.
    const custom = service ? undefined : this.view.lookupDomain(host);
    if (custom) service = custom.service;
    if (!service) {
      if (this.portal?.handles(target.path)) return this.servePortal(x, target.path, target.query);
      return this.fail(x, 404, `Not Found Host: no service answers for the domain \`${host}\`.`);
    }
    record.appId = service.appId;
    record.region = service.region;
    record.serviceId = service.serviceId;
    if (custom?.domain.httpsOnly && this.httpsPort !== undefined && record.scheme !== "https") return this.redirectToHttps(x, host);

    if (hasDotSegment(target.path)) return this.fail(x, 400, "The request path must not contain `.` or `..` segments.");

    // The environment is the first path segment, the rest is matched against the API paths;
    // on a custom domain with custom path mappings, the longest matching prefix says instead.
    let envName: string;
    let relativePath: string;
    const mappings = custom?.domain.mappings;
    if (mappings) {
      const mapped = mapCustomPath(mappings, target.path);
      if (!mapped) return this.fail(x, 404, `There is no api match: no path mapping of domain \`${host}\` covers \`${target.path}\`.`);
      envName = mapped.environment;
      relativePath = mapped.path;
    } else {
      const slash = target.path.indexOf("/", 1);
      envName = slash < 0 ? target.path.slice(1) : target.path.slice(1, slash);
      relativePath = slash < 0 ? "/" : target.path.slice(slash);
    }
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

    // DATAPLANE §11: IP access control, authentication, frontend parameters, CustomAuth,
    // traffic control, then the backend (CustomReq edits its request last).
    const ipDenied = ipDeniedBy(api.ipRules, record.clientIp);
    if (ipDenied) return this.fail(x, 403, ipDeniedMessage(ipDenied, record.clientIp));
    const call: ApiCall = { service, env, api, match, relativePath, rawQuery: target.query };
    if (mustReadBody(req, api)) {
      this.readBody(x).then(
        (read) => read && this.authorize(x, call),
        (err) => this.internalError(x, err),
      );
      return;
    }
    this.authorize(x, call);
  }

  /** Authentication (the API's auth type), frontend parameters, then CustomAuth if bound. */
  private authorize(x: Exchange, call: ApiCall): void {
    const { req, record } = x;
    const api = call.api;
    const now = this.clock();
    let limits = api.limits;
    switch (api.authType) {
      case "SECRET":
      case "NONE": {
        if (api.authType === "NONE" && !isHmacAuthorization(req.headers.authorization)) break;
        const caller = authenticateKeyPair(req, call.service, call.env, api, now);
        if (caller instanceof AuthFailure) {
          // §5.4: on an API without authentication a signature that does not hold is ignored.
          if (api.authType === "SECRET") return this.refuse(x, caller);
        } else {
          x.grant = caller;
          limits = caller.limits;
        }
        break;
      }
      case "APP": {
        const app = authenticateApp(req, call.env, api, now, { path: call.relativePath, rawQuery: call.rawQuery, body: x.body });
        if (app instanceof AuthFailure) return this.refuse(x, app);
        x.app = app;
        break;
      }
      case "OAUTH": {
        // Only business APIs have a link; the authorization API is how callers get tokens.
        const failure = api.oauth && authenticateOauth(req, api.oauth, call.rawQuery, now);
        if (failure) return this.refuse(x, failure);
        break;
      }
    }

    const query = api.params.readsQuery ? new URLSearchParams(call.rawQuery) : undefined;
    const values = api.params.rules.length === 0 ? NO_VALUES : readParameters(api.params, { headers: req.headers, pathParams: call.match.pathParams, query });
    if (values instanceof MissingParameterError) return this.fail(x, 400, values.message);

    if (!api.customAuth) return this.admitAndServe(x, call, limits, values, query, now);
    const check = { rawQuery: call.rawQuery, pathParams: call.match.pathParams, body: x.body, clientIp: record.clientIp, requestId: record.requestId, now };
    api.customAuth.check(req, check).then(
      (refusal) => {
        if (x.res.destroyed) return this.clientGone(x);
        if (refusal) return this.refuse(x, refusal);
        this.admitAndServe(x, call, limits, values, query, this.clock());
      },
      (err) => this.internalError(x, err),
    );
  }

  /** Traffic control (every layer, the smallest limit wins), then the backend. */
  private admitAndServe(x: Exchange, call: ApiCall, limits: readonly CompiledLimit[], values: ParamValues, query: URLSearchParams | undefined, now: number): void {
    const api = call.api;
    const pluginLayers = api.traffic?.layers({
      clientIp: x.record.clientIp,
      apiAppId: x.app?.apiAppId,
      headers: x.req.headers,
      rawQuery: call.rawQuery,
      path: call.relativePath,
      now,
    });
    const exhausted = admit(limits, now, pluginLayers);
    if (exhausted) return this.throttled(x, exhausted);

    const backend = api.backend;
    switch (backend.kind) {
      case "mock":
        return this.answerMock(x, api, backend);
      case "unavailable":
        return this.fail(x, 502, backend.message);
      case "http":
        try {
          this.proxy(x, api, backend, call.match, call.relativePath, call.rawQuery, values, query);
        } catch (err) {
          // Building the backend request failed (a CustomReq edit, say): nothing was sent.
          this.internalError(x, err);
        }
    }
  }

  /** Reads the whole body into x.body within the size limit; false when the exchange ended instead (413, or the client left). */
  private async readBody(x: Exchange): Promise<boolean> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of limitBytes(x.req, this.maxBodyBytes)) chunks.push(chunk);
    } catch (err) {
      if (err instanceof BodyTooLargeError) this.fail(x, 413, err.message);
      else this.clientGone(x);
      return false;
    }
    x.body = Buffer.concat(chunks);
    return true;
  }

  private clientGone(x: Exchange): void {
    x.record.errorMessage = "The client closed the connection before the response was complete.";
    this.finish(x, 499);
  }

  /** Answers an authentication refusal: its status, message and headers (a string to sign, a Location). */
  private refuse(x: Exchange, refusal: AuthRefusal): void {
    this.fail(x, refusal.status, refusal.message, refusal.headers);
  }

  /** A custom domain that forces HTTPS, asked over HTTP: redirect to the same URL on the HTTPS listener. */
  private redirectToHttps(x: Exchange, host: string): void {
    const { req, res, record } = x;
    const status = record.method === "GET" || record.method === "HEAD" ? 301 : 308;
    const location = httpsLocation(host, this.httpsPort!, req.url ?? "/");
    record.errorMessage = `Redirected to HTTPS: the domain \`${host}\` forces HTTPS.`;
    res.writeHead(status, { Location: location, "Content-Length": 0, [REQUEST_ID]: record.requestId });
    res.end();
    this.finish(x);
  }

  /** API document pages and generated downloads (portal.ts). */
  private servePortal(x: Exchange, path: string, query: string): void {
    this.portal!.serve(x.req, x.res, path, query, x.record.requestId).then(
      (answer) => {
        if (answer.error) x.record.errorMessage = answer.error;
        this.finish(x);
      },
      (err) => this.internalError(x, err),
    );
  }

  /**
   * Answers a CORS preflight for an API with CORS (the option or the Cors plugin), after its
   * IP access control (§11); false when it is not one. A refusal goes out without CORS
   * headers (x.api stays unset), so the browser blocks the call.
   */
  private answerPreflight(x: Exchange, env: CompiledEnvironment, relativePath: string): boolean {
    const asked = preflightMethod(x.req.headers);
    const api = asked ? env.routes.match(relativePath, asked)?.value : undefined;
    if (!api?.cors) return false;
    const { record } = x;
    record.apiId = api.id;
    const ipDenied = ipDeniedBy(api.ipRules, record.clientIp);
    if (ipDenied) {
      this.fail(x, 403, ipDeniedMessage(ipDenied, record.clientIp));
      return true;
    }
    const headers = api.cors.preflight(api, x.req.headers);
    if (typeof headers === "string") {
      this.fail(x, 403, headers);
      return true;
    }
    x.api = api;
    headers[REQUEST_ID] = record.requestId;
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
    api.cors?.decorate(x.req.headers.origin, headers, false);
    if (x.grant) addUsagePlanHeaders(headers, x.grant);
    x.res.writeHead(200, headers);
    x.res.end(x.record.method === "HEAD" ? undefined : body);
    this.finish(x);
  }

  /**
   * Calls the HTTP backend: the request is built from the client's (parameters mapped,
   * forwarding headers added, CustomReq last) and dispatched on the origin's keep-alive pool;
   * a BackendCall (below) writes the answer straight to the client as it arrives.
   */
  private proxy(
    x: Exchange,
    api: CompiledApi,
    backend: HttpBackend,
    match: RouteMatch<CompiledApi>,
    relativePath: string,
    rawQuery: string,
    values: ParamValues,
    parsedQuery: URLSearchParams | undefined,
  ): void {
    const { req, record } = x;
    record.upstreamAddr = backend.origin;
    const draft = new BackendRequestDraft(requestHeadersForBackend(req), rawQuery, parsedQuery);
    applyParameters(api.params, values, draft);
    addForwardingHeaders(draft.headers, req, record.clientIp, record.requestId);
    if (api.customReq) applyRequestEdits(api.customReq, draft);
    const path = backend.basePath + (backend.path ? joinPath(backend.path.render(draft.pathValues), match.remainder) : relativePath);
    const query = draft.queryString();
    // Errors of the call itself (an invalid header value, a refused connection) reach BackendCall.onError.
    backend.pool.dispatch(
      {
        path: query ? `${path}?${query}` : path,
        method: backend.method ?? record.method,
        headers: draft.headers,
        body: x.body ?? requestBody(req, this.maxBodyBytes),
        headersTimeout: backend.timeoutMs,
        bodyTimeout: backend.timeoutMs,
      },
      new BackendCall(this, x, api, backend),
    );
  }

  /**
   * The backend's status and headers (raw name/value pairs: strings from http1.ts, Buffers
   * from undici): the answer's head goes to the client, and the return value is where the
   * body goes (the response, or a gzip stream into it). One pass builds the header list
   * writeHead takes: hop-by-hop headers (and those the backend's Connection names), the
   * backend's own X-Api-RequestId and, on key-pair calls, its usage-plan headers are dropped;
   * the gateway's are added. Only CORS and gzip, which edit headers by name, turn the list into
   * a header object.
   * @internal (BackendCall)
   */
  respond(x: Exchange, api: CompiledApi, status: number, raw: ReadonlyArray<Buffer | string>): Writable {
    const { req, res, record } = x;
    record.backendStatus = status;
    let out: string[] = [];
    let connection: string | undefined;
    let contentType: string | undefined;
    let contentEncoding: string | undefined;
    let contentLength: string | undefined;
    const grant = x.grant;
    for (let i = 0; i < raw.length; i += 2) {
      // latin1 both ways: header bytes pass through unchanged.
      const name = latin1(raw[i]!);
      const value = latin1(raw[i + 1]!);
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) {
        if (lower === "connection") connection = connection === undefined ? value : `${connection}, ${value}`;
        continue;
      }
      switch (lower) {
        case "x-api-requestid":
          continue;
        case "content-type":
          contentType ??= value;
          break;
        case "content-encoding":
          contentEncoding ??= value;
          break;
        case "content-length":
          contentLength ??= value;
          break;
        default:
          // The usage-plan headers are the gateway's: a backend's own are dropped.
          if (grant && USAGE_PLAN_HEADERS.has(lower)) continue;
      }
      out.push(name, value);
    }
    if (connection !== undefined && connection !== "keep-alive" && connection !== "close") out = withoutConnectionTokens(out, connection);
    out.push(REQUEST_ID, record.requestId);
    if (grant) {
      for (const name in grant.headers) out.push(name, grant.headers[name]!);
      out.push("X-RateLimit-Used", `${grant.quota.used()}${grant.quotaTail}`);
    }
    const gzip =
      req.headers["accept-encoding"] !== undefined &&
      hasResponseBody(record.method, status) &&
      shouldGzip(req.headers["accept-encoding"], contentType, contentEncoding, contentLength);
    if (!gzip && !api.cors) {
      res.writeHead(status, out);
      return res;
    }
    const headers = headerObject(out);
    api.cors?.decorate(req.headers.origin, headers, true);
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

  /** @internal (BackendCall) */
  backendFailed(x: Exchange, backend: HttpBackend, err: unknown): void {
    const { res, record } = x;
    if (err instanceof BodyTooLargeError) return this.fail(x, 413, err.message);
    if (res.destroyed && !isUpstreamError(err)) return this.clientGone(x);
    const { status, reason, message } = classifyUpstreamError(err, backend);
    log.warn("gateway: backend call failed", { requestId: record.requestId, apiId: record.apiId, backend: backend.origin, reason, status });
    this.fail(x, status, message);
  }

  private internalError(x: Exchange, err: unknown): void {
    log.error("gateway: internal error", { requestId: x.record.requestId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    this.fail(x, 500, `Internal gateway error; quote request id ${x.record.requestId} when reporting it.`);
  }

  /** 429 from the first exhausted limit (DATAPLANE §6.4); a QPS limit frees up within the second. */
  private throttled(x: Exchange, limit: CompiledLimit): void {
    this.fail(x, 429, limit.message, limit.perSecond ? RETRY_NEXT_SECOND : undefined);
  }

  /** Answers an error the gateway decided, as `{"message": …}` JSON. */
  private fail(x: Exchange, status: number, message: string, extraHeaders?: OutgoingHttpHeaders): void {
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
    x.api?.cors?.decorate(x.req.headers.origin, headers, false);
    if (x.grant) addUsagePlanHeaders(headers, x.grant);
    if (extraHeaders) Object.assign(headers, extraHeaders);
    // Do not read on through an oversized upload just to keep the connection.
    if (status === 413) headers.Connection = "close";
    res.writeHead(status, headers);
    res.end(record.method === "HEAD" ? undefined : body);
    this.finish(x);
  }

  /** Completes the access-log record and hands it to the sink. @internal (BackendCall) */
  finish(x: Exchange, status?: number): void {
    const record = x.record;
    // Ended, or still flushing a compressed body: the status went out. Otherwise the client left.
    const answered = x.res.writableEnded || (x.res.headersSent && !x.res.destroyed);
    record.status = status ?? (answered ? x.res.statusCode : 499);
    record.latencyMs = performance.now() - x.started;
    record.responseLength = x.socket.bytesWritten - x.bytesBefore;
    try {
      this.accessLog(record);
    } catch (err) {
      log.error("gateway: access-log sink failed", { error: String(err) });
    }
  }
}

const RETRY_NEXT_SECOND: OutgoingHttpHeaders = { "Retry-After": "1" };
/** The values of an API without parameter rules (most): nothing to read, nothing allocated. */
const NO_VALUES: ParamValues = [];
/** The usage-plan headers (lower case) of §5.6: the gateway's own on key-pair calls. */
const USAGE_PLAN_HEADERS: ReadonlySet<string> = new Set(["x-secret-id", "x-usageplan-id", "x-ratelimit-limit", "x-ratelimit-used"]);

/** The client went away while the backend was answering: the backend call is abandoned. */
class ClientGoneError extends Error {
  constructor() {
    super("The client closed the connection.");
  }
}

/**
 * One backend call (a dispatch handler, for http1.ts or undici): writes the backend's answer
 * to the client as it arrives, with backpressure (the client pauses reading the backend while
 * the client's socket is full), and completes the exchange. One object per call; no
 * promises, no intermediate stream.
 */
class BackendCall implements BackendHandler {
  private abort: ((err?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  /** Where the body goes: the response, or a gzip stream into it. */
  private target: Writable | undefined;
  private waiting = false;

  constructor(
    private readonly gateway: GatewayHandler,
    private readonly x: Exchange,
    private readonly api: CompiledApi,
    private readonly backend: HttpBackend,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(status: number, headers: ReadonlyArray<Buffer | string>, resume: () => void): boolean {
    // 1xx answers are the backend's business: the client gets the final one.
    if (status < 200) return true;
    if (this.x.res.destroyed) throw new ClientGoneError();
    this.resume = resume;
    this.target = this.gateway.respond(this.x, this.api, status, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.x.res.destroyed) throw new ClientGoneError();
    if (this.target!.write(chunk)) return true;
    this.pause();
    return false;
  }

  onComplete(): void {
    this.target!.end();
    this.gateway.finish(this.x);
  }

  onError(err: Error): void {
    this.gateway.backendFailed(this.x, this.backend, err);
  }

  /** The client's socket is full: read on once it drains, or give up if the client leaves. */
  private pause(): void {
    this.target!.once("drain", this.resume!);
    if (this.waiting) return;
    this.waiting = true;
    this.x.res.once("close", () => {
      if (!this.x.res.writableFinished) this.abort?.(new ClientGoneError());
    });
  }
}

const latin1 = (b: Buffer | string): string => (typeof b === "string" ? b : b.toString("latin1"));

/** A header list without the headers a backend's `Connection` names (they are hop-by-hop too). */
function withoutConnectionTokens(list: string[], connection: string): string[] {
  const named = new Set(connection.split(",").map((token) => token.trim().toLowerCase()));
  const kept: string[] = [];
  for (let i = 0; i < list.length; i += 2) if (!named.has(list[i]!.toLowerCase())) kept.push(list[i]!, list[i + 1]!);
  return kept;
}

/** A header list as an object with lower-case names (repeated names: an array). */
function headerObject(list: readonly string[]): HeaderMap {
  const headers: HeaderMap = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!.toLowerCase();
    const value = list[i + 1]!;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return headers;
}

/** DATAPLANE §5.6: on key-pair calls, the key, its usage plan, the plan's QPS and the quota used ("used/total"). */
function addUsagePlanHeaders(headers: OutgoingHttpHeaders, grant: KeyGrant): void {
  Object.assign(headers, grant.headers);
  headers["X-RateLimit-Used"] = `${grant.quota.used()}${grant.quotaTail}`;
}

/** An error of the backend connection (undici's), as opposed to the client going away (aborted, premature close). */
function isUpstreamError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  if (typeof code !== "string" || code === "UND_ERR_ABORTED") return false;
  return err instanceof UpstreamError || code.startsWith("UND_ERR");
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

/** A request matched to an API: what the stages after routing need of it. */
interface ApiCall {
  service: CompiledService;
  env: CompiledEnvironment;
  api: CompiledApi;
  match: RouteMatch<CompiledApi>;
  /** The path without the environment (or the custom mapping's prefix), as received. */
  relativePath: string;
  rawQuery: string;
}

const hasBody = (req: IncomingMessage) => {
  const length = req.headers["content-length"];
  return length !== undefined ? Number(length) > 0 : req.headers["transfer-encoding"] !== undefined;
};

/** Whether a check needs the body before the call goes on: an APP signature over a form or Content-MD5, a CustomAuth that sends it. */
function mustReadBody(req: IncomingMessage, api: CompiledApi): boolean {
  return ((api.authType === "APP" && appAuthNeedsBody(req)) || api.customAuth?.needsBody === true) && hasBody(req);
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
  const view = new ServingView(store, pools, { defaultServiceQps: options.defaultServiceQps ?? DEFAULT_SERVICE_QPS });
  await view.loadAll();
  const unfollow = view.follow(events);
  const handler = new GatewayHandler(
    view,
    options.accessLog ?? discardAccessLog,
    options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    options.clock ?? Date.now,
  );
  handler.portal = new Portal(store);
  return {
    server: createServer(handler.handle),
    view,
    setAccessLog(sink) {
      handler.accessLog = sink;
    },
    listener: handler.handle,
    setHttpsPort(port) {
      handler.httpsPort = port;
    },
    async close() {
      unfollow();
      await pools.close();
    },
  };
}
