/**
 * The typed apigw client: one async method per registered action (generated into
 * ./generated.ts by `npm run client`), signed with TC3-HMAC-SHA256 by default or v1
 * (HmacSHA1 / HmacSHA256), sent with `fetch`.
 *
 *   import { ApigwClient, ApigwError } from "apigw";
 *   const client = new ApigwClient({ endpoint: "http://127.0.0.1:9000", secretId, secretKey });
 *   const { ServiceId } = await client.CreateService({ ServiceName: "demo", Protocol: "http" });
 *
 * Every failure is thrown as an ApigwError: the server's `Error.Code` / `Error.Message` and
 * the answer's RequestId, or a `ClientError.*` code when no answer envelope came back.
 */
import { randomInt } from "node:crypto";
import { tc3CanonicalRequest, tc3Sign, tc3StringToSign, utcDate, v1Sign, v1StringToSign } from "../control/signature.js";
import { GeneratedClient, type ActionInputs, type ActionName, type ActionOutputs } from "./generated.js";

export { actionNames, type ActionInputs, type ActionName, type ActionOutputs } from "./generated.js";

export const API_VERSION = "2018-08-08";
/** The service named in the TC3 credential scope. */
const TC3_SERVICE = "apigateway";

export type SignMethod = "TC3-HMAC-SHA256" | "HmacSHA1" | "HmacSHA256";

export interface ApigwClientOptions {
  /** The control API, e.g. `http://127.0.0.1:9000` (`127.0.0.1:9000` means http). */
  endpoint: string;
  secretId: string;
  secretKey: string;
  /** Default `ap-guangzhou`. */
  region?: string;
  /** Default `TC3-HMAC-SHA256`. */
  signMethod?: SignMethod;
  /** Default `POST` (JSON body for TC3, form body for v1); `GET` puts the parameters in the query. */
  reqMethod?: "POST" | "GET";
  /** Temporary-credential token (X-TC-Token / Token). */
  token?: string;
  /** X-TC-Language / Language, e.g. `en-US`. */
  language?: string;
  /** Abort a call after this many milliseconds (default 60 000): `ClientError.Timeout`. */
  timeoutMs?: number;
  /** Another fetch implementation (tests, proxies). */
  fetch?: typeof fetch;
}

/** The one error class the client throws. */
export class ApigwError extends Error {
  override readonly name = "ApigwError";
  constructor(
    /** The server's `Error.Code` (`ResourceNotFound.InvalidService`, …) or `ClientError.*`. */
    readonly code: string,
    message: string,
    /** The answer's RequestId ("" when no answer envelope came back). */
    readonly requestId: string,
    /** The HTTP status, when an HTTP answer came back. */
    readonly status?: number,
  ) {
    super(message);
  }
}

type Params = Record<string, unknown>;

/** Nested parameters as the v1 and GET forms send them: `Tags.0.Key=env`, `Filters.0.Values.1=x`. */
export function flattenParams(params: Params, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item !== null && typeof item === "object") flattenParams(item as Params, `${name}.${i}`, out);
        else if (item !== undefined && item !== null) out[`${name}.${i}`] = String(item);
      });
    } else if (typeof value === "object") {
      flattenParams(value as Params, name, out);
    } else {
      out[name] = String(value);
    }
  }
  return out;
}

export class ApigwClient extends GeneratedClient {
  readonly endpoint: URL;
  readonly region: string;
  readonly signMethod: SignMethod;
  private readonly options: ApigwClientOptions;

  constructor(options: ApigwClientOptions) {
    super();
    if (!options.secretId || !options.secretKey) throw new TypeError("ApigwClient needs a secretId and a secretKey");
    const raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(options.endpoint) ? options.endpoint : `http://${options.endpoint}`;
    this.endpoint = new URL(raw);
    if (this.endpoint.protocol !== "http:" && this.endpoint.protocol !== "https:") {
      throw new TypeError(`ApigwClient endpoint must be http(s), got ${options.endpoint}`);
    }
    this.region = options.region ?? "ap-guangzhou";
    this.signMethod = options.signMethod ?? "TC3-HMAC-SHA256";
    if (!["TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"].includes(this.signMethod)) {
      throw new TypeError(`signMethod must be TC3-HMAC-SHA256, HmacSHA1 or HmacSHA256, got ${this.signMethod}`);
    }
    this.options = options;
  }

