/** Signature vectors: the document's worked examples and requests captured from the SDK. */
import { describe, expect, it } from "vitest";
import {
  parseTc3Authorization,
  tc3CanonicalRequest,
  tc3Sign,
  tc3StringToSign,
  v1Sign,
  v1StringToSign,
} from "../src/control/signature.js";

describe("v1 signature (document: 签名方法 v1)", () => {
  // The document's example. Its text was rewritten for another host, but the printed
  // signature is the one computed over the original host, cvm.tencentcloudapi.com.
  const params = {
    Action: "DescribeInstances",
    "InstanceIds.0": "ins-09dx96dg",
    Limit: "20",
    Nonce: "11886",
    Offset: "0",
    Region: "ap-guangzhou",
    SecretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
    Timestamp: "1465185768",
    Version: "2017-03-12",
  };

  it("builds the documented string to sign", () => {
    expect(v1StringToSign("GET", "cvm.tencentcloudapi.com/", params)).toBe(
      "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12",
    );
  });

  it("reproduces EliP9YW3pW28FpsEdkXt/+WcGeI=", () => {
    const sts = v1StringToSign("GET", "cvm.tencentcloudapi.com/", params);
    expect(v1Sign(sts, "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "HmacSHA1")).toBe("EliP9YW3pW28FpsEdkXt/+WcGeI=");
  });

  it("reproduces SDK captures (HmacSHA256 POST, HmacSHA1 GET; values not URL-encoded)", () => {
    const base = {
      Action: "CreateService",
      IpVersion: "IPv4",
      "NetTypes.0": "OUTER",
      "NetTypes.1": "INNER",
      Protocol: "http&https",
      Region: "ap-guangzhou",
      RequestClient: "SDK_NODEJS_4.1.313",
      SecretId: "AKIDprobeSecretId0000000000000000",
      ServiceDesc: "a=b&c d/é",
      ServiceName: "probe svc",
      "Tags.0.Key": "env",
      "Tags.0.Value": "dev",
      "Tags.1.Key": "team",
      "Tags.1.Value": "x y",
      Timestamp: "1795455237",
      Version: "2018-08-08",
    };
    const key = "probeSecretKey000000000000000000";
    const post = { ...base, Nonce: "57939", SignatureMethod: "HmacSHA256" };
    expect(v1Sign(v1StringToSign("POST", "127.0.0.1:18080/", post), key, "HmacSHA256")).toBe("lG4Aow0w8wkUVXbApYQDXettcvHB3B74JQDMd7A3DLw=");
    const get = { ...base, Nonce: "65194", SignatureMethod: "HmacSHA1" };
    expect(v1Sign(v1StringToSign("GET", "127.0.0.1:18080/", get), key, "HmacSHA1")).toBe("l4002sNgSNqvhvQYlSbwyKgET+Q=");
  });
});

describe("TC3-HMAC-SHA256 (document: 签名方法 v3)", () => {
  it("reproduces the document's GET example 5da7a33f…", () => {
    const canonical = tc3CanonicalRequest({
      method: "GET",
      query: "Limit=10&Offset=0",
      headers: [
        ["content-type", "application/x-www-form-urlencoded"],
        ["host", "cvm.tencentcloudapi.com"],
      ],
      payload: "",
    });
    const sts = tc3StringToSign(1539084154, "2018-10-09", "cvm", canonical);
    expect(tc3Sign("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2018-10-09", "cvm", sts)).toBe(
      "5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474",
    );
  });

  it("reproduces an SDK capture: host without port, service from the endpoint (127)", () => {
    const body =
      '{"ServiceName":"probe svc","Protocol":"http&https","ServiceDesc":"a=b&c d/é","NetTypes":["OUTER","INNER"],"IpVersion":"IPv4","Tags":[{"Key":"env","Value":"dev"},{"Key":"team","Value":"x y"}]}';
    const canonical = tc3CanonicalRequest({
      method: "POST",
      query: "",
      headers: [
        ["content-type", "application/json"],
        ["host", "127.0.0.1"],
      ],
      payload: Buffer.from(body),
    });
    expect(canonical.split("\n").at(-1)).toBe("e82a5c7baad82dab31dc89198435834f41c0170f78376a18c9eb160574fab395");
    const sts = tc3StringToSign(1795455237, "2026-11-23", "127", canonical);
    expect(tc3Sign("probeSecretKey000000000000000000", "2026-11-23", "127", sts)).toBe(
      "82a654ef62108c10e09e6793db42669a8ca18bd8aaf06004dbdc8c944d4f32c9",
    );
  });

  it("parses the Authorization header, including a service with a port", () => {
    expect(
      parseTc3Authorization(
        "TC3-HMAC-SHA256 Credential=AKIDx/2026-11-23/localhost:18080/tc3_request, SignedHeaders=content-type;host, Signature=abc",
      ),
    ).toEqual({ secretId: "AKIDx", date: "2026-11-23", service: "localhost:18080", signedHeaders: ["content-type", "host"], signature: "abc" });
    expect(parseTc3Authorization("Bearer x")).toBeUndefined();
  });
});
