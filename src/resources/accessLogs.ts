/**
 * Access logs: the gateway's records (DATAPLANE §9.1) kept in SQLite and searched by
 * DescribeLogSearch.
 *
 * Writing is off the request path: the sink only turns the record into the insert's values and
 * appends them to an in-memory buffer. A timer (every ~200 ms while records wait) or a full
 * batch (500 records, on the next tick) writes the buffer in one transaction with a prepared
 * statement. Retention (APIGW_LOG_RETENTION: days and/or a record count) is applied after
 * writes at most once a minute, and at close. Records of requests that reached no service
 * (unknown host) belong to no account and are not kept.
 *
 * Where the writes run:
 * - A file database: in a worker thread with its own SQLite connection, so that neither the
 *   inserts (~5 µs a record), nor the commits, nor a retention sweep (deleted in chunks of
 *   PRUNE_CHUNK records) take time from the gateway. SQLite has one writer at a time, and a
 *   transaction that has read and then writes fails (SQLITE_BUSY_SNAPSHOT) when another
 *   connection committed in between; so the control API runs each request through
 *   `exclusive()` (server.ts): no batch is sent to the worker while one is under way, and one
 *   starts only once the worker has committed what it was sent. Log writes and control
 *   transactions therefore never overlap, as on one connection.
 * - An in-memory database (one connection, tests): on the main thread; while a control
 *   action's transaction holds the connection the write waits a few milliseconds and tries
 *   again, so a record never becomes part of an action's transaction.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Statement } from "better-sqlite3";
import { sql, type Expression, type Selectable, type SqlBool } from "kysely";
import type { LogRetention } from "../config.js";
import { ApiError } from "../control/errors.js";
import type { AccessLogRecord, AccessLogSink } from "../gateway/access-log.js";
import { log } from "../log.js";
import type { AccessLogRow, Db, Store } from "../store/db.js";
import type { Scope } from "../store/resources.js";

type NewRow = Omit<AccessLogRow, "seq">;

export interface AccessLogStoreOptions {
  retention: LogRetention;
  /** Longest a record waits in memory (ms). */
  flushIntervalMs?: number;
  /** Records that trigger a write without waiting for the timer. */
  batchSize?: number;
  /** Records kept in memory while the database cannot be written; further ones are dropped (and counted in a warning). */
  maxBuffered?: number;
  now?: () => number;
  /** Write on the main thread even for a file database (no worker thread). */
  inline?: boolean;
}

const COLUMNS = [
  "app_id",
  "region",
  "service_id",
  "time",
  "request_id",
  "api_id",
  "environment",
  "host",
  "uri",
  "scheme",
  "method",
  "status",
  "backend_status",
  "client_ip",
  "upstream_addr",
  "server_addr",
  "request_length",
  "response_length",
  "latency_ms",
  "error_message",
  "pid",
] as const satisfies ReadonlyArray<keyof NewRow>;

const INSERT_SQL = `INSERT INTO access_logs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`;
const PRUNE_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;
/** Records deleted per retention step in the worker (each its own short transaction). */
const PRUNE_CHUNK = 20_000;

/**
 * The writer thread (CommonJS, evaluated): its own connection to the database file; inserts
 * the batches it is sent, deletes beyond the retention in chunks, answers each message once
 * done.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlitePath);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 10000");
// WAL, as the main connection set it. NORMAL: commits are not fsynced one by one (the log
// buffers records in memory anyway); WAL keeps the file consistent through a crash.
db.pragma("synchronous = NORMAL");
const insert = db.prepare(workerData.insertSql);
const insertAll = db.transaction((rows) => { for (const row of rows) insert.run(row); });
const chunk = workerData.pruneChunk;
const olderThan = db.prepare("DELETE FROM access_logs WHERE seq IN (SELECT seq FROM access_logs WHERE time < ? LIMIT " + chunk + ")");
const maxSeq = db.prepare("SELECT MAX(seq) AS m FROM access_logs");
const upToSeq = db.prepare("DELETE FROM access_logs WHERE seq IN (SELECT seq FROM access_logs WHERE seq <= ? LIMIT " + chunk + ")");
parentPort.on("message", (m) => {
  if (m.rows) {
    try {
      insertAll(m.rows);
      parentPort.postMessage({ written: m.rows.length });
    } catch (err) {
      parentPort.postMessage({ written: m.rows.length, error: String((err && err.message) || err) });
    }
  } else if (m.prune) {
    try {
      let deleted = 0;
      if (m.prune.before !== undefined) deleted += olderThan.run(m.prune.before).changes;
      if (deleted < chunk && m.prune.records) {
        const max = maxSeq.get().m;
        if (max !== null) deleted += upToSeq.run(max - m.prune.records).changes;
      }
      parentPort.postMessage({ pruned: deleted, more: deleted >= chunk });
    } catch (err) {
      parentPort.postMessage({ pruned: 0, more: false, error: String((err && err.message) || err) });
    }
  } else if (m.close) {
    db.close();
    parentPort.postMessage({ closed: true });
  }
});
`;

interface WorkerReply {
  written?: number;
  pruned?: number;
  more?: boolean;
  closed?: boolean;
  error?: string;
}

/** The batching SQLite access-log sink, with its retention. */
export class AccessLogStore {
  /** Rows waiting, as the insert's positional values (in COLUMNS order). */
  private buffer: unknown[][] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private insert: Statement | undefined;
  private lastPrune = 0;
  private dropped = 0;
  private closed = false;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly now: () => number;

