/**
 * The APP signature (src/gateway/app-auth.ts), pure: DATAPLANE §12's vectors for the
 * document's worked example, and the PathAndParameters rules of §5.3.
 */
import { describe, expect, it } from "vitest";
import { appStringToSign, contentMd5, isFormBody, pathAndParameters } from "../src/gateway/app-auth.js";
import { hmacSignature } from "../src/gateway/hmac.js";
import { signatureMismatch, STRING_TO_SIGN_HEADER } from "../src/gateway/key-auth.js";

describe("APP string to sign (DATAPLANE §12 vectors)", () => {
  // The document's request: POST / with a form body p=test, headers source and x-date signed.
  const example = {
    headers: [
      ["x-date", "Thu, 11 Mar 2021 08:29:58 GMT"],
      ["source", "apigw test"],
    ] as const,
    method: "POST",
    accept: "application/json",
    contentType: "application/x-www-form-urlencoded",
    contentMd5: "",
    path: "/",
    parameters: [["p", "test"]] as const,
  };
  const expected = "source: apigw test\nx-date: Thu, 11 Mar 2021 08:29:58 GMT\nPOST\napplication/json\napplication/x-www-form-urlencoded\n\n/?p=test";

  it("builds the six fields, the signed headers sorted by name, the empty Content-MD5 kept", () => {
    expect(appStringToSign(example)).toBe(expected);
  });

  it("signs it with the vector's secret: hmac-sha1 and hmac-sha256", () => {
    expect(hmacSignature("sha1", "AppSecretEXAMPLE", expected)).toBe("PD/nFSEZM80s838pw3TuakGnyFM=");
    expect(hmacSignature("sha256", "AppSecretEXAMPLE", expected)).toBe("hw8O1n3IQl4qokpCvhs/hiQVFeFoKWd82nehJ1ewNYo=");
  });

  it("answers a mismatch with the #-joined string to sign, in the message and a header", () => {
    const failure = signatureMismatch(expected);
    const flat = "source: apigw test#x-date: Thu, 11 Mar 2021 08:29:58 GMT#POST#application/json#application/x-www-form-urlencoded##/?p=test";
    expect(failure.status).toBe(401);
    expect(failure.message).toBe(`HMAC signature does not match, Server StringToSign:${flat}`);
    expect(failure.headers).toEqual({ [STRING_TO_SIGN_HEADER]: flat });
    // A header cannot carry what a decoded path may hold: percent-encoded there.
    expect(signatureMismatch("x-date: d\nGET\n\n\n\n/用户").headers).toEqual({ [STRING_TO_SIGN_HEADER]: "x-date:%20d#GET####/%E7%94%A8%E6%88%B7" });
  });

  it("computes Content-MD5 as Base64(MD5(body))", () => {
    expect(contentMd5(Buffer.from('{"a":1}'))).toBe("u2y1xo30ZSlByvZSo2by2A==");
  });
});

describe("PathAndParameters", () => {
  it("is the path alone without parameters", () => {
    expect(pathAndParameters("/users/1", [])).toBe("/users/1");
  });

  it("sorts by name, writes an empty value as the name alone, splices repeated names with sorted values", () => {
    expect(
      pathAndParameters("/search", [
        ["q", "b"],
        ["empty", ""],
        ["a", "2"],
        ["q", "a"],
        ["A", "upper first"],
      ]),
    ).toBe("/search?A=upper first&a=2&empty&q=a&q=b");
  });

  it("recognizes form bodies by their Content-Type, parameters and case aside", () => {
    expect(isFormBody("application/x-www-form-urlencoded; charset=utf-8")).toBe(true);
    expect(isFormBody("Application/X-WWW-Form-Urlencoded")).toBe(true);
    expect(isFormBody("application/json")).toBe(false);
    expect(isFormBody(undefined)).toBe(false);
  });
});
