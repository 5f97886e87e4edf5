/**
 * OAuth 2.0 (DATAPLANE §5.5): a service holds an authorization API (AuthType OAUTH,
 * ApiBusinessType OAUTH) whose OauthConfig carries the public key, and business APIs
 * (ApiBusinessType NORMAL) that name it in AuthRelationApiId. The gateway proxies the
 * authorization API like any unauthenticated API (it is how callers get tokens) and admits a
 * call of a business API only with a JWT that the authorization API's key verifies (jwt.ts).
 *
 * The link is made per environment from the released snapshot: a business API is served with
 * the authorization API published beside it, so a key change takes effect with a release.
 *
 * TokenLocation: the document's console offers "Header"; the API's values take the form
 * `method.req.header.<name>` (e.g. `method.req.header.authorization`). Accepted:
 *   Header | method.req.header.<name>             the header (default Authorization), `Bearer ` optional
 *   Cookie | method.req.cookie[.<name>]          a cookie (default name access_token)
 *   Query  | method.req.query[string][.<name>]   a query parameter (default access_token, RFC 6750 §2.3)
 * Anything else reads the Authorization header (logged when compiled).
 *
 * Failures answer 401 with the messages of §9.3; a call with no token at all is redirected
 * (302) to LoginRedirectUrl when the authorization API sets one ("the address to redirect to
 * when a bound service API is called without authorization").
 */
import type { KeyObject } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { log } from "../log.js";
import type { ApiRecord } from "../resources/apis.js";
import { algorithmsFor, parsePublicKey, verifyJwt, type JwtFailure } from "./jwt.js";
import { firstValue } from "./forwarding.js";
import { AuthFailure } from "./key-auth.js";
import type { CompiledApi } from "./model.js";

export interface TokenLocation {
  in: "header" | "cookie" | "query";
  /** Lower case for a header. */
  name: string;
}

/** What verifies the tokens of the business APIs linked to one authorization API. */
export interface OauthVerifier {
  authApiId: string;
  key: KeyObject;
  location: TokenLocation;
  loginRedirectUrl: string | undefined;
  /** The answers of this verifier, made once. */
  failures: Readonly<Record<"noToken" | JwtFailure, AuthFailure>>;
}

/** A business API's link to its authorization API; `verifier` undefined when that API is not published in this environment. */
export interface OauthLink {
  authApiId: string;
  verifier: OauthVerifier | undefined;
}

const DEFAULT_TOKEN_NAME = "access_token";
const LOCATION = /^method\.req\.(header|cookie|query|querystring)(?:\.(.+))?$/i;

export function parseTokenLocation(text: string): TokenLocation | undefined {
  const t = text.trim();
  switch (t.toLowerCase()) {
    case "":
    case "header":
      return { in: "header", name: "authorization" };
    case "cookie":
      return { in: "cookie", name: DEFAULT_TOKEN_NAME };
    case "query":
    case "querystring":
      return { in: "query", name: DEFAULT_TOKEN_NAME };
  }
  const m = LOCATION.exec(t);
  if (!m) return undefined;
  const where = m[1]!.toLowerCase();
  if (where === "header") return { in: "header", name: (m[2] ?? "authorization").toLowerCase() };
  return { in: where === "cookie" ? "cookie" : "query", name: m[2] ?? DEFAULT_TOKEN_NAME };
}

export const OAUTH_FAILURES = {
  noRelatedApi: new AuthFailure(401, "Oauth found no related Oauth api."),
  noAuthorization: new AuthFailure(401, "Oauth signature cannot be verified, a validate authorization header is required."),
  noToken: new AuthFailure(401, "Oauth miss Oauth id_token."),
  format: new AuthFailure(401, "Oauth authorization header format error."),
  signature: new AuthFailure(401, "Oauth signature cannot be verified, the token's signature does not match the public key."),
  expired: new AuthFailure(401, "Oauth signature cannot be verified, the token has expired (exp)."),
  notYetValid: new AuthFailure(401, "Oauth signature cannot be verified, the token is not valid yet (nbf)."),
} as const;

