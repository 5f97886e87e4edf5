/** Test helpers: a server on ephemeral ports with an in-memory store, and SDK clients for it. */
import * as tencentcloud from "tencentcloud-sdk-nodejs";
import { loadConfig, type Config } from "../src/config.js";
import { startApigw, type Apigw } from "../src/server.js";

export type SignMethod = "TC3-HMAC-SHA256" | "HmacSHA1" | "HmacSHA256";
export type ApigatewayClient = InstanceType<typeof tencentcloud.apigateway.v20180808.Client>;

export interface TestServer {
  apigw: Apigw;
  secretId: string;
  secretKey: string;
  client(options?: { signMethod?: SignMethod; reqMethod?: "POST" | "GET"; region?: string; secretId?: string; secretKey?: string }): ApigatewayClient;
  close(): Promise<void>;
}

/**
 * The per-action rate limit is off unless a test turns it on (`{ actionRateLimit: true }`):
 * suites create resources faster than 20 per second.
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  env: NodeJS.ProcessEnv = {},
  options: Parameters<typeof startApigw>[1] = {},
): Promise<TestServer> {
  const config = loadConfig(
    { APIGW_LOG_LEVEL: "silent", ...env },
    { controlPort: 0, gatewayPort: 0, db: ":memory:", actionRateLimit: false, ...overrides },
  );
  const apigw = await startApigw(config, options);
  const { secretId, secretKey } = apigw.defaultKey;
  return {
    apigw,
    secretId,
    secretKey,
    client(o = {}) {
      return new tencentcloud.apigateway.v20180808.Client({
        credential: { secretId: o.secretId ?? secretId, secretKey: o.secretKey ?? secretKey },
        region: o.region ?? "ap-guangzhou",
        profile: {
          signMethod: o.signMethod ?? "TC3-HMAC-SHA256",
          httpProfile: {
            protocol: "http://",
            endpoint: `127.0.0.1:${apigw.controlPort}`,
            reqMethod: o.reqMethod ?? "POST",
            reqTimeout: 10,
          },
        },
      });
    },
    close: () => apigw.close(),
  };
}

/** Runs `fn` and returns the SDK error it throws (failing the test if it does not). */
export async function sdkError(fn: () => Promise<unknown>): Promise<{ code: string; message: string; requestId: string }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { code?: string; message: string; requestId?: string };
    if (!err.code) throw e;
    return { code: err.code, message: err.message, requestId: err.requestId ?? "" };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
