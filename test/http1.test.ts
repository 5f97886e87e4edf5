/**
 * The lean HTTP/1.1 client (src/gateway/http1.ts), driven against real local servers: raw
 * `node:net` servers where the exact bytes (framing) matter, `node:http` servers otherwise.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Pool, UpstreamError, type BackendRequest, type ResponseHandler } from "../src/gateway/http1.js";

// ---------------------------------------------------------------------------------------------
// Helpers

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, ms = 1500): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("waitFor: condition not met in time");
    await sleep(5);
  }
}

function newPool(port: number): Http1Pool {
  const pool = new Http1Pool(`http://127.0.0.1:${port}`);
  cleanups.push(() => pool.close());
  return pool;
}

function request(partial: Partial<BackendRequest> = {}): BackendRequest {
  return { path: "/", method: "GET", headers: {}, body: null, headersTimeout: 0, bodyTimeout: 0, ...partial };
}

type CodedError = Error & { code?: string };

interface Outcome {
  status?: number;
  statusText?: string;
  headers?: string[];
  body: Buffer;
  trailers?: string[] | null;
  error?: CodedError;
  /** onConnect calls (one per attempt). */
  connects: number;
  /** onComplete + onError calls: must stay 1. */
  ends: number;
}

/** Dispatches one request and collects what the handler is told. */
function call(pool: Http1Pool, partial: Partial<BackendRequest> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: Buffer.alloc(0), connects: 0, ends: 0 };
    const chunks: Buffer[] = [];
    pool.dispatch(request(partial), {
      onConnect() {
        out.connects++;
      },
      onHeaders(status, headers, _resume, statusText) {
        out.status = status;
        out.headers = headers;
        out.statusText = statusText;
        return true;
      },
      onData(chunk) {
        chunks.push(Buffer.from(chunk));
        return true;
      },
      onComplete(trailers) {
        out.ends++;
        out.trailers = trailers;
        out.body = Buffer.concat(chunks);
        resolve(out);
      },
      onError(err) {
        out.ends++;
        out.error = err;
        out.body = Buffer.concat(chunks);
        resolve(out);
      },
    });
  });
}

interface RawConn {
  socket: net.Socket;
  /** Every byte received on this connection. */
  received: Buffer;
  /** Complete requests (head + content-length body) received. */
  requests: string[];
  closed: Promise<void>;
}

interface RawServer {
  port: number;
  conns: RawConn[];
}

/**
 * A `node:net` server answering with exact bytes: `onRequest` runs for each complete request
 * (head, then a content-length body if any) with the request's index on its connection.
 */
async function rawServer(onRequest: (socket: net.Socket, text: string, nth: number, conn: RawConn) => void = () => {}): Promise<RawServer> {
  const conns: RawConn[] = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => {});
    let pending = Buffer.alloc(0);
    const conn: RawConn = {
      socket,
      received: Buffer.alloc(0),
      requests: [],
      closed: new Promise<void>((resolve) => socket.once("close", () => resolve())),
    };
    conns.push(conn);
    socket.on("data", (chunk: Buffer) => {
      conn.received = Buffer.concat([conn.received, chunk]);
      pending = Buffer.concat([pending, chunk]);
      while (!socket.destroyed) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = pending.toString("latin1", 0, end);
        const m = /\r\ncontent-length: *(\d+)/i.exec(head);
        const total = end + 4 + (m ? Number(m[1]) : 0);
        if (pending.length < total) return;
        const text = pending.toString("latin1", 0, total);
        pending = pending.subarray(total);
        conn.requests.push(text);
        onRequest(socket, text, conn.requests.length - 1, conn);
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  cleanups.push(() => {
    for (const conn of conns) conn.socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as net.AddressInfo).port, conns };
}

/** Writes `text` one byte at a time, each in its own TCP segment (as far as timers allow). */
async function dribble(socket: net.Socket, text: string | Buffer, gapMs = 1): Promise<void> {
  const buf = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  for (let i = 0; i < buf.length; i++) {
    if (socket.destroyed) return;
    socket.write(buf.subarray(i, i + 1));
    await sleep(gapMs);
  }
}

interface HttpServer {
  port: number;
  server: http.Server;
  /** 'connection' events so far. */
  connections(): number;
}

async function httpServer(listener: http.RequestListener): Promise<HttpServer> {
  const server = http.createServer(listener);
  let connections = 0;
  server.on("connection", () => connections++);
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as net.AddressInfo).port, server, connections: () => connections };
}

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A node:http server recording each request (with its body) and answering 200 "ok". */
async function captureServer(): Promise<HttpServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const srv = await httpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, headers: req.headers, body: Buffer.concat(chunks) });
      res.end("ok");
    });
  });
  return { ...srv, seen };
}

