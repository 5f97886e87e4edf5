/**
 * Access logs and DescribeLogSearch: real gateway requests (proxied, backend errors, no route,
 * authentication refused), written by the batching SQLite sink (flushed explicitly, never
 * waited for), searched through the official SDK with every operator, both sorts, ConText
 * paging and the 10,000-record cap; the sink's batching, transaction handling and retention.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLogRetention } from "../src/config.js";
import type { AccessLogRecord } from "../src/gateway/access-log.js";
import { AccessLogStore, formatLogLine, parseLogTime, timeLocal } from "../src/resources/accessLogs.js";
import { openStore } from "../src/store/db.js";
import { plainTime } from "../src/time.js";
import { call, releasedService, startEchoBackend } from "./gateway-calls.js";
import { sdkError, startTestServer, type ApigatewayClient, type TestServer } from "./helpers.js";

const OTHER = { appId: "1300000099", secretId: "AKIDlogSearchOtherAccount0000000", secretKey: "logSearchOtherAccountKey" };

let s: TestServer;
let c: ApigatewayClient;
let backend: Awaited<ReturnType<typeof startEchoBackend>>;
let svc: { serviceId: string; domain: string; apiIds: string[] };
let appId: string;
/** Request ids in the order the requests were made, with what each was. */
const made: Array<{ id: string; kind: "ok" | "502" | "404" | "401" }> = [];
let start: Date;
let end: Date;

beforeAll(async () => {
  backend = await startEchoBackend();
  s = await startTestServer({}, { APIGW_CREDENTIALS: `${OTHER.appId}:${OTHER.secretId}:${OTHER.secretKey}` });
  c = s.client();
  appId = s.apigw.defaultKey.account.appId;
  svc = await releasedService(c, backend.url, [{ path: "/ok" }, { path: "/secret", auth: "SECRET" }]);
  start = new Date(Date.now() - 1000);
  const gw = async (kind: (typeof made)[number]["kind"], path: string, headers: Record<string, string> = {}) => {
    const r = await call(s.apigw.gatewayPort, svc.domain, path, { headers });
    made.push({ id: r.headers["x-api-requestid"] as string, kind });
  };
  // 25 requests: 20 proxied with 200, 2 backend 502s, 2 without a route, 1 refused signature.
  for (let i = 0; i < 10; i++) await gw("ok", `/release/ok?i=${i}`);
  await gw("502", "/release/ok", { "x-test-status": "502" });
  await gw("404", "/release/missing");
  for (let i = 10; i < 20; i++) await gw("ok", `/release/ok?i=${i}`);
  await gw("401", "/release/secret");
  await gw("502", "/release/ok", { "x-test-status": "502" });
  await gw("404", "/release/also-missing");
  await s.apigw.accessLogs.flush();
  end = new Date(Date.now() + 1000);
});
afterAll(async () => {
  await s.close();
  await backend.close();
});

type Query = { Name: string; Operator: string; Value: string };

function search(extra: { LogQuerys?: Query[]; Limit?: number; ConText?: string; Sort?: string; ServiceId?: string; StartTime?: string; EndTime?: string } = {}, client = c) {
  return client.DescribeLogSearch({ StartTime: plainTime(start), EndTime: plainTime(end), ServiceId: svc.serviceId, Limit: 100, ...extra });
}

const reqId = (line: string) => /\[req_id:([^\]]+)\]$/.exec(line)![1]!;
const idsOf = (kind: (typeof made)[number]["kind"]) => made.filter((m) => m.kind === kind).map((m) => m.id);
async function ids(LogQuerys: Query[]): Promise<string[]> {
  return (await search({ LogQuerys, Sort: "asc" })).LogSet!.map(reqId);
}

