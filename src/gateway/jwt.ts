/**
 * JSON Web Tokens as OAuth 2.0 business APIs receive them (DATAPLANE §5.5): a compact JWS
 * `header.payload.signature` (base64url), verified with the public key of the authorization
 * API, then its time claims checked. Pure: the key and the time are passed in.
 *
 * Algorithms follow the key: an RSA key verifies RS256/384/512 and PS256/384/512, an EC key
 * ES256/384/512 on its own curve, an Ed25519 key EdDSA. `none` and the HMAC algorithms (HS*)
 * are refused: with a public key they would let anyone who knows the key forge tokens.
 *
 * `exp` and `nbf` are NumericDate seconds (RFC 7519 §4.1.4–5): the token is valid from `nbf`
 * (inclusive) until `exp` (exclusive), with no leeway; either may be absent.
 */
import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject, type VerifyKeyObjectInput } from "node:crypto";

/** Why a token was refused. */
export type JwtFailure =
  /** Not three base64url parts, a part that is not JSON, no `alg`, or a time claim that is not a number. */
  | "format"
  /** `alg` is not one this key verifies. */
  | "algorithm"
  | "signature"
  /** `exp` has passed. */
  | "expired"
  /** `nbf` is still ahead. */
  | "not-yet-valid";

export interface VerifiedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** How one `alg` is verified: a digest and the options of node's verify(). */
interface JwsAlgorithm {
  keyType: string;
  digest: string | null;
  /** For EC keys: the curve the algorithm is defined on. */
  curve?: string;
  options?: Omit<VerifyKeyObjectInput, "key">;
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
/** JWS carries ECDSA signatures as r‖s, not DER. */
const P1363 = { dsaEncoding: "ieee-p1363" } as const;

const ALGORITHMS: ReadonlyMap<string, JwsAlgorithm> = new Map([
  ["RS256", { keyType: "rsa", digest: "sha256" }],
  ["RS384", { keyType: "rsa", digest: "sha384" }],
  ["RS512", { keyType: "rsa", digest: "sha512" }],
  ["PS256", { keyType: "rsa", digest: "sha256", options: PSS }],
  ["PS384", { keyType: "rsa", digest: "sha384", options: PSS }],
  ["PS512", { keyType: "rsa", digest: "sha512", options: PSS }],
  ["ES256", { keyType: "ec", digest: "sha256", curve: "prime256v1", options: P1363 }],
  ["ES384", { keyType: "ec", digest: "sha384", curve: "secp384r1", options: P1363 }],
  ["ES512", { keyType: "ec", digest: "sha512", curve: "secp521r1", options: P1363 }],
  ["EdDSA", { keyType: "ed25519", digest: null }],
]);

/** The `alg` values a key verifies, for messages. */
export function algorithmsFor(key: KeyObject): string[] {
  return [...ALGORITHMS].filter(([, a]) => fits(a, key)).map(([name]) => name);
}

function fits(a: JwsAlgorithm, key: KeyObject): boolean {
  const type = key.asymmetricKeyType === "rsa-pss" ? "rsa" : key.asymmetricKeyType;
  return a.keyType === type && (a.curve === undefined || key.asymmetricKeyDetails?.namedCurve === a.curve);
}

/**
 * A public key as OauthConfig.PublicKey stores it: a JWK (JSON, as the document's example
 * `{"e":"AQAB","kty":"RSA","n":"…"}`) or PEM. Throws when it is neither.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return createPublicKey({ key: JSON.parse(trimmed) as JsonWebKey, format: "jwk" });
  return createPublicKey(trimmed);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies a compact JWS with `key` and checks `exp` / `nbf` against `nowMs`. */
export function verifyJwt(token: string, key: KeyObject, nowMs: number): VerifiedJwt | JwtFailure {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 0 || second < 0 || token.indexOf(".", second + 1) >= 0) return "format";
  const header = decodeJson(token.slice(0, first));
  const payload = decodeJson(token.slice(first + 1, second));
  const signature = token.slice(second + 1);
  if (!header || !payload || !BASE64URL.test(signature) || typeof header.alg !== "string") return "format";
  const { exp, nbf } = payload;
  if ((exp !== undefined && typeof exp !== "number") || (nbf !== undefined && typeof nbf !== "number")) return "format";

  const algorithm = ALGORITHMS.get(header.alg);
  if (!algorithm || !fits(algorithm, key)) return "algorithm";
  const signed = Buffer.from(token.slice(0, second), "ascii");
  const valid = verify(algorithm.digest, signed, { key, ...algorithm.options }, Buffer.from(signature, "base64url"));
  if (!valid) return "signature";

  const now = nowMs / 1000;
  if (exp !== undefined && now >= exp) return "expired";
  if (nbf !== undefined && now < nbf) return "not-yet-valid";
  return { header, payload };
}