function* pieces(piece: Buffer, count: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) yield piece;
}

/** Values of `name` (case-insensitive) in raw name/value pairs. */
function values(raw: string[], name: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) found.push(raw[i + 1]!);
  return found;
}

// ---------------------------------------------------------------------------------------------

describe("Http1Pool: answer framing", () => {
  it("reads a Content-Length body and hands over status, reason and the raw header pairs; the connection stays open", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Case:  MiXed \r\n\r\nhello"));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(201);
    expect(out.statusText).toBe("Created");
    expect(out.headers).toEqual(["Content-Length", "5", "X-Case", "MiXed"]);
    expect(out.body.toString()).toBe("hello");
    expect(out.trailers).toBeNull();
    expect(out.connects).toBe(1);
    expect(pool.size).toBe(1); // kept alive, idle
  });

  it("reads a Content-Length answer that arrives one byte per TCP segment", async () => {
    const answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world";
    const srv = await rawServer((socket) => void dribble(socket, answer));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(200);
    expect(out.headers).toEqual(["Content-Type", "text/plain", "Content-Length", "11"]);
    expect(out.body.toString()).toBe("hello world");
  });

  it("reads a chunked body split across many writes (split size lines, extensions, trailers) and reuses the connection after it", async () => {
    const chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "5;name=value\r\nhello\r\n" +
      "1A ; a=\"b;c\"\r\nabcdefghijklmnopqrstuvwxyz\r\n" +
      "1\r\n!\r\n" +
      "0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n";
    const srv = await rawServer((socket, _text, nth) => {
      if (nth === 0) void dribble(socket, chunked);
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
    });
    const pool = newPool(srv.port);
    const first = await call(pool);
    expect(first.error).toBeUndefined();
    expect(first.body.toString()).toBe("helloabcdefghijklmnopqrstuvwxyz!");
    // trailers are read and dropped (documented)
    expect(first.trailers).toBeNull();
    expect(pool.size).toBe(1);
    const second = await call(pool, { path: "/2" });
    expect(second.body.toString()).toBe("second");
    expect(srv.conns).toHaveLength(1);
    expect(srv.conns[0]!.requests).toHaveLength(2);
  });

  it("reads a chunked body whose pieces arrive in a few larger writes", async () => {
    const srv = await rawServer(async (socket) => {
      socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1");
      await sleep(5);
      socket.write("0\r\n0123456789abcdef\r");
      await sleep(5);
      socket.write("\n3\r\nxyz");
      await sleep(5);
      socket.write("\r\n0\r");
      await sleep(5);
      socket.write("\n\r\n");
    });
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("0123456789abcdefxyz");
    expect(pool.size).toBe(1);
  });

  it("reads an HTTP/1.0 body until the connection closes and does not keep the connection", async () => {
    const srv = await rawServer(async (socket) => {
      socket.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart1-");
      await sleep(10);
      socket.end("part2");
    });
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("part1-part2");
    expect(pool.size).toBe(0);
  });

  it("reads an HTTP/1.1 `Connection: close` body without length until close", async () => {
    const srv = await rawServer(async (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc");
      await sleep(10);
      socket.end("def");
    });
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(200);
    expect(out.body.toString()).toBe("abcdef");
    expect(pool.size).toBe(0);
  });

  it("HEAD, 204 and 304 have no body despite Content-Length, and the connection is reused for the next answer", async () => {
    const srv = await rawServer((socket, _text, nth) => {
      const answers = [
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      ];
      socket.write(answers[nth]!);
    });
    const pool = newPool(srv.port);
    const head = await call(pool, { method: "HEAD" });
    expect([head.status, head.error, head.body.length]).toEqual([200, undefined, 0]);
    expect(head.headers).toEqual(["Content-Length", "100"]);
    const noContent = await call(pool);
    expect([noContent.status, noContent.error, noContent.body.length]).toEqual([204, undefined, 0]);
    const notModified = await call(pool);
    expect([notModified.status, notModified.error, notModified.body.length]).toEqual([304, undefined, 0]);
    const last = await call(pool);
    expect([last.status, last.error, last.body.toString()]).toEqual([200, undefined, "ok"]);
    expect(srv.conns).toHaveLength(1);
    expect(srv.conns[0]!.requests[0]).toMatch(/^HEAD \/ HTTP\/1\.1\r\n/);
  });

  it("skips 1xx answers and hands over the final one", async () => {
    const srv = await rawServer((socket) =>
      socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(200);
    expect(out.headers).toEqual(["Content-Length", "2"]);
    expect(out.body.toString()).toBe("ok");
  });

  it("accepts repeated Content-Length headers that agree", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc"));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("abc");
  });

  it("an answer followed by unexpected bytes completes but its connection is not reused", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("ok");
    expect(pool.size).toBe(0);
  });
});