describe("access-log records", () => {
  it("every request leaves one line in the documented format", async () => {
    const all = await search({ Sort: "asc" });
    expect(all.TotalCount).toBe(25);
    expect(all.LogSet).toHaveLength(25);
    expect(all.ConText).toBe(" ");
    expect(all.LogSet!.map(reqId)).toEqual(made.map((m) => m.id));

    const [first] = all.LogSet!;
    const okApi = svc.apiIds[0]!;
    const line = new RegExp(
      String.raw`^\[${appId}\]\[release\]\[${svc.serviceId}\]\[${svc.domain.replace(/\./g, "\\.")}\]\[${okApi}\]\[/release/ok\]\[http\]\[rsp_st:200\]\[ups_st:200\]` +
        String.raw`\[cip:127\.0\.0\.1\]\[uip:127\.0\.0\.1:\d+\]\[vip:127\.0\.0\.1:${s.apigw.gatewayPort}\]\[rsp_len:\d+\]\[req_len:\d+\]` +
        String.raw`\[req_t:\d+\.\d{3}\]\[ups_rsp_t:-\]\[ups_conn_t:-\]\[ups_head_t:-\]` +
        String.raw`\[err_msg:-\]\[tcp_rtt:-\]\[${process.pid}\]\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\]\[req_id:${made[0]!.id}\]$`,
    );
    expect(first).toMatch(line);
    const lengths = /\[rsp_len:(\d+)\]\[req_len:(\d+)\]/.exec(first!)!;
    expect(Number(lengths[1])).toBeGreaterThan(100); // headers and body
    expect(Number(lengths[2])).toBeGreaterThan(50);

    const byId = new Map(all.LogSet!.map((l) => [reqId(l), l]));
    const noRoute = byId.get(idsOf("404")[0]!)!;
    expect(noRoute).toContain("[rsp_st:404][ups_st:-]");
    expect(noRoute).toContain("][-][/release/missing]"); // no API
    expect(noRoute).toContain("[uip:-]");
    expect(noRoute).toMatch(/\[err_msg:There is no api match[^\]]*\]/);
    expect(byId.get(idsOf("502")[0]!)).toContain("[rsp_st:502][ups_st:502]");
    expect(byId.get(idsOf("401")[0]!)).toMatch(/\[rsp_st:401\]\[ups_st:-\].*\[err_msg:HMAC signature cannot be verified/);
  });
});

