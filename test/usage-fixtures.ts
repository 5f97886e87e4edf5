/** Fixtures shared by the usage-plan, API-key and strategy suites: services, APIs, releases. */
import type { ApigatewayClient } from "./helpers.js";

let n = 0;

export async function createService(c: ApigatewayClient, name = `svc_${++n}`): Promise<string> {
  return (await c.CreateService({ ServiceName: name, Protocol: "http" })).ServiceId!;
}

export async function createApi(c: ApigatewayClient, serviceId: string, path = `/p${++n}`): Promise<string> {
  const r = await c.CreateApi({
    ServiceId: serviceId,
    ServiceType: "MOCK",
    ServiceMockReturnMessage: "ok",
    ServiceTimeout: 15,
    Protocol: "HTTP",
    AuthType: "SECRET",
    RequestConfig: { Path: path, Method: "GET" },
  });
  return r.Result!.ApiId!;
}

export async function release(c: ApigatewayClient, serviceId: string, env: "test" | "prepub" | "release"): Promise<void> {
  await c.ReleaseService({ ServiceId: serviceId, EnvironmentName: env, ReleaseDesc: "fixture release" });
}

export async function createPlan(c: ApigatewayClient, name = `plan_${++n}`, extra: { MaxRequestNum?: number; MaxRequestNumPreSec?: number } = {}): Promise<string> {
  return (await c.CreateUsagePlan({ UsagePlanName: name, ...extra })).Result!.UsagePlanId!;
}

export async function createKey(c: ApigatewayClient, name = `key_${++n}`): Promise<string> {
  return (await c.CreateApiKey({ SecretName: name })).Result!.AccessKeyId!;
}