describe("Http1Pool: keep-alive", () => {
  it("two sequential requests share one connection", async () => {
    const srv = await httpServer((req, res) => res.end(`answer ${req.url}`));
    const pool = newPool(srv.port);
    const a = await call(pool, { path: "/a" });
    const b = await call(pool, { path: "/b" });
    expect(a.body.toString()).toBe("answer /a");
    expect(b.body.toString()).toBe("answer /b");
    expect(srv.connections()).toBe(1);
    expect(pool.size).toBe(1);
  });

  it("concurrent requests go on separate connections (no pipelining)", async () => {
    // The server answers only once both requests are in: with pipelining (or queueing on one
    // connection) the second would never arrive and the test would time out.
    const waiting: Array<[http.IncomingMessage, http.ServerResponse]> = [];
    const srv = await httpServer((req, res) => {
      waiting.push([req, res]);
      if (waiting.length === 2) for (const [q, r] of waiting) r.end(`answer ${q.url}`);
      else if (waiting.length > 2) res.end(`answer ${req.url}`);
    });
    const pool = newPool(srv.port);
    const [a, b] = await Promise.all([call(pool, { path: "/a" }), call(pool, { path: "/b" })]);
    expect(a.body.toString()).toBe("answer /a");
    expect(b.body.toString()).toBe("answer /b");
    expect(srv.connections()).toBe(2);
    expect(pool.size).toBe(2);
    // both are idle now: the next two sequential calls use them, no third connection
    await call(pool);
    await call(pool);
    expect(srv.connections()).toBe(2);
  });

  it("a connection the backend answers with `Connection: close` is not reused", async () => {
    const srv = await httpServer((_req, res) => {
      res.setHeader("Connection", "close");
      res.end("bye");
    });
    const pool = newPool(srv.port);
    const a = await call(pool);
    expect(a.body.toString()).toBe("bye");
    expect(pool.size).toBe(0);
    const b = await call(pool);
    expect(b.body.toString()).toBe("bye");
    expect(srv.connections()).toBe(2);
  });

  it("a backend Keep-Alive timeout of 1 s or less makes the connection single-use", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok"));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.body.toString()).toBe("ok");
    expect(pool.size).toBe(0);
  });
});