  /**
   * Calls any action by name: typed for the registered ones, untyped for the others (an
   * action this client was generated without still goes through).
   */
  request<A extends ActionName>(action: A, params: ActionInputs[A]): Promise<ActionOutputs[A]>;
  request(action: string, params?: Params): Promise<Params & { RequestId: string }>;
  async request(action: string, params: unknown = {}): Promise<unknown> {
    const init = this.sign(action, (params ?? {}) as Params);
    const fetchFn = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await fetchFn(init.url, { method: init.method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
    } catch (e) {
      const err = e as Error;
      if (err.name === "TimeoutError") throw new ApigwError("ClientError.Timeout", `${action}: no answer from ${this.endpoint.origin} within ${this.options.timeoutMs ?? 60_000} ms`, "");
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApigwError("ClientError.NetworkError", `${action}: cannot reach ${this.endpoint.origin}: ${cause?.code ?? cause?.message ?? err.message}`, "");
    }
    const text = await res.text();
    let body: { Response?: { Error?: { Code?: string; Message?: string }; RequestId?: string } & Params } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const response = body?.Response;
    if (res.status !== 200 || !response || typeof response !== "object") {
      throw new ApigwError(
        "ClientError.HttpError",
        `${action}: HTTP ${res.status} without a Response envelope: ${text.slice(0, 200)}`,
        typeof response?.RequestId === "string" ? response.RequestId : "",
        res.status,
      );
    }
    if (response.Error) {
      throw new ApigwError(String(response.Error.Code ?? "InternalError"), String(response.Error.Message ?? ""), String(response.RequestId ?? ""), res.status);
    }
    return response;
  }

  protected override send(action: string, params: unknown): Promise<unknown> {
    return this.request(action, params as Params);
  }

  /** The signed HTTP request for one call (exposed for debugging and for the CLI's --dry-run). */
  sign(action: string, params: Params): { url: string; method: "POST" | "GET"; headers: Record<string, string>; body?: string } {
    const method = this.options.reqMethod ?? "POST";
    const timestamp = Math.floor(Date.now() / 1000);
    const host = this.endpoint.host;
    const path = this.endpoint.pathname || "/";
    const base = `${this.endpoint.protocol}//${host}${path}`;
    const { secretId, secretKey, token, language } = this.options;

    if (this.signMethod === "TC3-HMAC-SHA256") {
      const contentType = method === "GET" ? "application/x-www-form-urlencoded" : "application/json";
      const query = method === "GET" ? new URLSearchParams(flattenParams(params)).toString() : "";
      const body = method === "GET" ? "" : JSON.stringify(params);
      const date = utcDate(timestamp);
      const canonical = tc3CanonicalRequest({
        method,
        query,
        headers: [
          ["content-type", contentType],
          ["host", host],
        ],
        payload: body,
      });
      const signature = tc3Sign(secretKey, date, TC3_SERVICE, tc3StringToSign(timestamp, date, TC3_SERVICE, canonical));
      const headers: Record<string, string> = {
        "Content-Type": contentType,
        Authorization: `TC3-HMAC-SHA256 Credential=${secretId}/${date}/${TC3_SERVICE}/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
        "X-TC-Action": action,
        "X-TC-Version": API_VERSION,
        "X-TC-Region": this.region,
        "X-TC-Timestamp": String(timestamp),
      };
      if (token) headers["X-TC-Token"] = token;
      if (language) headers["X-TC-Language"] = language;
      return method === "GET" ? { url: query ? `${base}?${query}` : base, method, headers } : { url: base, method, headers, body };
    }

    const all: Record<string, string> = {
      ...flattenParams(params),
      Action: action,
      Version: API_VERSION,
      Region: this.region,
      Timestamp: String(timestamp),
      Nonce: String(randomInt(1, 2 ** 31 - 1)),
      SecretId: secretId,
      SignatureMethod: this.signMethod,
    };
    if (token) all.Token = token;
    if (language) all.Language = language;
    all.Signature = v1Sign(v1StringToSign(method, `${host}${path}`, all), secretKey, this.signMethod);
    const form = new URLSearchParams(all).toString();
    return method === "GET"
      ? { url: `${base}?${form}`, method, headers: {} }
      : { url: base, method, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form };
  }
}