  // Worker mode (file databases).
  private worker: Worker | undefined;
  /** Messages sent to the worker and not answered yet; records among them. */
  private outstanding = 0;
  private inFlight = 0;
  /** Control requests under way (exclusive()): nothing is sent to the worker meanwhile. */
  private exclusiveCount = 0;
  /** Retention has more to delete: the next chunk goes out when the worker is free. */
  private pruneMore = false;
  /** Resolved when nothing is outstanding. */
  private waiters: Array<() => void> = [];
  private closeReply: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: AccessLogStoreOptions,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 500;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.now = options.now ?? Date.now;
    if (!options.inline && !store.sqlite.memory) this.startWorker();
  }

  /** The sink to give the gateway: constant work per request, no I/O. */
  readonly sink: AccessLogSink = (record) => {
    if (!record.appId || this.closed) return;
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++; // the database is not keeping up: newer records are the ones dropped
      return;
    }
    this.buffer.push(toValues(record));
    if (this.buffer.length >= this.batchSize) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.tryWrite();
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.tryWrite();
      }, this.flushIntervalMs);
      this.timer.unref();
    }
  };

  /** Records not written yet (buffered, or with the writer thread). */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  /** Whether writes run in a worker thread (file databases). */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Runs `fn` (a control request, whose transactions use the main connection) while no
   * access-log write is under way on the worker's connection; batches wait until it is done.
   */
  async exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    if (!this.worker) return fn();
    this.exclusiveCount++;
    try {
      if (this.outstanding > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      return await fn();
    } finally {
      if (--this.exclusiveCount === 0) this.pump(true);
    }
  }

  /** Writes everything buffered now (waiting for an open transaction to end). Tests call it instead of sleeping. */
  async flush(): Promise<void> {
    if (!this.worker) {
      while (this.buffer.length) {
        if (!this.writeNow()) await new Promise((r) => setTimeout(r, 2));
      }
      return;
    }
    for (;;) {
      this.pump(true);
      if (this.buffer.length === 0 && this.outstanding === 0) return;
      if (!this.worker) return this.flush(); // the worker failed: write here
      await new Promise<void>((resolve) => (this.outstanding > 0 ? this.waiters.push(resolve) : setTimeout(resolve, 2)));
    }
  }

  /** Stops accepting records, writes what is buffered and applies retention. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    const worker = this.worker;
    if (worker) {
      this.prune();
      for (;;) {
        if (this.outstanding === 0) this.pump();
        if (this.outstanding === 0) break; // nothing more to do (or a control request holds the database)
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      const closed = new Promise<void>((resolve) => (this.closeReply = resolve));
      worker.postMessage({ close: true });
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      this.worker = undefined;
      await worker.terminate();
      return;
    }
    if (!this.store.sqlite.inTransaction) this.prune();
  }

  /** Deletes records beyond the retention (older than `days`, or beyond the newest `records`). */
  prune(): void {
    this.lastPrune = this.now();
    if (this.worker) {
      this.pruneMore = true;
      this.pump();
      return;
    }
    const { days, records } = this.options.retention;
    if (days) this.store.sqlite.prepare("DELETE FROM access_logs WHERE time < ?").run(this.now() - days * DAY_MS);
    if (records) {
      this.store.sqlite.prepare("DELETE FROM access_logs WHERE seq <= (SELECT MAX(seq) FROM access_logs) - ?").run(records);
    }
  }

  private tryWrite(): void {
    if (!this.buffer.length) return;
    if (this.worker) return this.pump(true);
    if (!this.writeNow()) {
      // An action's transaction holds the connection: try again shortly.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.tryWrite();
      }, 5);
      this.timer.unref();
    }
  }

  /** Writes the buffer in one transaction; false when a transaction is open on the connection. */
  private writeNow(): boolean {
    const sqlite = this.store.sqlite;
    if (sqlite.inTransaction) return false;
    if (!sqlite.open) {
      this.buffer = [];
      return true;
    }
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.insert ??= sqlite.prepare(INSERT_SQL);
      const insert = this.insert;
      sqlite.transaction((rows: unknown[][]) => {
        for (const row of rows) insert.run(row);
      })(batch);
      this.reportDropped();
      if (this.now() - this.lastPrune >= PRUNE_EVERY_MS) this.prune();
    } catch (err) {
      log.error("access log: writing records failed; they are lost", { records: batch.length, error: String(err) });
    }
    return true;
  }

  private reportDropped(): void {
    if (this.dropped) {
      log.warn("access log: records dropped while the database could not be written", { dropped: this.dropped });
      this.dropped = 0;
    }
  }

  // -------------------------------------------------------------------------------------
  // The writer thread
  // -------------------------------------------------------------------------------------

  private startWorker(): void {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          file: this.store.sqlite.name,
          sqlitePath: createRequire(import.meta.url).resolve("better-sqlite3"),
          insertSql: INSERT_SQL,
          pruneChunk: PRUNE_CHUNK,
        },
        // Not a loader's business: plain CommonJS.
        execArgv: [],
      });
    } catch (err) {
      log.warn("access log: no writer thread, writing on the main thread", { error: String(err) });
      return;
    }
    worker.unref();
    worker.on("message", (m: WorkerReply) => this.onWorkerReply(m));
    worker.on("error", (err) => this.workerFailed(worker, err));
    worker.on("exit", (code) => {
      if (this.worker === worker) this.workerFailed(worker, new Error(`writer thread exited with code ${code}`));
    });
    this.worker = worker;
  }

  /** The worker is gone: what it had is lost, writing goes on here. */
  private workerFailed(worker: Worker, err: unknown): void {
    if (this.worker !== worker) return;
    log.error("access log: the writer thread failed; writing on the main thread", { error: String(err), lost: this.inFlight });
    this.worker = undefined;
    this.outstanding = this.inFlight = 0;
    this.pruneMore = false;
    this.release();
    this.closeReply?.();
    if (this.buffer.length) this.tryWrite();
  }

  private onWorkerReply(m: WorkerReply): void {
    if (m.closed) return this.closeReply?.();
    this.outstanding--;
    if (m.written !== undefined) {
      this.inFlight -= m.written;
      if (m.error) log.error("access log: writing records failed; they are lost", { records: m.written, error: m.error });
      else this.reportDropped();
    }
    if (m.pruned !== undefined) {
      this.pruneMore = m.more === true;
      if (m.error) log.error("access log: applying the retention failed", { error: m.error });
    }
    // Whatever gathered while the worker wrote goes now: batches follow the worker's pace, and
    // rows wait in memory for milliseconds (they die young, which keeps the scavenges short).
    // (Holding small batches back for the timer measured worse: bigger clones, older rows.)
    this.pump(true);
    if (this.outstanding === 0) this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Sends the worker what is due, unless a control request holds the database: a retention
   * step, and the buffered rows when `rows` (the timer fired, a flush, the worker finished a
   * batch) or a batch is full.
   */
  private pump(rows = false): void {
    const worker = this.worker;
    if (!worker || this.exclusiveCount > 0) return;
    if (this.buffer.length && this.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = this.now();
      this.pruneMore = true;
    }
    // One retention step at a time (each a short transaction), taking turns with the batches,
    // so that neither the log nor a control request waits long behind a big deletion.
    if (this.pruneMore && this.outstanding === 0) {
      const { days, records } = this.options.retention;
      this.pruneMore = false;
      if (days || records) {
        this.outstanding++;
        worker.postMessage({ prune: { before: days ? this.now() - days * DAY_MS : undefined, records } });
      }
    }
    if (this.buffer.length >= (rows ? 1 : this.batchSize)) {
      const batch = this.buffer;
      this.buffer = [];
      this.outstanding++;
      this.inFlight += batch.length;
      worker.postMessage({ rows: batch });
    }
  }
}