describe("Http1Pool: request writing", () => {
  it("writes method, path with query, headers (arrays repeated), host and a Buffer body with its length", async () => {
    const srv = await captureServer();
    const pool = newPool(srv.port);
    const out = await call(pool, {
      method: "PUT",
      path: "/p/a%20b?x=1&y=two",
      headers: { "X-One": "1", "x-multi": ["a", "b"], "x-skip": undefined },
      body: Buffer.from("payload"),
    });
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("ok");
    const seen = srv.seen[0]!;
    expect(seen.method).toBe("PUT");
    expect(seen.url).toBe("/p/a%20b?x=1&y=two");
    expect(values(seen.rawHeaders, "x-one")).toEqual(["1"]);
    expect(values(seen.rawHeaders, "x-multi")).toEqual(["a", "b"]);
    expect(values(seen.rawHeaders, "x-skip")).toEqual([]);
    expect(values(seen.rawHeaders, "host")).toEqual([`127.0.0.1:${srv.port}`]);
    expect(values(seen.rawHeaders, "connection")).toEqual(["keep-alive"]);
    expect(values(seen.rawHeaders, "content-length")).toEqual(["7"]);
    expect(values(seen.rawHeaders, "transfer-encoding")).toEqual([]);
    expect(seen.body.toString()).toBe("payload");
  });

  it("writes the exact request head for a GET (no content-length) and keeps a caller's Host header", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    const pool = newPool(srv.port);
    const out = await call(pool, { path: "/q?a=1", headers: { Host: "example.test", "X-A": "v" } });
    expect(out.error).toBeUndefined();
    const text = srv.conns[0]!.requests[0]!;
    expect(text.startsWith("GET /q?a=1 HTTP/1.1\r\n")).toBe(true);
    expect(text.endsWith("\r\n\r\n")).toBe(true);
    const lines = text.slice(0, -4).split("\r\n").slice(1);
    expect(lines.sort()).toEqual(["Host: example.test", "X-A: v", "connection: keep-alive"].sort());
  });

  it("an empty POST announces content-length 0; a GET, DELETE or HEAD without body announces none", async () => {
    const srv = await captureServer();
    const pool = newPool(srv.port);
    await call(pool, { method: "POST" });
    await call(pool, { method: "GET" });
    await call(pool, { method: "DELETE" });
    await call(pool, { method: "PATCH", body: Buffer.alloc(0) });
    expect(srv.seen.map((s) => [s.method, s.headers["content-length"], s.headers["transfer-encoding"]])).toEqual([
      ["POST", "0", undefined],
      ["GET", undefined, undefined],
      ["DELETE", undefined, undefined],
      ["PATCH", "0", undefined],
    ]);
  });

  it("a stream body without declared length is sent chunked", async () => {
    const srv = await captureServer();
    const pool = newPool(srv.port);
    const out = await call(pool, { method: "POST", body: Readable.from([Buffer.from("ab"), Buffer.from("cd"), Buffer.from("e")]) });
    expect(out.error).toBeUndefined();
    const seen = srv.seen[0]!;
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
    expect(seen.headers["content-length"]).toBeUndefined();
    expect(seen.body.toString()).toBe("abcde");
    // the chunked request ended properly: the connection is reusable
    await call(pool);
    expect(srv.connections()).toBe(1);
  });

  it("a stream body with a declared content-length is sent raw", async () => {
    const srv = await captureServer();
    const pool = newPool(srv.port);
    const out = await call(pool, {
      method: "PUT",
      headers: { "Content-Length": "4" },
      body: Readable.from([Buffer.from("ab"), Buffer.from("cd")]),
    });
    expect(out.error).toBeUndefined();
    const seen = srv.seen[0]!;
    expect(seen.headers["content-length"]).toBe("4");
    expect(seen.headers["transfer-encoding"]).toBeUndefined();
    expect(seen.body.toString()).toBe("abcd");
  });

  it("a stream body with many large pieces, sent chunked to a backend reading fast, arrives intact", async () => {
    const srv = await captureServer();
    const pool = newPool(srv.port);
    const piece = Buffer.alloc(64 * 1024, "a");
    const out = await call(pool, { method: "POST", body: Readable.from(pieces(piece, 4)), headersTimeout: 3000 });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(200);
    expect(srv.seen[0]?.body.length).toBe(4 * piece.length);
  });

  // Regression: the three writes of a chunk (size line, data, CRLF) all go out even when the
  // socket's buffer is full (write() returning false only asks to pause the source); the
  // backend reads slower than the 8 MiB body comes.
  it("a chunked stream body sent to a backend slower than the source arrives intact", async () => {
    const seen: number[] = [];
    const srv = await httpServer((req, res) => {
      req.pause();
      setTimeout(() => {
        let n = 0;
        req.on("data", (c: Buffer) => (n += c.length));
        req.on("end", () => {
          seen.push(n);
          res.end("ok");
        });
        req.resume();
      }, 100);
    });
    const pool = newPool(srv.port);
    const piece = Buffer.alloc(64 * 1024, "a");
    const out = await call(pool, { method: "POST", body: Readable.from(pieces(piece, 128)), headersTimeout: 3000 });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(200);
    expect(seen).toEqual([128 * piece.length]);
  });

  it("a Buffer body that does not match the declared content-length fails", async () => {
    const srv = await rawServer();
    const pool = newPool(srv.port);
    const out = await call(pool, { method: "POST", headers: { "content-length": "10" }, body: Buffer.from("short") });
    expect(out.error).toBeInstanceOf(UpstreamError);
    expect(out.error?.code).toBe("UND_ERR_REQ_CONTENT_LENGTH_MISMATCH");
    expect(pool.size).toBe(0);
  });

  for (const name of ["transfer-encoding", "Connection", "keep-alive", "upgrade", "expect", "te", "trailer", "proxy-connection"]) {
    it(`refuses a \`${name}\` request header (UND_ERR_INVALID_ARG), sending nothing`, async () => {
      const srv = await rawServer();
      const pool = newPool(srv.port);
      const out = await call(pool, { headers: { [name]: "chunked" } });
      expect(out.error).toBeInstanceOf(UpstreamError);
      expect(out.error?.code).toBe("UND_ERR_INVALID_ARG");
      expect(pool.size).toBe(0);
      await waitFor(() => srv.conns.length === 1);
      await srv.conns[0]!.closed;
      expect(srv.conns[0]!.received.length).toBe(0);
    });
  }

  it("refuses a header value with CR/LF (UND_ERR_INVALID_ARG) and sends nothing", async () => {
    const srv = await rawServer();
    const pool = newPool(srv.port);
    const out = await call(pool, { headers: { "x-a": "1\r\nx-injected: yes" } });
    expect(out.error?.code).toBe("UND_ERR_INVALID_ARG");
    const arrayOut = await call(pool, { headers: { "x-a": ["fine", "bad\nvalue"] } });
    expect(arrayOut.error?.code).toBe("UND_ERR_INVALID_ARG");
    await waitFor(() => srv.conns.length === 2);
    await Promise.all(srv.conns.map((c) => c.closed));
    expect(srv.conns.map((c) => c.received.length)).toEqual([0, 0]);
    expect(pool.size).toBe(0);
  });

  it("refuses a header name that is not a token, and a non-numeric content-length", async () => {
    const srv = await rawServer();
    const pool = newPool(srv.port);
    const badName = await call(pool, { headers: { "bad name": "x" } });
    expect(badName.error?.code).toBe("UND_ERR_INVALID_ARG");
    const badLength = await call(pool, { method: "POST", headers: { "content-length": "1e3" }, body: Buffer.from("x") });
    expect(badLength.error?.code).toBe("UND_ERR_INVALID_ARG");
  });
});

