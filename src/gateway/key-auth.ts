/**
 * Key-pair (SECRET) authentication of a gateway call, DATAPLANE §5.2, answering with the
 * messages of §9.3. In order:
 *
 *   1. Authorization present (once), `hmac id=…, algorithm=…, headers=…, signature=…`, the
 *      algorithm supported;
 *   2. `Date` or `X-Date` present; X-Date, when present, a date within 15 minutes of now
 *      (either way; `Date` alone is not checked, as documented);
 *   3. every signed header present, once;
 *   4. the key exists in the service's account and region and is enabled;
 *   5. the signature matches (constant-time);
 *   6. a usage plan admits the key to this API in this environment: otherwise 401 when the
 *      key has a plan for other APIs of this service environment ("not for this API"), 403
 *      when it has none here at all.
 *
 * Request-only checks come first, so nothing about a key is told before the caller shows it
 * can sign; binding is checked last, so 403 goes only to a caller who proved the key.
 * Steps 1–3 (readSignedRequest) and the mismatch answer are shared with APP authentication
 * (app-auth.ts), which signs another string with the same Authorization header.
 */
import type { IncomingMessage } from "node:http";
import { HMAC_DIGESTS, hmacSignature, parseHmacAuthorization, signaturesEqual, stringToSign, type HmacAuthorization, type HmacParseError } from "./hmac.js";
import type { CompiledApi, CompiledEnvironment, CompiledService, KeyGrant } from "./model.js";

/** DATAPLANE §5.2: X-Date may differ from the gateway's clock by at most 15 minutes. */
export const MAX_X_DATE_SKEW_MS = 15 * 60 * 1000;

