/**
 * JWT verification (src/gateway/jwt.ts), pure: fixed vectors (RFC 7515 A.3's ES256 example; an
 * RS256 token made once with a throw-away key), then tokens signed here with node:crypto
 * (independently of the module) for every supported algorithm, tampering, the refused
 * algorithms, and the time claims on a fixed clock.
 */
import { createSign, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { algorithmsFor, parsePublicKey, verifyJwt } from "../src/gateway/jwt.js";
import { parseTokenLocation } from "../src/gateway/oauth.js";

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("fixed vectors", () => {
  it("verifies RFC 7515 A.3 (ES256, JWK) until its exp, 1300819380", () => {
    const key = parsePublicKey(
      JSON.stringify({ kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }),
    );
    const token =
      "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    expect(verifyJwt(token, key, 1300819379_000)).toEqual({
      header: { alg: "ES256" },
      payload: { iss: "joe", exp: 1300819380, "http://example.com/is_root": true },
    });
    expect(verifyJwt(token, key, 1300819380_000)).toBe("expired");
  });

  // The document's key shape ({"e":"AQAB","kty":"RSA","n":"…"}) and its token's claims (exp − iat = 300 s).
  const rsaJwk =
    '{"kty":"RSA","n":"piI4LAjmgIbV0HF0LdoPNaw67b_maIaAVNd0bpvbEI6XSx92CR1OfMdnUDtqjkxTbIeiaQLkB5iyZZHQ4NpIn57SSw8UTNYBTCdfjBBCo-9ARpE2zqD_cBQc9gMvVj_2SEbG8sVenZjVb5GrT_79Zyz9X2lydxz9EjgQpqBVdYT3FYgfGQ5uciCNLr7KGXjc8FOmVK54k9u0W0LX9UzCq2Kuz70bv1jMxpm9RSkkJEs_SRIG4mKHk4hc3YAXTu29VUmf9hBcXO5D7hwktYHS3hgSXN5n6lKaZl1VWNi4uRrNsZpXDHtHZCCXI0UO862jGltksSJNbZW89selsbkVRQ","e":"AQAB"}';
  const rsaToken =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcwMDAwMDAwMCwibmJmIjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDAzMDAsImp0aSI6InZlY3Rvci0xIn0.Bi1-OR9bVkxyuhUgAKvzHCjORxbBu_VktzlW7lyIavzyu4Biecx2pLxCqMzxMeGXkoZhFISl2p8hSMF_NXlQg1jYH2Kwx7hz6J-xAV1QWNoOK4D1OdF499pllMIroZjGWpSFvWhsvKyTPPpzQMbOzFfajCR-m6-jN7Czguwf39YZRHgmwGzr32eELmR50Wriqf1g3CsKIgpjuGo1j820rVTZeI52apBVt3tw1OnRECvyPhSLI6ebY_O06ATjIhm7hg1GwmcY3qrKRtZknyY9O18ZOSRr7hWbqX32nKBgxqcVRSX6o5HGIyYXPaQXBO3tIEnpk2UWBlyiupt9TV0wpg";

  it("verifies an RS256 token with a JWK, from nbf (inclusive) to exp (exclusive)", () => {
    const key = parsePublicKey(rsaJwk);
    expect(verifyJwt(rsaToken, key, 1700000000_000)).toMatchObject({ header: { alg: "RS256", typ: "JWT" }, payload: { sub: "alice", jti: "vector-1" } });
    expect(verifyJwt(rsaToken, key, 1700000299_999)).toMatchObject({ payload: { sub: "alice" } });
    expect(verifyJwt(rsaToken, key, 1699999999_999)).toBe("not-yet-valid");
    expect(verifyJwt(rsaToken, key, 1700000300_000)).toBe("expired");
  });

  it("verifies the same token with the key as PEM", () => {
    const pem = parsePublicKey(rsaJwk).export({ type: "spki", format: "pem" }) as string;
    expect(verifyJwt(rsaToken, parsePublicKey(pem), 1700000100_000)).toMatchObject({ payload: { sub: "alice" } });
  });

  it("refuses the vector with one signature byte changed, or its payload changed", () => {
    const key = parsePublicKey(rsaJwk);
    const [h, p, sig] = rsaToken.split(".") as [string, string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === "A" ? "B" : "A") + sig.slice(11);
    expect(verifyJwt(`${h}.${p}.${flipped}`, key, 1700000100_000)).toBe("signature");
    const otherPayload = b64({ sub: "mallory", iat: 1700000000, nbf: 1700000000, exp: 1700000300, jti: "vector-1" });
    expect(verifyJwt(`${h}.${otherPayload}.${sig}`, key, 1700000100_000)).toBe("signature");
  });
});

