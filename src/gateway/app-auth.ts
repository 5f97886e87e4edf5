/**
 * Application (APP) authentication of a gateway call, DATAPLANE §5.3. The Authorization
 * header is the key-pair one (`hmac id="<ApiAppKey>", algorithm=…, headers=…, signature=…`,
 * read and checked by key-auth.ts's readSignedRequest, X-Date required and signed); the string
 * to sign is six fields:
 *
 *   <signed headers, sorted by name, each "name: value\n">
 *   HTTPMethod \n Accept \n Content-Type \n Content-MD5 \n PathAndParameters
 *
 * PathAndParameters is the path without the environment, then, when there are any, `?` and
 * the query and form parameters merged, sorted by name (then value), `k=v` (`k` alone when
 * the value is empty) joined with `&`; path and values as decoded (signed before URL-encoding).
 *
 * In order: the request-only checks; the ApiAppKey among the applications authorized to some
 * API of this service environment (else "cannot be verified"); the signature (else 401 with
 * the server's string to sign); Content-MD5, when sent with a body, equal to the body's; the
 * application authorized to this API ("apikey is invalid for API").
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { hmacSignature, signaturesEqual } from "./hmac.js";
import { AUTH_FAILURES, AuthFailure, readSignedRequest, signatureMismatch } from "./key-auth.js";
import type { AppGrant, CompiledApi, CompiledEnvironment } from "./model.js";

export type Pair = readonly [string, string];

export interface AppSigningParts {
  /** The signed headers: lower-case name and value, in any order. */
  headers: readonly Pair[];
  method: string;
  accept: string;
  contentType: string;
  contentMd5: string;
  /** The request path without the environment, decoded. */
  path: string;
  /** Query and form parameters, decoded, in any order; a name may repeat. */
  parameters: readonly Pair[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byNameThenValue = (a: Pair, b: Pair) => compare(a[0], b[0]) || compare(a[1], b[1]);

/** The §5.3 string to sign. */
export function appStringToSign(p: AppSigningParts): string {
  let out = "";
  for (const [name, value] of [...p.headers].sort(byNameThenValue)) out += `${name}: ${value}\n`;
  return `${out}${p.method}\n${p.accept}\n${p.contentType}\n${p.contentMd5}\n${pathAndParameters(p.path, p.parameters)}`;
}

/** `path` alone, or `path?k1=v1&k2&…` with the parameters sorted by name, then value. */
export function pathAndParameters(path: string, parameters: readonly Pair[]): string {
  if (parameters.length === 0) return path;
  return `${path}?${[...parameters]
    .sort(byNameThenValue)
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`))
    .join("&")}`;
}

/** Base64(MD5(body)): the Content-MD5 of a body. */
export function contentMd5(body: Buffer): string {
  return createHash("md5").update(body).digest("base64");
}

const FORM_TYPE = "application/x-www-form-urlencoded";

/** Whether a Content-Type is a form body, whose fields are signed as parameters. */
export function isFormBody(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.slice(0, FORM_TYPE.length).toLowerCase() === FORM_TYPE;
}

/**
 * Whether the gateway must read the body before checking an APP signature: its fields are
 * signed (a form) or its digest is (Content-MD5).
 */
export function appAuthNeedsBody(req: IncomingMessage): boolean {
  return isFormBody(req.headers["content-type"]) || req.headers["content-md5"] !== undefined;
}

const CONTENT_MD5_MISMATCH = new AuthFailure(401, "HMAC signature cannot be verified, the Content-MD5 header does not match the body.");

function decoded(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What the gateway read of the request besides its headers. */
export interface AppRequestParts {
  /** The path without the environment, as received. */
  path: string;
  rawQuery: string;
  /** The body, when the gateway read it (appAuthNeedsBody). */
  body: Buffer | undefined;
}

export function authenticateApp(req: IncomingMessage, env: CompiledEnvironment, api: CompiledApi, now: number, parts: AppRequestParts): AppGrant | AuthFailure {
  const request = readSignedRequest(req, now, true);
  if (request instanceof AuthFailure) return request;
  const { auth, digest, values } = request;
  const app = env.apps.get(auth.id);
  if (!app) return AUTH_FAILURES.unknownKey;

  const parameters: Pair[] = [];
  if (parts.rawQuery) for (const pair of new URLSearchParams(parts.rawQuery)) parameters.push(pair);
  const contentType = req.headers["content-type"] ?? "";
  if (parts.body?.length && isFormBody(contentType)) for (const pair of new URLSearchParams(parts.body.toString("utf8"))) parameters.push(pair);
  const md5Header = req.headers["content-md5"];
  const md5 = typeof md5Header === "string" ? md5Header : "";
  const signed = appStringToSign({
    headers: auth.headers.map((name, i) => [name, values[i]!] as const),
    method: req.method ?? "GET",
    accept: req.headers.accept ?? "",
    contentType,
    contentMd5: md5,
    path: decoded(parts.path),
    parameters,
  });
  if (!signaturesEqual(hmacSignature(digest, app.secret, signed), auth.signature)) return signatureMismatch(signed);
  if (md5 && parts.body?.length && contentMd5(parts.body) !== md5) return CONTENT_MD5_MISMATCH;
  return api.apps.get(auth.id) ?? AUTH_FAILURES.notForApi;
}