function failuresFor(key: KeyObject, location: TokenLocation, loginRedirectUrl: string | undefined): OauthVerifier["failures"] {
  const missing = location.in === "header" && location.name === "authorization" ? OAUTH_FAILURES.noAuthorization : OAUTH_FAILURES.noToken;
  return {
    noToken: loginRedirectUrl ? new AuthFailure(302, `${missing.message} Redirected to the login address.`, { Location: loginRedirectUrl }) : missing,
    format: OAUTH_FAILURES.format,
    algorithm: new AuthFailure(401, `Oauth signature cannot be verified, the token's algorithm (alg) must be one of ${algorithmsFor(key).join(", ")}.`),
    signature: OAUTH_FAILURES.signature,
    expired: OAUTH_FAILURES.expired,
    "not-yet-valid": OAUTH_FAILURES.notYetValid,
  };
}

/** The verifier of an authorization API, or undefined (logged) when its key does not load. */
export function compileOauthVerifier(auth: ApiRecord): OauthVerifier | undefined {
  const config = auth.OauthConfig;
  if (!config) return undefined;
  let key: KeyObject;
  try {
    key = parsePublicKey(config.PublicKey);
  } catch (err) {
    log.warn("gateway: an OAuth authorization API's public key does not load", { apiId: auth.ApiId, error: String(err) });
    return undefined;
  }
  let location = parseTokenLocation(config.TokenLocation ?? "");
  if (!location) {
    log.warn("gateway: unknown OAuth TokenLocation, reading the Authorization header", { apiId: auth.ApiId, tokenLocation: config.TokenLocation });
    location = { in: "header", name: "authorization" };
  }
  const loginRedirectUrl = config.LoginRedirectUrl || undefined;
  return { authApiId: auth.ApiId, key, location, loginRedirectUrl, failures: failuresFor(key, location, loginRedirectUrl) };
}

export const isAuthorizationApi = (r: ApiRecord) => r.AuthType === "OAUTH" && r.ApiBusinessType === "OAUTH";

/** Links each OAuth business API of a release to the authorization API released with it. */
export function linkOauthApis(records: readonly ApiRecord[], apis: ReadonlyMap<string, CompiledApi>): void {
  const verifiers = new Map<string, OauthVerifier | undefined>();
  for (const record of records) {
    if (record.AuthType !== "OAUTH" || isAuthorizationApi(record)) continue;
    const api = apis.get(record.ApiId);
    if (!api) continue;
    const authApiId = record.AuthRelationApiId;
    if (!verifiers.has(authApiId)) {
      const auth = records.find((r) => r.ApiId === authApiId && isAuthorizationApi(r));
      verifiers.set(authApiId, auth && compileOauthVerifier(auth));
    }
    api.oauth = { authApiId, verifier: verifiers.get(authApiId) };
  }
}

const BEARER = /^bearer\s+/i;

/** The token where the location says, `Bearer ` removed from a header; undefined when absent or empty. */
export function readToken(req: IncomingMessage, location: TokenLocation, rawQuery: string): string | undefined {
  let token: string | undefined;
  switch (location.in) {
    case "header":
      token = firstValue(req.headers[location.name])?.replace(BEARER, "");
      break;
    case "cookie":
      token = cookieValue(req.headers.cookie, location.name);
      break;
    case "query":
      token = rawQuery ? (new URLSearchParams(rawQuery).get(location.name) ?? undefined) : undefined;
      break;
  }
  token = token?.trim();
  return token ? token : undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** Admits a call of an OAuth business API (undefined) or says why not. */
export function authenticateOauth(req: IncomingMessage, link: OauthLink, rawQuery: string, now: number): AuthFailure | undefined {
  const verifier = link.verifier;
  if (!verifier) return OAUTH_FAILURES.noRelatedApi;
  const token = readToken(req, verifier.location, rawQuery);
  if (token === undefined) return verifier.failures.noToken;
  const verified = verifyJwt(token, verifier.key, now);
  return typeof verified === "string" ? verifier.failures[verified] : undefined;
}
