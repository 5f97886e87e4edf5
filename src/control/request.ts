/**
 * Decodes a control-API HTTP request into its common parameters, its action parameters and a
 * signature check, for both signature schemes:
 *  - TC3-HMAC-SHA256: `Authorization` and `X-TC-*` headers; JSON or multipart body (POST) or
 *    query (GET, flattened).
 *  - v1 HmacSHA1 / HmacSHA256: every parameter, common ones included, in the query (GET) or a
 *    form body (POST), flattened as `Tags.0.Key`.
 */
import { ApiError, errors } from "./errors.js";
import { parseForm, unflatten, type Nested } from "./params.js";
import {
  parseTc3Authorization,
  sameSignature,
  tc3CanonicalRequest,
  tc3Sign,
  tc3StringToSign,
  utcDate,
  v1Sign,
  v1StringToSign,
  type V1Method,
} from "./signature.js";

export const SIZE_LIMITS = { getUrl: 32 * 1024, v1Body: 1024 * 1024, tc3Body: 10 * 1024 * 1024 } as const;

export interface RawRequest {
  method: string;
  /** Path and query as sent, e.g. "/?Action=…". */
  url: string;
  headers: Headers;
  body: Uint8Array;
}

export interface ControlRequest {
  signMethod: "TC3-HMAC-SHA256" | V1Method;
  action?: string;
  version?: string;
  region?: string;
  timestamp?: string;
  nonce?: string;
  secretId: string;
  language?: string;
  /** The action's own parameters (common ones removed). */
  params: Nested | Record<string, unknown>;
  /** True when the values came as strings (query, form, multipart) and need type coercion. */
  fromStrings: boolean;
  /** The signature as sent (v1): with the nonce it identifies a replayed request. */
  signature?: string;
  /** Recomputes the signature with this secret key and compares it with the one sent. */
  verify(secretKey: string): boolean;
}

/** v1 common parameters: not passed on to the action. */
const V1_COMMON = new Set([
  "Action",
  "Version",
  "Region",
  "Timestamp",
  "Nonce",
  "SecretId",
  "Signature",
  "SignatureMethod",
  "Token",
  "Language",
  "RequestClient",
]);

