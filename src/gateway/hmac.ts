/**
 * Key-pair (SECRET) signatures, DATAPLANE §5.2:
 *
 *   Authorization: hmac id="AKID…", algorithm="hmac-sha1", headers="x-date source", signature="…"
 *
 * The string to sign is, for each header named in `headers` and in that order,
 * `lowercase(name) + ": " + value`, joined with "\n"; the signature is
 * Base64(HMAC-<algorithm>(secret, string to sign)). Pure functions: parsing, signing,
 * comparing. What a failure means for the caller is key-auth.ts's business.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";

/** The `algorithm` values accepted (sha1 and sha256 documented; sha384 and sha512 from EXT) → node digest. */
export const HMAC_DIGESTS: ReadonlyMap<string, string> = new Map([
  ["hmac-sha1", "sha1"],
  ["hmac-sha256", "sha256"],
  ["hmac-sha384", "sha384"],
  ["hmac-sha512", "sha512"],
]);

export interface HmacAuthorization {
  id: string;
  /** As given (the caller's case); look it up lower-cased in HMAC_DIGESTS. */
  algorithm: string;
  /** Lower-case header names, in signing order. */
  headers: string[];
  signature: string;
}

/** Why an Authorization value is not usable: not `hmac k="v", …` at all; no id or signature; no algorithm or headers. */
export type HmacParseError = "format" | "id-or-signature" | "parameters";

const SCHEME = /^hmac\s+/i;
/** One `name="value"` parameter and the comma (or end) after it. */
const PARAMETER = /\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y;

export function parseHmacAuthorization(value: string): HmacAuthorization | HmacParseError {
  const scheme = SCHEME.exec(value);
  if (!scheme) return "format";
  const params: Record<string, string> = {};
  PARAMETER.lastIndex = scheme[0].length;
  while (PARAMETER.lastIndex < value.length) {
    const m = PARAMETER.exec(value);
    if (!m) return "format";
    params[m[1]!.toLowerCase()] = m[2]!;
  }
  const { id, algorithm, headers, signature } = params;
  if (!id || !signature) return "id-or-signature";
  const names = headers?.split(" ").filter(Boolean);
  if (!algorithm || !names?.length) return "parameters";
  return { id, algorithm, headers: names.map((n) => n.toLowerCase()), signature };
}

/** `name: value` lines joined with "\n" (no trailing newline); `names` lower case. */
export function stringToSign(names: readonly string[], values: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i++) out += `${i ? "\n" : ""}${names[i]}: ${values[i]}`;
  return out;
}

/** Secrets as key objects, made once (saves converting the secret on every signature check). */
const secretKeys = new Map<string, KeyObject>();
const MAX_SECRET_KEYS = 10_000;

function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    if (secretKeys.size >= MAX_SECRET_KEYS) secretKeys.clear();
    secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, "utf8"))));
  }
  return key;
}

/** Base64(HMAC(secret, text)) with a node digest name from HMAC_DIGESTS. */
export function hmacSignature(digest: string, secret: string, text: string): string {
  return createHmac(digest, secretKey(secret)).update(text, "utf8").digest("base64");
}

/** Constant-time comparison (in the length of the expected signature). */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "latin1");
  const b = Buffer.from(given, "latin1");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The whole Authorization value for a signature (what a caller sends). */
export function formatHmacAuthorization(a: HmacAuthorization): string {
  return `hmac id="${a.id}", algorithm="${a.algorithm}", headers="${a.headers.join(" ")}", signature="${a.signature}"`;
}
