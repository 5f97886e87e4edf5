/**
 * Durability and process-level behaviour: `npm start`'s entry point on a file database,
 * killed with SIGKILL right after an acknowledged write, restarted, and the service is there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tencentcloud from "tencentcloud-sdk-nodejs";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "apigw-durability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `src/main.ts` like `npm start` does and waits for it to print its addresses. */
function start(env: Record<string, string>): Promise<{ proc: ChildProcess; output: string; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, APIGW_LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    proc.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      const m = /control API\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m && output.includes("SecretKey")) {
        clearTimeout(timer);
        resolve({ proc, output, port: Number(m[1]) });
      }
    });
    proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function client(port: number, secretId: string, secretKey: string) {
  return new tencentcloud.apigateway.v20180808.Client({
    credential: { secretId, secretKey },
    region: "ap-guangzhou",
    profile: { httpProfile: { protocol: "http://", endpoint: `127.0.0.1:${port}`, reqTimeout: 10 } },
  });
}

describe("file database", () => {
  it("keeps an acknowledged service across SIGKILL, and the generated key pair across restarts", async () => {
    const env = { APIGW_DB: join(dir, "apigw.db"), APIGW_CONTROL_PORT: "0", APIGW_GATEWAY_PORT: "0" };
    const first = await start(env);
    const secretId = /SecretId\s+(\S+)/.exec(first.output)![1]!;
    const secretKey = /SecretKey\s+(\S+)/.exec(first.output)![1]!;
    expect(first.output).toContain("generated now");
    const created = await client(first.port, secretId, secretKey).CreateService({ ServiceName: "durable", Protocol: "http" });
    first.proc.kill("SIGKILL");
    await new Promise((r) => first.proc.once("exit", r));

    const second = await start(env);
    try {
      expect(second.output).toContain(secretId);
      expect(second.output).not.toContain("generated now");
      const found = await client(second.port, secretId, secretKey).DescribeService({ ServiceId: created.ServiceId! });
      expect(found.ServiceName).toBe("durable");
    } finally {
      second.proc.kill("SIGTERM");
    }
  });

  it("uses the key pair given by APIGW_SECRET_ID / APIGW_SECRET_KEY", async () => {
    const env = {
      APIGW_DB: join(dir, "fixed.db"),
      APIGW_CONTROL_PORT: "0",
      APIGW_GATEWAY_PORT: "0",
      APIGW_SECRET_ID: "AKIDfixedForTests00000000000000",
      APIGW_SECRET_KEY: "fixedSecretKeyForTests",
    };
    const server = await start(env);
    try {
      const r = await client(server.port, env.APIGW_SECRET_ID, env.APIGW_SECRET_KEY).DescribeServicesStatus({});
      expect(r.Result?.TotalCount).toBe(0);
    } finally {
      server.proc.kill("SIGTERM");
    }
  });
});
