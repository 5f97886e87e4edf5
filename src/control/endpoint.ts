/**
 * The control API's HTTP endpoint: `POST /` and `GET /` only. Every answer is HTTP 200 with a
 * JSON `Response` envelope (the SDK ignores bodies of other statuses); the caller's
 * X-TC-TraceId is echoed back.
 */
import { Hono } from "hono";
import { newId } from "../ids.js";
import { ApiError } from "./errors.js";
import { errorEnvelope, type Dispatcher, type Envelope } from "./dispatch.js";
import { SIZE_LIMITS, bodyLimitFor, decodeRequest } from "./request.js";

class TooLarge extends Error {}

async function readBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function createControlApp(dispatcher: Dispatcher): Hono {
  const app = new Hono();
  app.all("/", async (c) => {
    const traceId = c.req.header("x-tc-traceid");
    const headers: Record<string, string> = traceId ? { "X-TC-TraceId": traceId } : {};
    const reply = (env: Envelope) => c.json(env, 200, headers);
    const method = c.req.method;
    const fail = (code: string, message: string) => reply(errorEnvelope(new ApiError(code, message), newId.requestId()));
    if (method !== "GET" && method !== "POST") {
      return fail("UnsupportedProtocol", `HTTP method ${method} is not supported: use GET or POST.`);
    }
    const url = c.req.url.slice(c.req.url.indexOf("/", c.req.url.indexOf("//") + 2));
    if (method === "GET" && url.length > SIZE_LIMITS.getUrl) {
      return fail("RequestSizeLimitExceeded", `The request URL is larger than ${SIZE_LIMITS.getUrl / 1024} KB: send large requests with POST.`);
    }
    const limit = bodyLimitFor(method, c.req.raw.headers);
    const declared = Number(c.req.header("content-length") ?? 0);
    let body: Uint8Array;
    try {
      if (declared > limit && method === "POST") throw new TooLarge();
      body = method === "POST" ? await readBody(c.req.raw.body, limit) : new Uint8Array();
    } catch (e) {
      if (e instanceof TooLarge) {
        return fail("RequestSizeLimitExceeded", `The request body is larger than ${limit / 1024 / 1024} MB, the limit for this signature method.`);
      }
      throw e;
    }
    const envelope = await dispatcher.handle(() => decodeRequest({ method, url, headers: c.req.raw.headers, body }));
    return reply(envelope);
  });
  app.notFound((c) => c.json({ message: "Not Found: the control API answers at / only" }, 404));
  app.onError((e, c) => c.json(errorEnvelope(e, newId.requestId()), 200));
  return app;
}