describe("DescribeLogSearch", () => {
  it("filters with every documented operator", async () => {
    const target = made[3]!.id;
    expect(await ids([{ Name: "req_id", Operator: "=", Value: target }])).toEqual([target]);
    expect(await ids([{ Name: "req_id", Operator: "!=", Value: target }])).toHaveLength(24);
    expect(await ids([{ Name: "api_id", Operator: "=", Value: svc.apiIds[1]! }])).toEqual(idsOf("401"));
    expect(await ids([{ Name: "cip", Operator: "=", Value: "127.0.0.1" }])).toHaveLength(25);
    expect(await ids([{ Name: "cip", Operator: "=", Value: "10.0.0.1" }])).toEqual([]);
    expect(await ids([{ Name: "uip", Operator: ":", Value: "127.0.0.1" }])).toEqual(made.filter((m) => m.kind === "ok" || m.kind === "502").map((m) => m.id));
    expect(await ids([{ Name: "err_msg", Operator: ":", Value: "no api match" }])).toEqual(idsOf("404"));
    const message = (await search({ LogQuerys: [{ Name: "req_id", Operator: "=", Value: idsOf("401")[0]! }] })).LogSet![0]!.match(/\[err_msg:([^\]]*)\]/)![1]!;
    expect(await ids([{ Name: "err_msg", Operator: "=", Value: message }])).toEqual(idsOf("401"));

    expect(await ids([{ Name: "rsp_st", Operator: "=", Value: "502" }])).toEqual(idsOf("502"));
    expect(await ids([{ Name: "rsp_st", Operator: "!=", Value: "200" }])).toEqual(made.filter((m) => m.kind !== "ok").map((m) => m.id));
    expect(await ids([{ Name: "rsp_st", Operator: ">", Value: "404" }])).toEqual(idsOf("502"));
    expect(await ids([{ Name: "rsp_st", Operator: "<", Value: "300" }])).toEqual(idsOf("ok"));
    expect(await ids([{ Name: "rsp_st", Operator: ":", Value: "40" }])).toEqual(made.filter((m) => m.kind === "404" || m.kind === "401").map((m) => m.id));
    // Several conditions all hold.
    const between = [
      { Name: "rsp_st", Operator: ">=", Value: "401" },
      { Name: "rsp_st", Operator: "<=", Value: "404" },
    ];
    expect(await ids(between)).toEqual(made.filter((m) => m.kind === "404" || m.kind === "401").map((m) => m.id));

    expect(await ids([{ Name: "req_t", Operator: ">=", Value: "0" }])).toHaveLength(25);
    expect(await ids([{ Name: "req_t", Operator: "<=", Value: "60" }])).toHaveLength(25);
    expect(await ids([{ Name: "req_t", Operator: ">=", Value: "60" }])).toEqual([]);
  });

  it("sorts by time, newest first unless asc", async () => {
    const desc = (await search({ Limit: undefined })).LogSet!.map(reqId);
    expect(desc).toEqual(made.map((m) => m.id).reverse().slice(0, 20)); // default Limit 20
    const asc = (await search({ Sort: "asc", Limit: 5 })).LogSet!.map(reqId);
    expect(asc).toEqual(made.slice(0, 5).map((m) => m.id));
  });

  it("pages with ConText until it answers a single space", async () => {
    for (const sort of ["asc", "desc"]) {
      const seen: string[] = [];
      let conText: string | undefined;
      let pages = 0;
      do {
        const page = await search({ Limit: 7, Sort: sort, ConText: conText, LogQuerys: [{ Name: "rsp_st", Operator: "!=", Value: "401" }] });
        expect(page.TotalCount).toBe(page.LogSet!.length);
        expect(page.TotalCount).toBeLessThanOrEqual(7);
        seen.push(...page.LogSet!.map(reqId));
        conText = page.ConText;
        pages++;
      } while (conText !== " ");
      expect(pages).toBe(4); // 24 records: 7 + 7 + 7 + 3
      const expected = made.filter((m) => m.kind !== "401").map((m) => m.id);
      expect(seen).toEqual(sort === "asc" ? expected : expected.reverse());
    }
  });

  it("is scoped to the service, the account and the time range", async () => {
    expect((await search({ ServiceId: "service-other000" })).TotalCount).toBe(0);
    const other = s.client({ secretId: OTHER.secretId, secretKey: OTHER.secretKey });
    expect((await search({}, other)).TotalCount).toBe(0);
    expect((await search({ EndTime: plainTime(new Date(start.getTime() - 60_000)), StartTime: plainTime(new Date(start.getTime() - 120_000)) })).TotalCount).toBe(0);
    expect((await search({ StartTime: start.toISOString(), EndTime: end.toISOString() })).TotalCount).toBe(25);
  });

  it("answers InvalidParameterValue for what it cannot search", async () => {
    const code = async (extra: Parameters<typeof search>[0]) => (await sdkError(() => search(extra))).code;
    expect(await code({ Limit: 101 })).toBe("InvalidParameterValue");
    expect(await code({ Sort: "up" })).toBe("InvalidParameterValue");
    expect(await code({ LogQuerys: [{ Name: "req_id", Operator: ">", Value: "x" }] })).toBe("InvalidParameterValue");
    expect(await code({ LogQuerys: [{ Name: "host", Operator: "=", Value: "x" }] })).toBe("InvalidParameterValue");
    expect(await code({ LogQuerys: [{ Name: "rsp_st", Operator: ">", Value: "five hundred" }] })).toBe("InvalidParameterValue");
    expect(await code({ ConText: "not-a-context" })).toBe("InvalidParameterValue");
    expect(await code({ StartTime: "yesterday" })).toBe("InvalidParameterValue");
    expect(await code({ StartTime: plainTime(end), EndTime: plainTime(start) })).toBe("InvalidParameterValue");
  });

  it("pages through at most 10,000 records", async () => {
    const serviceId = "service-manylogs";
    const t0 = Date.now() - 5000;
    for (let i = 0; i < 10_050; i++) s.apigw.accessLogs.sink(record({ appId, serviceId, requestId: `r${i}`, time: t0 + i / 10 }));
    await s.apigw.accessLogs.flush();
    let conText: string | undefined;
    let total = 0;
    let pages = 0;
    do {
      const page = await c.DescribeLogSearch({ StartTime: plainTime(new Date(t0 - 1000)), EndTime: plainTime(new Date()), ServiceId: serviceId, Limit: 100, Sort: "asc", ConText: conText });
      total += page.TotalCount!;
      conText = page.ConText;
      pages++;
    } while (conText !== " " && pages < 200);
    expect(total).toBe(10_000);
    expect(pages).toBe(100);
  });
});

function record(over: Partial<AccessLogRecord>): AccessLogRecord {
  return {
    requestId: "r",
    time: Date.now(),
    appId: "1",
    region: "ap-guangzhou",
    serviceId: "service-x",
    environment: "release",
    apiId: "api-x",
    host: "h",
    clientIp: "127.0.0.1",
    method: "GET",
    path: "/release/x",
    status: 200,
    backendStatus: 200,
    latencyMs: 1.5,
    errorMessage: "",
    ...over,
  };
}