/** `host:port` of a backend origin (`http://127.0.0.1:3000` → `127.0.0.1:3000`), remembered per origin. */
const upstreamHosts = new Map<string, string>();
function upstreamHost(origin: string | undefined): string {
  if (!origin) return "";
  let host = upstreamHosts.get(origin);
  if (host === undefined) {
    host = origin.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    if (upstreamHosts.size < 10_000) upstreamHosts.set(origin, host);
  }
  return host;
}

const PID = process.pid;

/** A record as the insert's values, in COLUMNS order (keep the two lists together). */
function toValues(r: AccessLogRecord): unknown[] {
  return [
    r.appId,
    r.region,
    r.serviceId,
    Math.floor(r.time),
    r.requestId,
    r.apiId,
    r.environment,
    r.host,
    r.path,
    r.scheme ?? "http",
    r.method,
    r.status,
    r.backendStatus ?? null,
    r.clientIp,
    upstreamHost(r.upstreamAddr),
    r.serverAddr ?? "",
    r.requestLength ?? null,
    r.responseLength ?? null,
    Math.round(r.latencyMs * 1000) / 1000,
    r.errorMessage,
    PID,
  ];
}

// ---------------------------------------------------------------------------------------
// Search (DescribeLogSearch)
// ---------------------------------------------------------------------------------------