describe("Http1Pool: malformed answers", () => {
  const malformed: Array<[string, string]> = [
    ["a bad status line (two-digit code)", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"],
    ["a bad status line (HTTP/2)", "HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["a bad status line (not HTTP)", "ICY 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["Content-Length with Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"],
    ["two different Content-Length headers", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"],
    ["a Content-Length list that disagrees", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello"],
    ["a non-numeric Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"],
    ["a header name with a space", "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n"],
    ["whitespace before the colon", "HTTP/1.1 200 OK\r\nX-A : x\r\nContent-Length: 0\r\n\r\n"],
    ["a header line without colon", "HTTP/1.1 200 OK\r\nnocolon\r\nContent-Length: 0\r\n\r\n"],
    ["obsolete line folding", "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n"],
    ["a control character in a value", "HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 0\r\n\r\n"],
    ["a bare LF ending the status line", "HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok"],
    ["a bare LF between headers", "HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok"],
    ["chunked not the last transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"],
    ["Transfer-Encoding in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    ["101 Switching Protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"],
  ];
  for (const [what, answer] of malformed) {
    it(`${what} → UND_ERR_INVALID_RESPONSE, connection closed`, async () => {
      const srv = await rawServer((socket) => socket.write(answer, "latin1"));
      const pool = newPool(srv.port);
      const out = await call(pool);
      expect(out.error).toBeInstanceOf(UpstreamError);
      expect(out.error?.code).toBe("UND_ERR_INVALID_RESPONSE");
      expect(out.status).toBeUndefined(); // onHeaders never called
      expect(out.ends).toBe(1);
      expect(pool.size).toBe(0);
      await srv.conns[0]!.closed; // the client closed it
    });
  }

  const badBodies: Array<[string, string]> = [
    ["a chunk size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"],
    ["chunk data not followed by CRLF", "5\r\nhelloXX\r\n0\r\n\r\n"],
    ["a chunk size line ended by a bare LF", "5\nhello\r\n0\r\n\r\n"],
  ];
  for (const [what, body] of badBodies) {
    it(`${what} → UND_ERR_INVALID_RESPONSE after the head, connection closed`, async () => {
      const srv = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`));
      const pool = newPool(srv.port);
      const out = await call(pool);
      expect(out.status).toBe(200);
      expect(out.error?.code).toBe("UND_ERR_INVALID_RESPONSE");
      expect(pool.size).toBe(0);
      await srv.conns[0]!.closed;
    });
  }

  it("a malformed answer's connection is not reused: the next call opens a new one", async () => {
    let first: net.Socket | undefined;
    const srv = await rawServer((socket) => {
      first ??= socket;
      socket.write(socket === first ? "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const pool = newPool(srv.port);
    const bad = await call(pool);
    expect(bad.error?.code).toBe("UND_ERR_INVALID_RESPONSE");
    const good = await call(pool);
    expect(good.body.toString()).toBe("ok");
    expect(srv.conns).toHaveLength(2);
  });

  it("an answer with only bare-LF line ends is never accepted (the head is never complete)", async () => {
    const srv = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.status).toBeUndefined();
    expect(out.error).toBeInstanceOf(UpstreamError);
    expect(out.error?.code).toBe("UND_ERR_SOCKET");
  });

  it("a head larger than 16 KiB fails with UND_ERR_HEADERS_OVERFLOW (complete head)", async () => {
    const srv = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(17 * 1024)}\r\nContent-Length: 0\r\n\r\n`));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.status).toBeUndefined();
    expect(out.error?.code).toBe("UND_ERR_HEADERS_OVERFLOW");
    expect(pool.size).toBe(0);
  });

  it("a head that keeps growing past 16 KiB fails with UND_ERR_HEADERS_OVERFLOW without waiting for its end", async () => {
    const srv = await rawServer(async (socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      for (let i = 0; i < 40 && !socket.destroyed; i++) {
        socket.write(`X-H${i}: ${"b".repeat(1000)}\r\n`);
        await sleep(1);
      }
    });
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error?.code).toBe("UND_ERR_HEADERS_OVERFLOW");
    expect(pool.size).toBe(0);
  });

  it("a head just under 16 KiB is accepted", async () => {
    const srv = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(15 * 1024)}\r\nContent-Length: 2\r\n\r\nok`));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("ok");
  });
});

describe("Http1Pool: timeouts and connection errors", () => {
  it("a backend that never answers fails with UND_ERR_HEADERS_TIMEOUT after headersTimeout", async () => {
    const srv = await rawServer(); // reads, never answers
    const pool = newPool(srv.port);
    const started = Date.now();
    const out = await call(pool, { headersTimeout: 300 });
    const elapsed = Date.now() - started;
    expect(out.error).toBeInstanceOf(UpstreamError);
    expect(out.error?.code).toBe("UND_ERR_HEADERS_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(pool.size).toBe(0);
    await srv.conns[0]!.closed;
  });

  it("a body that stalls fails with UND_ERR_BODY_TIMEOUT after bodyTimeout", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    const pool = newPool(srv.port);
    const started = Date.now();
    const out = await call(pool, { bodyTimeout: 300 });
    const elapsed = Date.now() - started;
    expect(out.status).toBe(200);
    expect(out.body.toString()).toBe("abc");
    expect(out.error?.code).toBe("UND_ERR_BODY_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(pool.size).toBe(0);
  });

  it("bodyTimeout bounds the gap between chunks, not the whole body", async () => {
    const srv = await rawServer(async (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
      for (let i = 0; i < 10; i++) {
        await sleep(60);
        socket.write(String(i));
      }
    });
    const pool = newPool(srv.port);
    const out = await call(pool, { bodyTimeout: 400 });
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("0123456789");
  });

  it("a closed port fails with ECONNREFUSED", async () => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const pool = newPool(port);
    const out = await call(pool);
    expect(out.error).toBeInstanceOf(UpstreamError);
    expect(out.error?.code).toBe("ECONNREFUSED");
    expect(out.ends).toBe(1);
    expect(pool.size).toBe(0);
  });

  it("the backend closing mid-body fails the call with UND_ERR_SOCKET", async () => {
    const srv = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.status).toBe(200);
    expect(out.body.toString()).toBe("abc");
    expect(out.error?.code).toBe("UND_ERR_SOCKET");
  });
});

describe("Http1Pool: retry on a reused connection the backend closed", () => {
  /** Answers the first request of its first connection, then destroys that connection when the second arrives; later connections are answered. */
  async function closingServer() {
    let first: net.Socket | undefined;
    return rawServer((socket, text, nth) => {
      first ??= socket;
      if (socket === first && nth === 1) return void socket.destroy();
      const path = text.split(" ")[1]!;
      const body = `${path} on ${socket === first ? "first" : "second"}`;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
  }

  it("an idempotent GET is re-sent on a new connection and succeeds", async () => {
    const srv = await closingServer();
    const pool = newPool(srv.port);
    const a = await call(pool, { path: "/one" });
    expect(a.body.toString()).toBe("/one on first");
    const b = await call(pool, { path: "/two" });
    expect(b.error).toBeUndefined();
    expect(b.status).toBe(200);
    expect(b.body.toString()).toBe("/two on second");
    expect(b.ends).toBe(1);
    expect(srv.conns).toHaveLength(2);
    expect(srv.conns[0]!.requests[1]).toMatch(/^GET \/two /);
    expect(srv.conns[1]!.requests[0]).toMatch(/^GET \/two /);
  });

  it("a PUT with a Buffer body is re-sent with its body", async () => {
    const srv = await closingServer();
    const pool = newPool(srv.port);
    await call(pool, { path: "/one" });
    const b = await call(pool, { method: "PUT", path: "/two", body: Buffer.from("data!") });
    expect(b.error).toBeUndefined();
    expect(b.body.toString()).toBe("/two on second");
    expect(srv.conns[1]!.requests[0]).toMatch(/^PUT \/two [^]*\r\n\r\ndata!$/);
  });

  it("a POST in the same situation fails rather than being re-sent", async () => {
    const srv = await closingServer();
    const pool = newPool(srv.port);
    await call(pool, { path: "/one" });
    const b = await call(pool, { method: "POST", path: "/two", body: Buffer.from("x") });
    expect(b.error).toBeInstanceOf(UpstreamError);
    expect(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]).toContain(b.error?.code);
    expect(b.ends).toBe(1);
    await sleep(50);
    expect(srv.conns).toHaveLength(1);
  });

  it("a GET whose fresh (never used) connection is closed is not re-sent", async () => {
    const srv = await rawServer((socket) => socket.destroy());
    const pool = newPool(srv.port);
    const out = await call(pool);
    expect(out.error?.code).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    await sleep(50);
    expect(srv.conns).toHaveLength(1);
  });

  it("a GET whose reused connection closes after part of an answer is not re-sent", async () => {
    let first: net.Socket | undefined;
    const srv = await rawServer((socket, _text, nth) => {
      first ??= socket;
      if (nth === 0) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      else socket.end("HTTP/1.1 200 OK\r\n");
    });
    const pool = newPool(srv.port);
    await call(pool);
    const out = await call(pool);
    expect(out.error?.code).toBe("UND_ERR_SOCKET");
    await sleep(50);
    expect(srv.conns).toHaveLength(1);
  });
});

describe("Http1Pool: backpressure", () => {
  it("onData returning false pauses until resume; a 2 MB body arrives intact", async () => {
    const payload = randomBytes(2 * 1024 * 1024);
    const srv = await httpServer((_req, res) => {
      res.setHeader("content-length", payload.length);
      res.end(payload);
    });
    const pool = newPool(srv.port);
    const result = await new Promise<{ body: Buffer; pauses: number; violations: number; error?: Error }>((resolve) => {
      const chunks: Buffer[] = [];
      let resume: () => void = () => {};
      let paused = false;
      let pauses = 0;
      let violations = 0;
      pool.dispatch(request(), {
        onHeaders(_status, _headers, r) {
          resume = r;
          return true;
        },
        onData(chunk) {
          if (paused) violations++;
          chunks.push(Buffer.from(chunk));
          paused = true;
          pauses++;
          setTimeout(() => {
            paused = false;
            resume();
          }, 1);
          return false;
        },
        onComplete() {
          resolve({ body: Buffer.concat(chunks), pauses, violations });
        },
        onError(error) {
          resolve({ body: Buffer.concat(chunks), pauses, violations, error });
        },
      });
    });
    expect(result.error).toBeUndefined();
    expect(result.violations).toBe(0);
    expect(result.pauses).toBeGreaterThan(1);
    expect(result.body.length).toBe(payload.length);
    expect(result.body.equals(payload)).toBe(true);
  });

  it("onHeaders returning false holds the body back until resume", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
    const pool = newPool(srv.port);
    let resume: () => void = () => {};
    const chunks: Buffer[] = [];
    let completed = false;
    const headersSeen = new Promise<void>((headersDone) => {
      pool.dispatch(request(), {
        onHeaders(_s, _h, r) {
          resume = r;
          headersDone();
          return false;
        },
        onData(chunk) {
          chunks.push(Buffer.from(chunk));
          return true;
        },
        onComplete() {
          completed = true;
        },
      });
    });
    await headersSeen;
    await sleep(50);
    expect(chunks).toHaveLength(0);
    expect(completed).toBe(false);
    resume();
    await waitFor(() => completed);
    expect(Buffer.concat(chunks).toString()).toBe("hello");
    expect(pool.size).toBe(1);
  });

  // Regression: pausing in onHeaders right at the end of a sized body (Content-Length: 0) must
  // still complete the call on resume.
  it("an empty Content-Length: 0 answer completes after onHeaders returned false and resume", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    const pool = newPool(srv.port);
    const ended = await new Promise<string>((resolve) => {
      pool.dispatch(request({ bodyTimeout: 300 }), {
        onHeaders(_s, _h, resume) {
          setTimeout(resume, 10);
          return false;
        },
        onComplete: () => resolve("complete"),
        onError: (err) => resolve(`error ${(err as CodedError).code}`),
      });
    });
    expect(ended).toBe("complete");
  });
});

describe("Http1Pool: abort", () => {
  it("abort(err) mid-body ends the call with onError(err) and closes the connection", async () => {
    const srv = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"));
    const pool = newPool(srv.port);
    const reason = new Error("client went away");
    const events: string[] = [];
    const got = await new Promise<Error>((resolve) => {
      let abort: (err?: Error) => void = () => {};
      const handler: ResponseHandler = {
        onConnect(a) {
          abort = a;
        },
        onHeaders() {
          events.push("headers");
          return true;
        },
        onData(chunk) {
          events.push(`data ${chunk}`);
          abort(reason);
          return true;
        },
        onComplete() {
          events.push("complete");
        },
        onError(err) {
          events.push("error");
          resolve(err);
        },
      };
      pool.dispatch(request(), handler);
    });
    expect(got).toBe(reason);
    expect(events).toEqual(["headers", "data abc", "error"]);
    expect(pool.size).toBe(0);
    await srv.conns[0]!.closed;
  });

  it("abort() without a reason fails with UND_ERR_ABORTED", async () => {
    const srv = await rawServer(); // never answers
    const pool = newPool(srv.port);
    const got = await new Promise<CodedError>((resolve) => {
      let abort: (err?: Error) => void = () => {};
      pool.dispatch(request(), {
        onConnect(a) {
          abort = a;
          setTimeout(() => abort(), 30);
        },
        onError: resolve,
      });
    });
    expect(got.code).toBe("UND_ERR_ABORTED");
    expect(pool.size).toBe(0);
  });

  it("a late abort from a finished call does not touch the next call on the same connection", async () => {
    const srv = await rawServer(async (socket, _t, nth) => {
      if (nth === 1) await sleep(30);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${nth}`);
    });
    const pool = newPool(srv.port);
    let staleAbort: (err?: Error) => void = () => {};
    await new Promise<void>((resolve) => {
      pool.dispatch(request(), {
        onConnect(a) {
          staleAbort = a;
        },
        onComplete: () => resolve(),
      });
    });
    const second = call(pool);
    staleAbort(new Error("late"));
    const out = await second;
    expect(out.error).toBeUndefined();
    expect(out.body.toString()).toBe("1");
    expect(srv.conns).toHaveLength(1);
  });
});

describe("Http1Pool: lifecycle", () => {
  it("close() fails calls in flight with UND_ERR_DESTROYED, and later dispatches too", async () => {
    const srv = await rawServer(); // never answers
    const pool = newPool(srv.port);
    const pending = call(pool);
    await waitFor(() => srv.conns[0]?.requests.length === 1);
    await pool.close();
    const out = await pending;
    expect(out.error?.code).toBe("UND_ERR_DESTROYED");
    expect(pool.size).toBe(0);
    const late = await call(pool);
    expect(late.error?.code).toBe("UND_ERR_DESTROYED");
  });

  it("serves http origins only", () => {
    expect(() => new Http1Pool("https://127.0.0.1:1")).toThrow(/http origins/);
    expect(new Http1Pool("http://example.test").port).toBe(80);
    expect(new Http1Pool("http://[::1]:8080").hostname).toBe("::1");
  });
});