export function bodyLimitFor(method: string, headers: Headers): number {
  if (method !== "POST") return 0;
  return (headers.get("authorization") ?? "").startsWith("TC3-HMAC-SHA256") ? SIZE_LIMITS.tc3Body : SIZE_LIMITS.v1Body;
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf("?");
  return q < 0 ? { path: url, query: "" } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

const mediaType = (headers: Headers) => (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

export async function decodeRequest(req: RawRequest): Promise<ControlRequest> {
  const auth = req.headers.get("authorization");
  if (auth && auth.trim().startsWith("TC3-HMAC-SHA256")) return decodeTc3(req, auth);
  return decodeV1(req);
}

async function decodeTc3(req: RawRequest, authHeader: string): Promise<ControlRequest> {
  const auth = parseTc3Authorization(authHeader);
  if (!auth) throw new ApiError("AuthFailure.SignatureFailure", "The Authorization header is malformed: expected `TC3-HMAC-SHA256 Credential=<SecretId>/<Date>/<Service>/tc3_request, SignedHeaders=…, Signature=…`.");
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("content-type")) {
    throw new ApiError("AuthFailure.SignatureFailure", "SignedHeaders must include `content-type` and `host`.");
  }
  const { query } = splitUrl(req.url);
  const h = (name: string) => req.headers.get(name) ?? undefined;
  let params: Record<string, unknown>;
  let fromStrings: boolean;
  if (req.method === "GET") {
    params = unflatten(parseForm(query));
    fromStrings = true;
  } else {
    const type = mediaType(req.headers);
    const text = new TextDecoder().decode(req.body);
    if (type === "application/json" || (type === "" && text.trim().startsWith("{"))) {
      try {
        params = text.trim() === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        throw new ApiError("InvalidParameter", "The request body is not valid JSON.");
      }
      if (!params || typeof params !== "object" || Array.isArray(params)) {
        throw new ApiError("InvalidParameter", "The request body must be a JSON object of parameters.");
      }
      fromStrings = false;
    } else if (type === "multipart/form-data") {
      const form = await new Response(Buffer.from(req.body), { headers: { "content-type": req.headers.get("content-type")! } }).formData();
      const flat: Record<string, string> = {};
      for (const [k, v] of form) flat[k] = typeof v === "string" ? v : await v.text();
      params = unflatten(flat);
      fromStrings = true;
    } else if (type === "application/x-www-form-urlencoded") {
      params = unflatten(parseForm(text));
      fromStrings = true;
    } else {
      throw new ApiError("InvalidParameter", `Content-Type \`${type}\` is not supported: use application/json or multipart/form-data.`);
    }
  }
  const hostHeader = h("host") ?? "";
  const hostname = hostHeader.replace(/:\d+$/, "");
  const verify = (secretKey: string) => {
    const timestamp = h("x-tc-timestamp") ?? "";
    // The official SDK signs the host without its port; other clients sign the Host header as sent.
    const hosts = hostname === hostHeader ? [hostHeader] : [hostname, hostHeader];
    return hosts.some((host) => {
      const headers = auth.signedHeaders.map((name): [string, string] => [name, name === "host" ? host : (h(name) ?? "")]);
      const canonical = tc3CanonicalRequest({ method: req.method, query, headers, payload: req.method === "GET" ? "" : req.body });
      const sts = tc3StringToSign(timestamp, auth.date, auth.service, canonical);
      return sameSignature(tc3Sign(secretKey, auth.date, auth.service, sts), auth.signature);
    });
  };
  const timestamp = h("x-tc-timestamp");
  if (timestamp !== undefined && /^\d+$/.test(timestamp) && utcDate(Number(timestamp)) !== auth.date) {
    throw new ApiError("AuthFailure.SignatureFailure", `The credential scope date ${auth.date} is not the UTC date of X-TC-Timestamp ${timestamp}.`);
  }
  return {
    signMethod: "TC3-HMAC-SHA256",
    action: h("x-tc-action"),
    version: h("x-tc-version"),
    region: h("x-tc-region"),
    timestamp,
    secretId: auth.secretId,
    language: h("x-tc-language"),
    params,
    fromStrings,
    verify,
  };
}

async function decodeV1(req: RawRequest): Promise<ControlRequest> {
  const { path, query } = splitUrl(req.url);
  let flat: Record<string, string>;
  if (req.method === "GET") {
    flat = parseForm(query);
  } else {
    const type = mediaType(req.headers);
    if (type !== "application/x-www-form-urlencoded" && type !== "") {
      throw new ApiError(
        "AuthFailure.SignatureFailure",
        "The request is not signed: send a TC3-HMAC-SHA256 Authorization header, or v1 parameters (SecretId, Signature, …) in a form body.",
      );
    }
    flat = parseForm(new TextDecoder().decode(req.body));
  }
  const signature = flat.Signature;
  const secretId = flat.SecretId;
  if (signature === undefined && secretId === undefined) {
    throw new ApiError(
      "AuthFailure.SignatureFailure",
      "The request is not signed: send a TC3-HMAC-SHA256 Authorization header, or v1 parameters SecretId, Timestamp, Nonce and Signature.",
    );
  }
  for (const name of ["SecretId", "Signature", "Timestamp", "Nonce"]) if (flat[name] === undefined) throw errors.missing(name);
  const signatureMethod = flat.SignatureMethod ?? "HmacSHA1";
  if (signatureMethod !== "HmacSHA1" && signatureMethod !== "HmacSHA256") {
    throw errors.value("SignatureMethod", "must be HmacSHA1 or HmacSHA256");
  }
  const signed: Record<string, string> = { ...flat };
  delete signed.Signature;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) if (!V1_COMMON.has(k)) params[k] = v;
  const host = req.headers.get("host") ?? "";
  return {
    signMethod: signatureMethod,
    action: flat.Action,
    version: flat.Version,
    region: flat.Region,
    timestamp: flat.Timestamp,
    nonce: flat.Nonce,
    signature,
    secretId: secretId!,
    language: flat.Language,
    params: unflatten(params),
    fromStrings: true,
    verify: (secretKey) =>
      sameSignature(v1Sign(v1StringToSign(req.method, `${host}${path || "/"}`, signed), secretKey, signatureMethod), signature!),
  };
}
