/**
 * The control API's two signature schemes, as pure functions (document: 接口签名v1 / v3).
 *
 * v1 (HmacSHA1 / HmacSHA256): base64 HMAC of
 *   METHOD + host-as-sent + path + "?" + k=v&… (keys sorted by code unit, values not URL-encoded)
 * TC3-HMAC-SHA256: hex HMAC of a string-to-sign over the canonical request, with a key
 *   derived from the secret key, the UTC date and the service named in the credential scope.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export type V1Method = "HmacSHA1" | "HmacSHA256";

export function v1StringToSign(method: string, hostAndPath: string, params: Record<string, string>): string {
  const keys = Object.keys(params).sort();
  return `${method.toUpperCase()}${hostAndPath}?${keys.map((k) => `${k}=${params[k]}`).join("&")}`;
}

export function v1Sign(stringToSign: string, secretKey: string, method: V1Method): string {
  const algo = method === "HmacSHA256" ? "sha256" : "sha1";
  return createHmac(algo, secretKey).update(stringToSign, "utf8").digest("base64");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface Tc3Parts {
  method: string;
  /** The raw query string (without "?"), empty for POST. */
  query: string;
  /** Signed header names in order, lower case, with their values. */
  headers: Array<[name: string, value: string]>;
  payload: string | Uint8Array;
}

export function tc3CanonicalRequest(p: Tc3Parts): string {
  const canonicalHeaders = p.headers.map(([k, v]) => `${k.toLowerCase()}:${v.trim().toLowerCase()}\n`).join("");
  const signedHeaders = p.headers.map(([k]) => k.toLowerCase()).join(";");
  return [p.method.toUpperCase(), "/", p.query, canonicalHeaders, signedHeaders, sha256Hex(p.payload)].join("\n");
}

export function tc3StringToSign(timestamp: number | string, date: string, service: string, canonicalRequest: string): string {
  return ["TC3-HMAC-SHA256", String(timestamp), `${date}/${service}/tc3_request`, sha256Hex(canonicalRequest)].join("\n");
}

export function tc3Sign(secretKey: string, date: string, service: string, stringToSign: string): string {
  const hmac = (key: string | Buffer, msg: string) => createHmac("sha256", key).update(msg, "utf8").digest();
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, "tc3_request");
  return createHmac("sha256", kSigning).update(stringToSign, "utf8").digest("hex");
}

/** UTC date (YYYY-MM-DD) of a unix timestamp in seconds. */
export function utcDate(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex`. */
export function parseTc3Authorization(header: string): Tc3Authorization | undefined {
  const m = /^TC3-HMAC-SHA256\s+(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) return undefined;
  // The service may itself contain "/"-free text such as "localhost:9000"; the id has no "/".
  const segs = credential.split("/");
  if (segs.length < 4 || segs[segs.length - 1] !== "tc3_request") return undefined;
  const secretId = segs[0]!;
  const date = segs[1]!;
  const service = segs.slice(2, -1).join("/");
  return { secretId, date, service, signedHeaders: signedHeaders.split(";").map((h) => h.trim().toLowerCase()), signature };
}

/** Constant-time comparison of two signature strings. */
export function sameSignature(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
