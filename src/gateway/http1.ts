/**
 * A lean HTTP/1.1 client for plain-http backends: keep-alive connections per origin, one
 * request at a time on each (no pipelining: a slow call never holds up another), the answer
 * handed to the caller's handler as it is parsed, with backpressure.
 *
 * Why not undici (which still serves https origins and the CustomAuth calls, upstream.ts):
 * on the gateway's hot path undici's per-request machinery (request objects, header
 * validation passes, the wasm parser's JS glue, a timer per request) cost about as much as
 * the rest of the gateway; this client writes each request with one write and parses each
 * answer head with a few string operations, and keeps no timer per request (one sweep every
 * TICK_MS checks deadlines and idle connections). The handler interface is undici's
 * (Dispatcher.DispatchHandlers: onConnect, onHeaders, onData, onComplete, onError), so the
 * gateway drives both clients the same way, and errors carry undici's codes
 * (UND_ERR_HEADERS_TIMEOUT, UND_ERR_SOCKET, …; connection errors keep their errno code).
 *
 * The response parser is strict (RFC 9112): CRLF line ends, header names that are tokens,
 * no obsolete line folding, no control characters in values; Content-Length values must
 * agree; Transfer-Encoding with Content-Length, or chunked not last, is refused; framing is
 * Content-Length, chunked (extensions ignored, trailers read and dropped) or until the
 * connection closes. A malformed answer fails the call (502) and closes the connection.
 *
 * A request that fails on a reused connection before any byte of an answer came back (the
 * backend closed an idle connection as the request went out) is sent once more on a fresh
 * connection, when it is idempotent and its body (if any) is in memory.
 */
import net from "node:net";
import type { Readable } from "node:stream";

/** Idle connections are closed after this long (backends commonly close at 5 s or more). */
const KEEP_ALIVE_MS = 4_000;
/** How long connecting may take; then the call fails as a timeout (504). */
const CONNECT_TIMEOUT_MS = 10_000;
/** Deadlines and idle connections are checked this often: timeouts fire at most this late. */
const TICK_MS = 200;
/** The most bytes of status line and headers accepted (node's and undici's default). */
const MAX_HEAD_BYTES = 16 * 1024;
/** The most bytes of one chunk-size line, or of all trailers. */
const MAX_CHUNK_LINE = 4 * 1024;
const MAX_TRAILER_BYTES = 16 * 1024;

export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface BackendRequest {
  /** Path and query, as sent on the request line. */
  path: string;
  method: string;
  headers: RequestHeaders;
  body: Buffer | Readable | null;
  /** Milliseconds until the answer's head must have arrived; 0: no limit. */
  headersTimeout: number;
  /** Milliseconds the answer's body may stall between two chunks; 0: no limit. */
  bodyTimeout: number;
}

/** What undici's Dispatcher.DispatchHandlers offers, as this client calls it. */
export interface ResponseHandler {
  onConnect?(abort: (err?: Error) => void): void;
  /** Final answers only (1xx are skipped). `headers`: name, value, name, value… as received (latin1). */
  onHeaders?(statusCode: number, headers: string[], resume: () => void, statusText: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: string[] | null): void;
  onError?(err: Error): void;
}

/** A failed call; `code` follows undici's (UND_ERR_…) or is the socket's errno code (ECONNREFUSED, …). */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