export class AuthFailure {
  constructor(
    /** 302: OAuth's redirect to the login address (oauth.ts). */
    readonly status: 302 | 401 | 403,
    readonly message: string,
    /** Headers to answer with (the server's string to sign on a mismatch, a redirect's Location). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {}
}

/** The response header that repeats the server's string to sign on a mismatch (§5.3 names none). */
export const STRING_TO_SIGN_HEADER = "X-Api-StringToSign";

const CANNOT_VERIFY = "HMAC signature cannot be verified";

/** The fixed answers (§9.3), allocated once. */
export const AUTH_FAILURES = {
  noAuthorization: new AuthFailure(401, `${CANNOT_VERIFY}, a validate authorization header is required`),
  format: new AuthFailure(401, "HMAC authorization format error."),
  idOrSignature: new AuthFailure(401, "HMAC id or signature missing."),
  parameters: new AuthFailure(401, "HMAC authorization headers is invalidate."),
  multipleHeader: new AuthFailure(401, "HMAC do not support multiple HTTP header."),
  noDate: new AuthFailure(401, `${CANNOT_VERIFY}, a valid date or x-date header is required.`),
  badXDate: new AuthFailure(401, `${CANNOT_VERIFY}, a valid x-date header is required for HMAC Authentication.`),
  staleXDate: new AuthFailure(401, `${CANNOT_VERIFY}, the x-date header is out of date for HMAC Authentication.`),
  xDateNotSigned: new AuthFailure(401, `${CANNOT_VERIFY}, the x-date header must be among the signed headers.`),
  unknownKey: new AuthFailure(401, `${CANNOT_VERIFY}.`),
  notForApi: new AuthFailure(401, "HMAC apikey is invalid for API."),
  noUsagePlan: new AuthFailure(403, "Found no validate usage plan"),
} as const;

const PARSE_FAILURES: Record<HmacParseError, AuthFailure> = {
  format: AUTH_FAILURES.format,
  "id-or-signature": AUTH_FAILURES.idOrSignature,
  parameters: AUTH_FAILURES.parameters,
};

/** A header that came more than once. */
const REPEATED = Symbol("repeated");

/** The value of header `name` (lower case) as sent, scanning the raw list to see repeats that node would join or drop. */
function singleHeader(raw: readonly string[], name: string): string | undefined | typeof REPEATED {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    if (value !== undefined) return REPEATED;
    value = raw[i + 1]!;
  }
  return value;
}

/** Whether an Authorization value is meant as a key-pair signature (for NONE APIs, where one is optional). */
export const isHmacAuthorization = (value: string | undefined): value is string =>
  value !== undefined && value.length > 5 && value.slice(0, 5).toLowerCase() === "hmac ";

/** A request that passed the request-only checks (1–3): its Authorization, the digest, the signed headers' values in order. */
export interface SignedRequest {
  auth: HmacAuthorization;
  /** A node digest name (HMAC_DIGESTS). */
  digest: string;
  /** The value of each of `auth.headers`, in that order. */
  values: string[];
}

/**
 * Checks 1–3 above, shared by key-pair and application (APP, §5.3) authentication. APP
 * signing requires X-Date, sent and signed (`xDateRequired`).
 */
export function readSignedRequest(req: IncomingMessage, now: number, xDateRequired = false): SignedRequest | AuthFailure {
  const raw = req.rawHeaders;
  const authorization = singleHeader(raw, "authorization");
  if (authorization === undefined) return AUTH_FAILURES.noAuthorization;
  if (authorization === REPEATED) return AUTH_FAILURES.multipleHeader;
  const auth = parseHmacAuthorization(authorization);
  if (typeof auth === "string") return PARSE_FAILURES[auth];
  const digest = HMAC_DIGESTS.get(auth.algorithm.toLowerCase());
  if (!digest) return new AuthFailure(401, `HMAC algorithm ${auth.algorithm} not supported.`);

  const xDate = singleHeader(raw, "x-date");
  const date = singleHeader(raw, "date");
  if (xDate === REPEATED || date === REPEATED) return AUTH_FAILURES.multipleHeader;
  if (xDateRequired) {
    if (xDate === undefined) return AUTH_FAILURES.badXDate;
    if (!auth.headers.includes("x-date")) return AUTH_FAILURES.xDateNotSigned;
  }
  if (xDate === undefined && date === undefined) return AUTH_FAILURES.noDate;
  if (xDate !== undefined) {
    const sent = Date.parse(xDate);
    if (Number.isNaN(sent)) return AUTH_FAILURES.badXDate;
    if (Math.abs(now - sent) > MAX_X_DATE_SKEW_MS) return AUTH_FAILURES.staleXDate;
  }

  const values: string[] = [];
  for (const name of auth.headers) {
    const value = singleHeader(raw, name);
    if (value === undefined) return new AuthFailure(401, `${CANNOT_VERIFY}, a valid ${name} header is required.`);
    if (value === REPEATED) return AUTH_FAILURES.multipleHeader;
    values.push(value);
  }
  return { auth, digest, values };
}

/**
 * The documented answer to a wrong signature: the server's string to sign, lines joined with
 * "#", in the message and in a header (§5.3, §9.3); percent-encoded in the header when it
 * holds characters a header value cannot carry.
 */
export function signatureMismatch(signed: string): AuthFailure {
  const flat = signed.replaceAll("\n", "#");
  const headerValue = /^[\t\x20-\x7e]*$/.test(flat) ? flat : encodeURI(flat);
  return new AuthFailure(401, `HMAC signature does not match, Server StringToSign:${flat}`, { [STRING_TO_SIGN_HEADER]: headerValue });
}

export function authenticateKeyPair(
  req: IncomingMessage,
  service: CompiledService,
  env: CompiledEnvironment,
  api: CompiledApi,
  now: number,
): KeyGrant | AuthFailure {
  const request = readSignedRequest(req, now);
  if (request instanceof AuthFailure) return request;
  const { auth, digest, values } = request;

  const key = service.keys.get(auth.id);
  if (!key?.enabled) return AUTH_FAILURES.unknownKey;
  const signed = stringToSign(auth.headers, values);
  if (!signaturesEqual(hmacSignature(digest, key.secret, signed), auth.signature)) return signatureMismatch(signed);

  const grant = api.grants.get(auth.id);
  if (grant) return grant;
  return env.planKeys.has(auth.id) ? AUTH_FAILURES.notForApi : AUTH_FAILURES.noUsagePlan;
}