/** The fields LogQuerys may name, with the column each reads. */
const TEXT_FIELDS = { req_id: "request_id", api_id: "api_id", cip: "client_ip", uip: "upstream_addr", err_msg: "error_message" } as const;
const NUMBER_FIELDS = { rsp_st: "status", req_t: "latency_ms" } as const;
const TEXT_OPERATORS = ["=", "!=", ":"] as const;
const NUMBER_OPERATORS = ["=", "!=", ":", ">", "<", ">=", "<="] as const;

export const LOG_QUERY_FIELDS = [...Object.keys(TEXT_FIELDS), ...Object.keys(NUMBER_FIELDS)];

export interface LogQuery {
  Name: string;
  Operator: string;
  Value: string;
}

export type LogSort = "asc" | "desc";

/** Where the previous page ended; carried opaquely in ConText. */
interface Cursor {
  /** time and seq of the last record returned */
  t: number;
  s: number;
  /** records returned so far (ConText pages end at MAX_RESULTS) */
  n: number;
  o: LogSort;
}

/** ConText can page through at most this many records (document: 最多可获取10000条). */
export const MAX_RESULTS = 10_000;
/** The documented "no more results" ConText: a single space. */
export const NO_MORE = " ";

export interface LogSearch {
  serviceId: string;
  start: number;
  end: number;
  queries: LogQuery[];
  limit: number;
  sort: LogSort;
  conText?: string;
}

/** One page of matching records as LogSet lines, and the ConText of the next page. */
export async function searchAccessLogs(db: Db, scope: Scope, search: LogSearch): Promise<{ lines: string[]; conText: string }> {
  const cursor = search.conText !== undefined && search.conText.trim() !== "" ? decodeCursor(search.conText) : undefined;
  const sort = cursor?.o ?? search.sort;
  const returned = cursor?.n ?? 0;
  const limit = Math.min(search.limit, MAX_RESULTS - returned);
  if (limit <= 0) return { lines: [], conText: NO_MORE };

  let q = db
    .selectFrom("access_logs")
    .selectAll()
    .where("app_id", "=", scope.appId)
    .where("region", "=", scope.region)
    .where("service_id", "=", search.serviceId)
    .where("time", ">=", search.start)
    .where("time", "<=", search.end);
  for (const query of search.queries) q = q.where(condition(query));
  if (cursor) {
    const cmp = sort === "asc" ? ">" : "<";
    q = q.where((eb) => eb.or([eb("time", cmp, cursor.t), eb.and([eb("time", "=", cursor.t), eb("seq", cmp, cursor.s)])]));
  }
  const rows = await q.orderBy("time", sort).orderBy("seq", sort).limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const more = rows.length > limit && returned + page.length < MAX_RESULTS;
  const last = page[page.length - 1];
  return {
    lines: page.map(formatLogLine),
    conText: more && last ? encodeCursor({ t: last.time, s: last.seq, n: returned + page.length, o: sort }) : NO_MORE,
  };
}