/** A token signed here, independently of jwt.ts. */
function token(alg: string, privateKey: KeyObject, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg, typ: "JWT", ...header })}.${b64(payload)}`;
  const digest = `sha${alg.slice(2)}`;
  let signature: Buffer;
  if (alg.startsWith("RS")) signature = createSign(digest).update(input).sign(privateKey);
  else if (alg.startsWith("PS")) signature = sign(digest, Buffer.from(input), { key: privateKey, padding: 6, saltLength: -1 });
  else if (alg.startsWith("ES")) signature = sign(digest, Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
  else signature = sign(null, Buffer.from(input), privateKey);
  return `${input}.${signature.toString("base64url")}`;
}

describe("algorithms", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const ed = generateKeyPairSync("ed25519");
  const claims = { sub: "u", exp: 2000 };
  const at = 1000_000;

  it.each([
    ["RS256", rsa],
    ["RS384", rsa],
    ["RS512", rsa],
    ["PS256", rsa],
    ["PS512", rsa],
    ["ES256", p256],
    ["ES384", p384],
    ["EdDSA", ed],
  ] as const)("verifies %s", (alg, pair) => {
    const jwk = JSON.stringify(pair.publicKey.export({ format: "jwk" }));
    expect(verifyJwt(token(alg, pair.privateKey, claims), parsePublicKey(jwk), at)).toMatchObject({ payload: claims });
  });

  it("refuses an algorithm the key does not verify: another family, another curve, HMAC, none", () => {
    const key = parsePublicKey(JSON.stringify(rsa.publicKey.export({ format: "jwk" })));
    expect(verifyJwt(token("ES256", p256.privateKey, claims), key, at)).toBe("algorithm");
    expect(verifyJwt(token("ES384", p384.privateKey, claims), p256.publicKey, at)).toBe("algorithm");
    // HS256 "signed" with the public key as the secret: the classic key-confusion forgery.
    const input = `${b64({ alg: "HS256" })}.${b64(claims)}`;
    expect(verifyJwt(`${input}.c2lnbmF0dXJl`, key, at)).toBe("algorithm");
    expect(verifyJwt(`${b64({ alg: "none" })}.${b64(claims)}.c2ln`, key, at)).toBe("algorithm");
    expect(algorithmsFor(key)).toEqual(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]);
    expect(algorithmsFor(p256.publicKey)).toEqual(["ES256"]);
  });

  it("refuses a signature made with another key of the same kind", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(verifyJwt(token("RS256", other.privateKey, claims), rsa.publicKey, at)).toBe("signature");
  });

  it("tells malformed tokens apart", () => {
    const good = token("RS256", rsa.privateKey, claims);
    const [h, p, s] = good.split(".") as [string, string, string];
    for (const bad of ["", "abc", `${h}.${p}`, `${good}.x`, `${h}.${p}.`, `!!.${p}.${s}`, `${h}.${b64("text")}.${s}`, `${b64({ typ: "JWT" })}.${p}.${s}`, `${h}.bm90IGpzb24.${s}`]) {
      expect(verifyJwt(bad, rsa.publicKey, at), bad).toBe("format");
    }
    expect(verifyJwt(token("RS256", rsa.privateKey, { exp: "soon" }), rsa.publicKey, at)).toBe("format");
  });

  it("accepts a token without time claims", () => {
    expect(verifyJwt(token("RS256", rsa.privateKey, { sub: "forever" }), rsa.publicKey, at)).toMatchObject({ payload: { sub: "forever" } });
  });

  it("refuses a key that is neither JWK nor PEM", () => {
    expect(() => parsePublicKey("not a key")).toThrow();
    expect(() => parsePublicKey('{"kty":"RSA"}')).toThrow();
  });
});

describe("OAuth TokenLocation values", () => {
  it("reads the console's words and the API's method.req.* forms", () => {
    expect(parseTokenLocation("Header")).toEqual({ in: "header", name: "authorization" });
    expect(parseTokenLocation("method.req.header.authorization")).toEqual({ in: "header", name: "authorization" });
    expect(parseTokenLocation("method.req.header.X-Token")).toEqual({ in: "header", name: "x-token" });
    expect(parseTokenLocation("Cookie")).toEqual({ in: "cookie", name: "access_token" });
    expect(parseTokenLocation("method.req.cookie.sid")).toEqual({ in: "cookie", name: "sid" });
    expect(parseTokenLocation("query")).toEqual({ in: "query", name: "access_token" });
    expect(parseTokenLocation("method.req.querystring.token")).toEqual({ in: "query", name: "token" });
    expect(parseTokenLocation("method.req.query")).toEqual({ in: "query", name: "access_token" });
    expect(parseTokenLocation("body")).toBeUndefined();
  });
});