describe("the batching sink", () => {
  it("buffers records, writes them on flush, waits for an open transaction, and skips records of no service", async () => {
    const store = await openStore(":memory:");
    const logs = new AccessLogStore(store, { retention: {}, flushIntervalMs: 60_000 });
    const count = async () => Number((await store.db.selectFrom("access_logs").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    logs.sink(record({ requestId: "a" }));
    logs.sink(record({ requestId: "unknown-host", appId: "", serviceId: "" }));
    expect(logs.pending).toBe(1);
    expect(await count()).toBe(0);

    let flushed: Promise<void> | undefined;
    await store.db.transaction().execute(async (trx) => {
      flushed = logs.flush();
      await trx.selectFrom("services").selectAll().execute();
      await new Promise((r) => setTimeout(r, 10));
      expect(logs.pending).toBe(1); // not written inside someone else's transaction
    });
    await flushed;
    expect(logs.pending).toBe(0);
    expect(await count()).toBe(1);
    await logs.close();
    logs.sink(record({ requestId: "after close" }));
    expect(logs.pending).toBe(0);
    await store.close();
  });

  it("writes a full batch without waiting for the timer", async () => {
    const store = await openStore(":memory:");
    const logs = new AccessLogStore(store, { retention: {}, flushIntervalMs: 60_000, batchSize: 3 });
    for (let i = 0; i < 3; i++) logs.sink(record({ requestId: `b${i}` }));
    await new Promise((r) => setImmediate(r));
    expect(logs.pending).toBe(0);
    await logs.close();
    await store.close();
  });

  it("keeps records within the retention: days and/or a count", async () => {
    expect(parseLogRetention(undefined)).toEqual({ days: 30, records: 1_000_000 });
    expect(parseLogRetention("7d")).toEqual({ days: 7 });
    expect(parseLogRetention("5000, 2d")).toEqual({ days: 2, records: 5000 });
    expect(() => parseLogRetention("0d")).toThrow(/APIGW_LOG_RETENTION/);
    expect(() => parseLogRetention("a week")).toThrow(/APIGW_LOG_RETENTION/);

    const store = await openStore(":memory:");
    const now = Date.UTC(2024, 0, 10);
    const logs = new AccessLogStore(store, { retention: { days: 2, records: 3 }, now: () => now });
    const day = 86_400_000;
    for (const [id, t] of [["old", now - 3 * day], ["r1", now - day], ["r2", now - 1000], ["r3", now - 500], ["r4", now - 100]] as const) {
      logs.sink(record({ requestId: id, time: t }));
    }
    await logs.flush(); // the first write prunes
    const left = await store.db.selectFrom("access_logs").select("request_id").orderBy("seq").execute();
    expect(left.map((r) => r.request_id)).toEqual(["r2", "r3", "r4"]);
    await logs.close();
    await store.close();
  });

  it("formats times and lines as documented", () => {
    expect(timeLocal(Date.UTC(2020, 8, 4, 6, 45, 44))).toBe("04/Sep/2020:06:45:44 +0000");
    expect(parseLogTime("2020-09-04 06:45:44", "StartTime")).toBe(Date.UTC(2020, 8, 4, 6, 45, 44));
    expect(parseLogTime("2020-09-04T14:45:44+08:00", "StartTime")).toBe(Date.UTC(2020, 8, 4, 6, 45, 44));
    expect(parseLogTime("1599201944", "StartTime")).toBe(Date.UTC(2020, 8, 4, 6, 45, 44));
    const line = formatLogLine({
      seq: 1,
      app_id: "1250000000",
      region: "ap-guangzhou",
      service_id: "service-abc",
      time: Date.UTC(2020, 8, 4, 6, 45, 44),
      request_id: "7808f8c1f97dd272179612feebde4266",
      api_id: "api-fy193s5m",
      environment: "release",
      host: "example.com",
      uri: "/release",
      scheme: "http",
      method: "GET",
      status: 200,
      backend_status: null,
      client_ip: "1.2.3.4",
      upstream_addr: "",
      server_addr: "10.0.0.1:80",
      request_length: 100,
      response_length: null,
      latency_ms: 12.3456,
      error_message: "line\nbreak",
      pid: 42,
    });
    expect(line).toBe(
      "[1250000000][release][service-abc][example.com][api-fy193s5m][/release][http][rsp_st:200][ups_st:-][cip:1.2.3.4][uip:-][vip:10.0.0.1:80][rsp_len:-][req_len:100]" +
        "[req_t:0.012][ups_rsp_t:-][ups_conn_t:-][ups_head_t:-][err_msg:line break][tcp_rtt:-][42][04/Sep/2020:06:45:44 +0000][req_id:7808f8c1f97dd272179612feebde4266]",
    );
  });
});