/** A LogQuery as a WHERE condition; a bad field, operator or value answers InvalidParameterValue. */
function condition(query: LogQuery): Expression<SqlBool> {
  const { Name: name, Operator: op, Value: value } = query;
  const bad = (why: string) => new ApiError("InvalidParameterValue", `The value of parameter \`LogQuerys\` is invalid: ${why}.`);
  if (name in TEXT_FIELDS) {
    const column = sql.ref(TEXT_FIELDS[name as keyof typeof TEXT_FIELDS]);
    if (!(TEXT_OPERATORS as readonly string[]).includes(op)) {
      throw bad(`field \`${name}\` supports the operators ${TEXT_OPERATORS.join(" ")}, not \`${op}\``);
    }
    if (op === ":") return sql<SqlBool>`instr(${column}, ${value}) > 0`;
    return sql<SqlBool>`${column} ${sql.raw(op)} ${value}`;
  }
  if (name in NUMBER_FIELDS) {
    const column = sql.ref(NUMBER_FIELDS[name as keyof typeof NUMBER_FIELDS]);
    if (!(NUMBER_OPERATORS as readonly string[]).includes(op)) {
      throw bad(`field \`${name}\` supports the operators ${NUMBER_OPERATORS.join(" ")}, not \`${op}\``);
    }
    // req_t is in seconds, as the log line shows it; the column holds milliseconds.
    if (op === ":") {
      // Contains, on the value as the log line shows it (status 502 contains "50").
      const shown = name === "req_t" ? sql`printf('%.3f', ${column} / 1000.0)` : sql`CAST(${column} AS TEXT)`;
      return sql<SqlBool>`instr(${shown}, ${value}) > 0`;
    }
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) throw bad(`field \`${name}\` compares numbers; \`${value}\` is not one`);
    return sql<SqlBool>`${column} ${sql.raw(op)} ${name === "req_t" ? n * 1000 : n}`;
  }
  throw bad(`\`${name}\` is not a searchable field; use one of ${LOG_QUERY_FIELDS.join(", ")}`);
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Cursor;
    if (Number.isInteger(c.t) && Number.isInteger(c.s) && Number.isInteger(c.n) && (c.o === "asc" || c.o === "desc")) return c;
  } catch {
    // falls through
  }
  throw new ApiError("InvalidParameterValue", "The value of parameter `ConText` is invalid: pass the ConText a previous DescribeLogSearch answered.");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** nginx's $time_local, in UTC: `23/Nov/2026:18:18:38 +0000`. */
export function timeLocal(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const orDash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "-" : String(v).replace(/[\r\n]+/g, " "));

/**
 * One LogSet line in the documented log_format (DescribeLogSearch, DATAPLANE §9.1):
 * `[$app_id][$env_name][$service_id][$http_host][$api_id][$uri][$scheme][rsp_st:…][ups_st:…]`
 * `[cip:…][uip:…][vip:…][rsp_len:…][req_len:…][req_t:…][ups_rsp_t:…][ups_conn_t:…][ups_head_t:…]`
 * `[err_msg:…][tcp_rtt:…][$pid][$time_local][req_id:…]`. Values this gateway does not measure
 * (backend timings, TCP RTT) and empty ones are `-`, as nginx prints them; times are seconds.
 */
export function formatLogLine(r: Selectable<AccessLogRow>): string {
  return (
    `[${orDash(r.app_id)}][${orDash(r.environment)}][${orDash(r.service_id)}][${orDash(r.host)}][${orDash(r.api_id)}][${orDash(r.uri)}][${r.scheme}]` +
    `[rsp_st:${r.status}][ups_st:${orDash(r.backend_status)}]` +
    `[cip:${orDash(r.client_ip)}][uip:${orDash(r.upstream_addr)}][vip:${orDash(r.server_addr)}][rsp_len:${orDash(r.response_length)}][req_len:${orDash(r.request_length)}]` +
    `[req_t:${(r.latency_ms / 1000).toFixed(3)}][ups_rsp_t:-][ups_conn_t:-][ups_head_t:-]` +
    `[err_msg:${orDash(r.error_message)}][tcp_rtt:-][${r.pid}][${timeLocal(r.time)}][req_id:${r.request_id}]`
  );
}

/**
 * A Datetime parameter: `YYYY-MM-DD hh:mm:ss` (read as UTC, like every time this API
 * answers), ISO 8601 with `T` and an optional zone, or Unix seconds. Epoch milliseconds.
 */
export function parseLogTime(value: string, parameter: string): number {
  const v = value.trim();
  let ms = NaN;
  if (/^\d{9,11}$/.test(v)) ms = Number(v) * 1000;
  else {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(v) ?? /^(\d{4}-\d{2}-\d{2})()()$/.exec(v);
    if (m) ms = Date.parse(`${m[1]}T${m[2] || "00:00:00"}${m[3] || "Z"}`);
  }
  if (!Number.isFinite(ms)) {
    throw new ApiError("InvalidParameterValue", `The value of parameter \`${parameter}\` is invalid: \`${value}\` is not a time such as 2024-01-02 15:04:05 (UTC).`);
  }
  return ms;
}
