/**
 * A raw control-API client for requests the SDK will not send (expired, replayed, tampered,
 * oversized…). Signs with the same rules the SDK follows (vector-tested in signature.test.ts).
 */
import { request } from "node:http";
import { tc3CanonicalRequest, tc3Sign, tc3StringToSign, utcDate, v1Sign, v1StringToSign } from "../src/control/signature.js";

export interface RawAnswer {
  status: number;
  body: { Response: { Error?: { Code: string; Message: string }; RequestId: string; [k: string]: unknown } };
}

export function send(port: number, method: string, path: string, headers: Record<string, string>, body = ""): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        try {
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode!, body: { Response: { RequestId: "", raw: text } } });
        }
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

export interface Tc3Options {
  action: string;
  params?: Record<string, unknown>;
  secretId: string;
  secretKey: string;
  region?: string;
  version?: string;
  timestamp?: number;
  /** Sign this body but send another. */
  sentBody?: string;
}

export function tc3Request(port: number, o: Tc3Options): Promise<RawAnswer> {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const date = utcDate(timestamp);
  const body = JSON.stringify(o.params ?? {});
  const canonical = tc3CanonicalRequest({
    method: "POST",
    query: "",
    headers: [
      ["content-type", "application/json"],
      ["host", "127.0.0.1"],
    ],
    payload: Buffer.from(body),
  });
  const signature = tc3Sign(o.secretKey, date, "apigateway", tc3StringToSign(timestamp, date, "apigateway", canonical));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    host: `127.0.0.1:${port}`,
    "x-tc-action": o.action,
    "x-tc-version": o.version ?? "2018-08-08",
    "x-tc-timestamp": String(timestamp),
    authorization: `TC3-HMAC-SHA256 Credential=${o.secretId}/${date}/apigateway/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
  };
  if (o.region !== "") headers["x-tc-region"] = o.region ?? "ap-guangzhou";
  return send(port, "POST", "/", headers, o.sentBody ?? body);
}

export interface V1Options {
  action: string;
  params?: Record<string, string>;
  secretId: string;
  secretKey: string;
  nonce?: number;
  timestamp?: number;
  method?: "GET" | "POST";
}

export function v1Request(port: number, o: V1Options): Promise<RawAnswer> {
  const all: Record<string, string> = {
    ...o.params,
    Action: o.action,
    Version: "2018-08-08",
    Region: "ap-guangzhou",
    Nonce: String(o.nonce ?? Math.floor(Math.random() * 65535)),
    Timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    SecretId: o.secretId,
    SignatureMethod: "HmacSHA256",
  };
  const method = o.method ?? "POST";
  const host = `127.0.0.1:${port}`;
  all.Signature = v1Sign(v1StringToSign(method, `${host}/`, all), o.secretKey, "HmacSHA256");
  const form = new URLSearchParams(all).toString();
  return method === "GET"
    ? send(port, "GET", `/?${form}`, { host })
    : send(port, "POST", "/", { host, "content-type": "application/x-www-form-urlencoded" }, form);
}