const invalidArgument = (message: string) => new UpstreamError(message, "UND_ERR_INVALID_ARG");
const lengthMismatch = () => new UpstreamError("Request body length does not match content-length header", "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH");
const badResponse = (why: string) => new UpstreamError(`invalid HTTP response: ${why}`, "UND_ERR_INVALID_RESPONSE");

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Characters a header value cannot hold (node's rule: HTAB, visible ASCII, obs-text). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\r\n]*))?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,13})[\t ]*(?:;.*)?$/;
const DIGITS = /^\d{1,15}$/;

/** Request headers this client writes itself, or that cannot be sent on a kept-alive connection (as undici refuses them). */
const REFUSED_REQUEST_HEADERS = new Set(["connection", "keep-alive", "upgrade", "transfer-encoding", "expect", "te", "trailer", "proxy-connection"]);
/** Methods whose requests carry a body: an empty one is announced with `content-length: 0` (as undici does). */
const EXPECTS_PAYLOAD = new Set(["POST", "PUT", "PATCH", "QUERY", "PROPFIND", "PROPPATCH"]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

const enum Phase {
  Idle,
  Connecting,
  /** Request written (or being written), waiting for the answer's head. */
  Head,
  Body,
}

const enum Framing {
  None,
  Length,
  Chunked,
  UntilClose,
}

const enum Chunk {
  Size,
  Data,
  /** The CR after a chunk's data. */
  DataCR,
  /** The LF after it. */
  DataLF,
  Trailers,
}

/** One keep-alive connection to the origin; carries one request at a time. */
class Connection {
  readonly socket: net.Socket;
  phase = Phase.Connecting;
  /** Epoch ms when the current phase times out; 0: never. */
  deadline: number;
  idleSince = 0;
  /** How long this connection may stay idle (the backend's Keep-Alive timeout can shorten it). */
  keepAliveMs = KEEP_ALIVE_MS;
  /** Requests completed on it. */
  served = 0;
  destroyed = false;

  // The request in flight.
  private request: BackendRequest | null = null;
  private handler: ResponseHandler | null = null;
  private bodyTimeout = 0;
  private head = false;
  /** The request body is still being written (a stream). */
  private sendingBody = false;
  private bodyStream: Readable | null = null;
  private detachBody: (() => void) | undefined;
  /** Some bytes of an answer came back for the request in flight. */
  private answered = false;

  // The answer being parsed.
  private pendingHead: Buffer | null = null;
  private framing = Framing.None;
  private remaining = 0;
  private chunk = Chunk.Size;
  private line = "";
  private trailerBytes = 0;
  private reusable = true;
  /** Reading is paused (the handler's onData returned false) with these bytes left to parse. */
  private paused = false;
  private leftover: Buffer | null = null;
  private leftoverAt = 0;
  /** The current request's resume (given to onHeaders): a late call from an earlier request does nothing. */
  private resume: () => void = ignore;

  constructor(private readonly pool: Http1Pool) {
    this.deadline = Date.now() + CONNECT_TIMEOUT_MS;
    const socket = (this.socket = net.connect({ host: pool.hostname, port: pool.port, noDelay: true }));
    socket.on("connect", () => this.onConnected());
    socket.on("data", (data: Buffer) => this.onData(data));
    socket.on("end", () => this.onEnd());
    socket.on("error", (err: NodeJS.ErrnoException) => this.onSocketError(err));
    socket.on("close", () => this.onClose());
    socket.on("drain", () => this.bodyStream?.resume());
  }

  /** Takes a request: writes it now when connected, else once connected. */
  start(request: BackendRequest, handler: ResponseHandler): void {
    this.request = request;
    this.handler = handler;
    this.head = request.method === "HEAD";
    this.bodyTimeout = request.bodyTimeout;
    this.answered = false;
    this.reusable = true;
    this.pendingHead = null;
    this.framing = Framing.None;
    if (this.phase === Phase.Idle) this.socket.ref();
    // Per request, so that a late abort or resume from an earlier request's handler cannot touch this one.
    this.resume = resumeFor(this, handler);
    try {
      handler.onConnect?.(abortFor(this, handler));
    } catch (err) {
      return this.fail(err as Error);
    }
    if (this.handler !== handler) return; // aborted in onConnect
    if (this.phase === Phase.Idle) this.send();
  }

  private onConnected(): void {
    if (this.phase !== Phase.Connecting || this.destroyed) return;
    if (this.request) this.send();
    else this.release();
  }

  /** Writes the request line, headers and body. */
  private send(): void {
    const request = this.request!;
    this.phase = Phase.Head;
    this.deadline = request.headersTimeout > 0 ? Date.now() + request.headersTimeout : 0;
    let head: string;
    let body: Buffer | Readable | null = request.body;
    let chunked = false;
    let declaredLength: string | undefined;
    try {
      let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
      let host = false;
      let declared: string | undefined;
      const headers = request.headers;
      for (const name in headers) {
        const value = headers[name];
        if (value === undefined) continue;
        const lower = name.toLowerCase();
        if (lower === "content-length") {
          declared = Array.isArray(value) ? value[0] : value;
          continue;
        }
        if (REFUSED_REQUEST_HEADERS.has(lower)) throw invalidArgument(`invalid ${lower} header`);
        if (!TOKEN.test(name)) throw invalidArgument(`invalid header name \`${name}\``);
        if (lower === "host") host = true;
        if (typeof value === "string") {
          if (INVALID_VALUE.test(value)) throw invalidArgument(`invalid ${name} header`);
          text += `${name}: ${value}\r\n`;
        } else {
          for (const v of value) {
            if (INVALID_VALUE.test(v)) throw invalidArgument(`invalid ${name} header`);
            text += `${name}: ${v}\r\n`;
          }
        }
      }
      if (!host) text += this.pool.hostLine;
      text += "connection: keep-alive\r\n";
      if (declared !== undefined && !DIGITS.test(declared)) throw invalidArgument("invalid content-length header");
      if (body === null || Buffer.isBuffer(body)) {
        const length = body === null ? 0 : body.length;
        if (declared !== undefined && Number(declared) !== length && !(body === null && this.head)) {
          throw lengthMismatch();
        }
        if (length > 0 || EXPECTS_PAYLOAD.has(request.method)) text += `content-length: ${length}\r\n`;
        if (length === 0) body = null;
      } else if (declared !== undefined) {
        text += `content-length: ${declared}\r\n`;
        declaredLength = declared;
      } else {
        text += "transfer-encoding: chunked\r\n";
        chunked = true;
      }
      head = `${text}\r\n`;
    } catch (err) {
      return this.fail(err as Error);
    }

    const socket = this.socket;
    if (body === null) {
      socket.write(head, "latin1");
    } else if (Buffer.isBuffer(body)) {
      socket.cork();
      socket.write(head, "latin1");
      socket.write(body);
      socket.uncork();
    } else {
      socket.write(head, "latin1");
      this.streamBody(body, chunked, chunked ? -1 : Number(declaredLength));
    }
  }

  /** Writes a streamed request body (raw with its declared length, else chunked), pausing the source while the socket is full. */
  private streamBody(body: Readable, chunked: boolean, declared: number): void {
    this.sendingBody = true;
    this.bodyStream = body;
    let sent = 0;
    const socket = this.socket;
    const detach = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
      if (this.bodyStream === body) {
        this.bodyStream = null;
        this.sendingBody = false;
        this.detachBody = undefined;
      }
    };
    this.detachBody = detach;
    const onData = (chunk: Buffer) => {
      if (this.destroyed) return detach();
      sent += chunk.length;
      if (!chunked && sent > declared) {
        detach();
        return this.fail(lengthMismatch());
      }
      if (chunk.length === 0) return;
      let ok: boolean;
      if (chunked) {
        // All three writes, always (false only asks to pause the source); the last one tells whether the buffer is full.
        socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
        socket.write(chunk);
        ok = socket.write("\r\n", "latin1");
      } else ok = socket.write(chunk);
      if (!ok) body.pause();
    };
    const onEnd = () => {
      detach();
      if (this.destroyed) return;
      if (!chunked && sent !== declared) {
        return this.fail(lengthMismatch());
      }
      if (chunked) socket.write("0\r\n\r\n", "latin1");
    };
    const onError = (err: Error) => {
      detach();
      this.fail(err);
    };
    // The client went away mid-upload (no 'end'): the call cannot go on.
    const onClose = () => {
      if (!this.sendingBody) return;
      detach();
      this.fail(new UpstreamError("Request aborted", "UND_ERR_ABORTED"));
    };
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  }

  private onData(data: Buffer): void {
    if (this.destroyed) return;
    if (this.phase !== Phase.Head && this.phase !== Phase.Body) {
      // Bytes nobody asked for: the connection cannot be trusted any more.
      this.destroy();
      return;
    }
    this.answered = true;
    this.parse(data, 0);
  }

  /** Parses `data` from `at`; stops when paused, done or failed. */
  private parse(data: Buffer, at: number): void {
    while (at < data.length) {
      if (this.handler === null) {
        // An answer is complete and bytes follow it: not ours to read.
        this.reusable = false;
        this.destroy();
        return;
      }
      if (this.phase === Phase.Head) {
        const next = this.parseHead(data, at);
        if (next < 0) return;
        at = next;
        continue;
      }
      // Body
      switch (this.framing) {
        case Framing.Length: {
          if (this.remaining === 0) {
            this.complete(data, at);
            return;
          }
          const take = Math.min(this.remaining, data.length - at);
          this.remaining -= take;
          const piece = at === 0 && take === data.length ? data : data.subarray(at, at + take);
          at += take;
          if (!this.deliver(piece, data, at)) return;
          if (this.remaining === 0) {
            this.complete(data, at);
            return;
          }
          break;
        }
        case Framing.UntilClose: {
          const piece = at === 0 ? data : data.subarray(at);
          at = data.length;
          if (!this.deliver(piece, data, at)) return;
          break;
        }
        case Framing.Chunked: {
          const next = this.parseChunked(data, at);
          if (next < 0) return;
          at = next;
          break;
        }
        default:
          this.complete(data, at);
          return;
      }
    }
  }

  /** Hands a piece of body to the handler; false when the parse must stop (paused, or the call ended). */
  private deliver(piece: Buffer, data: Buffer, next: number): boolean {
    if (this.bodyTimeout > 0) this.deadline = Date.now() + this.bodyTimeout;
    let more: boolean;
    try {
      more = this.handler!.onData?.(piece) !== false;
    } catch (err) {
      this.fail(err as Error);
      return false;
    }
    if (this.handler === null) return false;
    if (!more) {
      this.paused = true;
      this.leftover = next < data.length ? data : null;
      this.leftoverAt = next;
      this.socket.pause();
      return false;
    }
    return true;
  }

  /** @internal resumeFor(): reading goes on, if `handler`'s request is still the one in flight. */
  resumeIf(handler: ResponseHandler): void {
    if (this.handler === handler) this.onResume();
  }

  /** @internal abortFor(): fails `handler`'s request, if it is still the one in flight. */
  abortIf(handler: ResponseHandler, err: Error | undefined): void {
    if (this.handler === handler) this.fail(err ?? new UpstreamError("Request aborted", "UND_ERR_ABORTED"));
  }

  private onResume(): void {
    if (!this.paused || this.destroyed) return;
    this.paused = false;
    if (this.bodyTimeout > 0) this.deadline = Date.now() + this.bodyTimeout;
    const data = this.leftover;
    this.leftover = null;
    if (data && this.leftoverAt < data.length) this.parse(data, this.leftoverAt);
    // Paused right at the end of a sized body (Content-Length: 0, say): nothing left to parse, the answer is complete.
    else if (this.handler && this.framing === Framing.Length && this.remaining === 0) this.complete(data ?? EMPTY, data ? this.leftoverAt : 0);
    if (!this.paused && !this.destroyed) this.socket.resume();
  }

  /** Reads the status line and headers; returns where the body starts, or -1 to stop here. */
  private parseHead(data: Buffer, at: number): number {
    let buf = data;
    let from = at;
    let searchFrom = at;
    if (this.pendingHead) {
      searchFrom = Math.max(0, this.pendingHead.length - 3);
      buf = Buffer.concat([this.pendingHead, at === 0 ? data : data.subarray(at)]);
      from = 0;
      this.pendingHead = null;
    }
    const end = buf.indexOf("\r\n\r\n", searchFrom, "latin1");
    if (end < 0) {
      if (buf.length - from > MAX_HEAD_BYTES) {
        this.fail(new UpstreamError("Headers overflow", "UND_ERR_HEADERS_OVERFLOW"));
        return -1;
      }
      this.pendingHead = from === 0 ? buf : buf.subarray(from);
      return -1;
    }
    if (end - from > MAX_HEAD_BYTES) {
      this.fail(new UpstreamError("Headers overflow", "UND_ERR_HEADERS_OVERFLOW"));
      return -1;
    }
    const bodyStart = end + 4;
    const text = buf.toString("latin1", from, end);
    let lineEnd = text.indexOf("\r\n");
    if (lineEnd < 0) lineEnd = text.length;
    const status = STATUS_LINE.exec(lineEnd === text.length ? text : text.slice(0, lineEnd));
    if (!status) return this.malformed("status line");
    const minor = status[1]!;
    const code = Number(status[2]);
    const statusText = status[3] ?? "";

    const headers: string[] = [];
    let contentLength = -1;
    let transferEncoding: string | undefined;
    let connection: string | undefined;
    let keepAlive: string | undefined;
    // Each header line, sliced straight out of the head (no array of lines).
    for (let start = lineEnd + 2; start < text.length; start = lineEnd + 2) {
      lineEnd = text.indexOf("\r\n", start);
      if (lineEnd < 0) lineEnd = text.length;
      const colon = text.indexOf(":", start);
      if (colon <= start || colon > lineEnd) return this.malformed("header line");
      const name = text.slice(start, colon);
      if (!TOKEN.test(name)) return this.malformed("header name");
      // The value without the optional whitespace around it.
      let valueStart = colon + 1;
      let valueEnd = lineEnd;
      while (valueStart < valueEnd && (text.charCodeAt(valueStart) === 32 || text.charCodeAt(valueStart) === 9)) valueStart++;
      while (valueEnd > valueStart && (text.charCodeAt(valueEnd - 1) === 32 || text.charCodeAt(valueEnd - 1) === 9)) valueEnd--;
      const value = text.slice(valueStart, valueEnd);
      if (INVALID_VALUE.test(value)) return this.malformed("header value");
      headers.push(name, value);
      switch (name.length) {
        case 10:
        case 17:
        case 14: {
          const lower = name.toLowerCase();
          if (lower === "content-length") {
            for (const part of value.split(",")) {
              const v = part.trim();
              if (!DIGITS.test(v)) return this.malformed("content-length");
              const n = Number(v);
              if (contentLength >= 0 && contentLength !== n) return this.malformed("conflicting content-length");
              contentLength = n;
            }
          } else if (lower === "transfer-encoding") {
            transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
          } else if (lower === "connection") {
            connection = connection === undefined ? value : `${connection}, ${value}`;
          } else if (lower === "keep-alive") {
            keepAlive = value;
          }
        }
      }
    }

    // 1xx: informational, skipped; the final answer follows on the same connection.
    if (code < 200) {
      if (code === 101) return this.malformed("unexpected protocol switch");
      return this.continueAt(buf, data, bodyStart);
    }

    this.reusable = connectionReusable(minor, connection);
    if (keepAlive !== undefined && this.reusable) {
      const m = /(?:^|[\s,])timeout\s*=\s*(\d+)/i.exec(keepAlive);
      if (m) {
        // Stop using it a second before the backend would close it (as undici does).
        const ms = Number(m[1]) * 1000 - 1000;
        if (ms <= 0) this.reusable = false;
        else this.keepAliveMs = Math.min(KEEP_ALIVE_MS, ms);
      }
    }

    if (this.head || code === 204 || code === 304) {
      this.framing = Framing.None;
    } else if (transferEncoding !== undefined) {
      if (contentLength >= 0) return this.malformed("both transfer-encoding and content-length");
      if (minor === "0") return this.malformed("transfer-encoding in HTTP/1.0");
      const codings = transferEncoding.split(",").map((c) => c.trim().toLowerCase());
      const chunkedAt = codings.indexOf("chunked");
      if (chunkedAt >= 0 && chunkedAt !== codings.length - 1) return this.malformed("chunked is not the last transfer coding");
      if (chunkedAt >= 0) {
        this.framing = Framing.Chunked;
        this.chunk = Chunk.Size;
        this.line = "";
        this.trailerBytes = 0;
      } else {
        this.framing = Framing.UntilClose;
        this.reusable = false;
      }
    } else if (contentLength >= 0) {
      this.framing = Framing.Length;
      this.remaining = contentLength;
    } else {
      this.framing = Framing.UntilClose;
      this.reusable = false;
    }

    this.phase = Phase.Body;
    this.deadline = this.bodyTimeout > 0 ? Date.now() + this.bodyTimeout : 0;
    const handler = this.handler!;
    let more: boolean;
    try {
      more = handler.onHeaders?.(code, headers, this.resume, statusText) !== false;
    } catch (err) {
      this.fail(err as Error);
      return -1;
    }
    if (this.handler !== handler) return -1; // aborted
    if (this.framing === Framing.None) {
      this.complete(buf, bodyStart);
      return -1;
    }
    if (!more) {
      this.paused = true;
      this.leftover = bodyStart < buf.length || (this.framing === Framing.Length && this.remaining === 0) ? buf : null;
      this.leftoverAt = bodyStart;
      this.socket.pause();
      return -1;
    }
    if (this.framing === Framing.Length && this.remaining === 0) {
      this.complete(buf, bodyStart);
      return -1;
    }
    return this.continueAt(buf, data, bodyStart);
  }

  /** Where parsing goes on: at `at` in `data`, or (when the head was gathered from several reads into `buf`) in `buf`. */
  private continueAt(buf: Buffer, data: Buffer, at: number): number {
    if (buf === data) return at;
    this.parse(buf, at);
    return -1;
  }

  /** Parses chunked body framing from `at`; returns the next position, or -1 to stop. */
  private parseChunked(data: Buffer, at: number): number {
    while (at < data.length) {
      switch (this.chunk) {
        case Chunk.Size:
        case Chunk.Trailers: {
          const lf = data.indexOf(10, at);
          const end = lf < 0 ? data.length : lf + 1;
          this.line += data.toString("latin1", at, end);
          at = end;
          if (lf < 0) {
            if (this.line.length > (this.chunk === Chunk.Size ? MAX_CHUNK_LINE : MAX_TRAILER_BYTES)) {
              this.malformed(this.chunk === Chunk.Size ? "chunk size line" : "trailers");
              return -1;
            }
            return at;
          }
          const line = this.line;
          this.line = "";
          if (line.length < 2 || line.charCodeAt(line.length - 2) !== 13) {
            this.malformed("line end");
            return -1;
          }
          const content = line.slice(0, -2);
          if (this.chunk === Chunk.Trailers) {
            if (content === "") {
              this.complete(data, at);
              return -1;
            }
            this.trailerBytes += line.length;
            if (this.trailerBytes > MAX_TRAILER_BYTES || INVALID_VALUE.test(content) || content.indexOf(":") <= 0) {
              this.malformed("trailers");
              return -1;
            }
            continue;
          }
          const m = CHUNK_SIZE.exec(content);
          if (!m || INVALID_VALUE.test(content)) {
            this.malformed("chunk size");
            return -1;
          }
          const size = parseInt(m[1]!, 16);
          if (size === 0) {
            this.chunk = Chunk.Trailers;
            this.trailerBytes = 0;
          } else {
            this.chunk = Chunk.Data;
            this.remaining = size;
          }
          break;
        }
        case Chunk.Data: {
          const take = Math.min(this.remaining, data.length - at);
          this.remaining -= take;
          const piece = data.subarray(at, at + take);
          at += take;
          if (this.remaining === 0) this.chunk = Chunk.DataCR;
          if (!this.deliver(piece, data, at)) return -1;
          break;
        }
        case Chunk.DataCR:
        case Chunk.DataLF: {
          // The CRLF after a chunk's data (it may come split over reads).
          if (data[at] !== (this.chunk === Chunk.DataCR ? 13 : 10)) {
            this.malformed("chunk end");
            return -1;
          }
          at++;
          this.chunk = this.chunk === Chunk.DataCR ? Chunk.DataLF : Chunk.Size;
          break;
        }
      }
    }
    return at;
  }

  private malformed(why: string): -1 {
    this.fail(badResponse(why));
    return -1;
  }

  /** The answer is complete; bytes after `at` in `data` would be a protocol error. */
  private complete(data: Buffer, at: number): void {
    const handler = this.handler!;
    if (at < data.length) this.reusable = false;
    this.handler = null;
    this.request = null;
    this.served++;
    this.phase = Phase.Idle;
    this.deadline = 0;
    this.paused = false;
    this.leftover = null;
    if (this.sendingBody) {
      // The backend answered before it had the whole request body: the rest is dropped and the
      // connection, in an unknown state, closed.
      this.reusable = false;
      this.stopBody();
    }
    this.release();
    try {
      handler.onComplete?.(null);
    } catch (err) {
      handler.onError?.(err as Error);
    }
  }

  /** Stops writing the request body: the source is left flowing (drained), so the client's connection is not stuck. */
  private stopBody(): void {
    const body = this.bodyStream;
    if (!body) return;
    this.bodyStream = null;
    this.sendingBody = false;
    this.detachBody?.();
    body.on("error", ignore);
    body.resume();
  }

  /** Back to the pool's idle list. */
  private release(): void {
    if (this.destroyed) return;
    if (!this.reusable) return this.destroy();
    this.phase = Phase.Idle;
    this.idleSince = Date.now();
    this.deadline = 0;
    this.socket.unref();
    if (this.socket.isPaused()) this.socket.resume();
    this.pool.idle(this);
  }

  /** Fails the request in flight (if any) with `err` and closes the connection. */
  fail(err: Error): void {
    const handler = this.handler;
    const request = this.request;
    const retry = handler !== null && request !== null && this.canRetry(err, request);
    this.handler = null;
    this.request = null;
    this.stopBody();
    this.destroy();
    if (!handler) return;
    if (retry) {
      this.pool.dispatch(request!, handler, true);
      return;
    }
    try {
      handler.onError?.(err);
    } catch {
      // the handler's own failure is its business
    }
  }

  /** A reused connection that broke before any answer: the backend closed it as the request went out. */
  private canRetry(err: Error, request: BackendRequest): boolean {
    if (this.served === 0 || this.answered) return false;
    const code = (err as { code?: string }).code;
    if (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET" && code !== "EPIPE") return false;
    return IDEMPOTENT.has(request.method) && (request.body === null || Buffer.isBuffer(request.body));
  }

  /** Called by the sweep: fails a call whose deadline passed, closes a connection idle too long. */
  check(now: number): void {
    if (this.destroyed) return;
    if (this.phase === Phase.Idle) {
      if (this.request === null && now - this.idleSince >= this.keepAliveMs) this.destroy();
      return;
    }
    if (this.deadline === 0 || now < this.deadline || this.paused) return;
    switch (this.phase) {
      case Phase.Connecting:
        return this.fail(new UpstreamError(`Connect Timeout Error (attempted address: ${this.pool.hostname}:${this.pool.port}, timeout: ${CONNECT_TIMEOUT_MS}ms)`, "UND_ERR_CONNECT_TIMEOUT"));
      case Phase.Head:
        return this.fail(new UpstreamError("Headers Timeout Error", "UND_ERR_HEADERS_TIMEOUT"));
      case Phase.Body:
        return this.fail(new UpstreamError("Body Timeout Error", "UND_ERR_BODY_TIMEOUT"));
    }
  }

  private onEnd(): void {
    if (this.destroyed) return;
    if (this.handler && this.phase === Phase.Body && this.framing === Framing.UntilClose) {
      this.reusable = false;
      this.complete(EMPTY, 0);
      return;
    }
    if (this.handler) return this.fail(new UpstreamError("other side closed", "UND_ERR_SOCKET"));
    this.destroy();
  }

  private onSocketError(err: NodeJS.ErrnoException): void {
    if (this.destroyed && !this.handler) return;
    const code = err.code ?? "UND_ERR_SOCKET";
    this.fail(err instanceof UpstreamError ? err : new UpstreamError(err.message, code));
  }

  private onClose(): void {
    if (this.handler) this.fail(new UpstreamError("other side closed", "UND_ERR_SOCKET"));
    this.destroyed = true;
    this.pool.forget(this);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.bodyStream = null;
    this.socket.destroy();
    this.pool.forget(this);
  }
}

const EMPTY = Buffer.alloc(0);

// Made by functions (not `const f = () => …` in the hot path): a named arrow function costs a
// defineProperty per call under tsx, which keeps function names.
function resumeFor(connection: Connection, handler: ResponseHandler): () => void {
  return () => connection.resumeIf(handler);
}

function abortFor(connection: Connection, handler: ResponseHandler): (err?: Error) => void {
  return (err) => connection.abortIf(handler, err);
}
const ignore = () => {};

function connectionReusable(minor: string, connection: string | undefined): boolean {
  if (connection === undefined) return minor === "1";
  const tokens = connection.toLowerCase();
  if (/(?:^|[\s,])close(?:$|[\s,])/.test(tokens)) return false;
  return minor === "1" || /(?:^|[\s,])keep-alive(?:$|[\s,])/.test(tokens);
}

/** Every pool with connections, for the sweep. */
const live = new Set<Http1Pool>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const pool of live) pool.check(now);
  if (live.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** Keep-alive connections to one http origin (scheme://host:port). */
export class Http1Pool {
  readonly hostname: string;
  readonly port: number;
  /** `host: …\r\n`, sent unless the request names its own Host. */
  readonly hostLine: string;
  private readonly idleList: Connection[] = [];
  private readonly connections = new Set<Connection>();
  private closed = false;

  constructor(readonly origin: string) {
    const url = new URL(origin);
    if (url.protocol !== "http:") throw new Error(`Http1Pool serves http origins, not ${origin}`);
    this.hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    this.port = Number(url.port || 80);
    this.hostLine = `host: ${url.host}\r\n`;
  }

  /** Sends `request` on an idle connection, or a new one; the answer goes to `handler`. Always true (undici's signature). */
  dispatch(request: BackendRequest, handler: ResponseHandler, fresh = false): boolean {
    if (this.closed) {
      handler.onError?.(new UpstreamError("The client is destroyed", "UND_ERR_DESTROYED"));
      return true;
    }
    let connection = fresh ? undefined : this.idleList.pop();
    if (!connection) {
      connection = new Connection(this);
      this.connections.add(connection);
      if (!live.has(this)) {
        live.add(this);
        if (!sweeper) {
          sweeper = setInterval(sweep, TICK_MS);
          sweeper.unref();
        }
      }
    }
    connection.start(request, handler);
    return true;
  }

  /** @internal a connection that finished a request and may serve another. */
  idle(connection: Connection): void {
    if (this.closed) return connection.destroy();
    this.idleList.push(connection);
  }

  /** @internal a connection that closed. */
  forget(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const at = this.idleList.lastIndexOf(connection);
    if (at >= 0) this.idleList.splice(at, 1);
    if (this.connections.size === 0) live.delete(this);
  }

  /** @internal the sweep. */
  check(now: number): void {
    for (const connection of this.connections) connection.check(now);
  }

  /** Connections open (busy or idle). */
  get size(): number {
    return this.connections.size;
  }

  /** Closes every connection; calls in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of [...this.connections]) connection.fail(new UpstreamError("The client is destroyed", "UND_ERR_DESTROYED"));
    this.idleList.length = 0;
    live.delete(this);
  }
}
