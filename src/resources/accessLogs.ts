/**
 * Access logs: the gateway's records (DATAPLANE §9.1) kept in SQLite and searched by
 * DescribeLogSearch.
 *
 * Writing is off the request path: the sink only converts the record and appends it to an
 * in-memory buffer. A timer (every ~200 ms while records wait) or a full batch (500 records,
 * on the next tick) writes the buffer in one transaction with a prepared statement. While a
 * control action holds the (single) SQLite connection in a transaction the write waits a few
 * milliseconds and tries again, so a record never becomes part of an action's transaction.
 * Retention (APIGW_LOG_RETENTION: days and/or a record count) is applied after writes at most
 * once a minute, and at close. Records of requests that reached no service (unknown host)
 * belong to no account and are not kept.
 */
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

const PRUNE_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;

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

  constructor(
    private readonly store: Store,
    private readonly options: AccessLogStoreOptions,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 500;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.now = options.now ?? Date.now;
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

  /** Records waiting in memory. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered now (waiting for an open transaction to end). Tests call it instead of sleeping. */
  async flush(): Promise<void> {
    while (this.buffer.length) {
      if (!this.writeNow()) await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Stops accepting records, writes what is buffered and applies retention. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    if (!this.store.sqlite.inTransaction) this.prune();
  }

  /** Deletes records beyond the retention (older than `days`, or beyond the newest `records`). */
  prune(): void {
    const { days, records } = this.options.retention;
    this.lastPrune = this.now();
    if (days) this.store.sqlite.prepare("DELETE FROM access_logs WHERE time < ?").run(this.now() - days * DAY_MS);
    if (records) {
      this.store.sqlite.prepare("DELETE FROM access_logs WHERE seq <= (SELECT MAX(seq) FROM access_logs) - ?").run(records);
    }
  }

  private tryWrite(): void {
    if (!this.buffer.length) return;
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
      this.insert ??= sqlite.prepare(`INSERT INTO access_logs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`);
      const insert = this.insert;
      sqlite.transaction((rows: unknown[][]) => {
        for (const row of rows) insert.run(row);
      })(batch);
      if (this.dropped) {
        log.warn("access log: records dropped while the database could not be written", { dropped: this.dropped });
        this.dropped = 0;
      }
      if (this.now() - this.lastPrune >= PRUNE_EVERY_MS) this.prune();
    } catch (err) {
      log.error("access log: writing records failed; they are lost", { records: batch.length, error: String(err) });
    }
    return true;
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

/** A record as the insert's values, in COLUMNS order. */
function toValues(r: AccessLogRecord): unknown[] {
  const row: { [K in (typeof COLUMNS)[number]]: NewRow[K] } = {
    app_id: r.appId,
    region: r.region,
    service_id: r.serviceId,
    time: Math.floor(r.time),
    request_id: r.requestId,
    api_id: r.apiId,
    environment: r.environment,
    host: r.host,
    uri: r.path,
    scheme: r.scheme ?? "http",
    method: r.method,
    status: r.status,
    backend_status: r.backendStatus ?? null,
    client_ip: r.clientIp,
    upstream_addr: upstreamHost(r.upstreamAddr),
    server_addr: r.serverAddr ?? "",
    request_length: r.requestLength ?? null,
    response_length: r.responseLength ?? null,
    latency_ms: Math.round(r.latencyMs * 1000) / 1000,
    error_message: r.errorMessage,
    pid: process.pid,
  };
  return COLUMNS.map((c) => row[c]);
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
