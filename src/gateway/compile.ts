/**
 * Release snapshot → compiled objects (model.ts). Runs on start and on each change event,
 * never per request: everything a request needs is parsed, split and prepared here.
 */
import { gzipSync } from "node:zlib";
import type { ApiRecord } from "../resources/apis.js";
import type { ReleaseRecord } from "../resources/releases.js";
import type { ServiceRecord } from "../resources/services.js";
import { log } from "../log.js";
import { BackendPathTemplate } from "./backend-path.js";
import { GZIP_MIN_BYTES, isCompressibleType } from "./compression.js";
import type { Backend, CompiledApi, CompiledEnvironment, CompiledService, MockBackend } from "./model.js";
import { API_OPTION_CORS } from "./cors.js";
import { linkOauthApis } from "./oauth.js";
import { compileParamPlan } from "./params.js";
import { parseApiPath, RouteTable } from "./router.js";
import type { UpstreamPools } from "./upstream.js";

/** DATAPLANE §4.2: 15 s unless the API says otherwise. */
export const DEFAULT_BACKEND_TIMEOUT_S = 15;

/** A service as loaded from the store: its live record and the releases its online environments serve. */
export interface PublishedService {
  appId: string;
  region: string;
  service: ServiceRecord;
  environments: Array<{ name: string; release: ReleaseRecord }>;
}

export function compileService(published: PublishedService, pools: UpstreamPools): CompiledService {
  const { service } = published;
  const environments = new Map<string, CompiledEnvironment>();
  for (const env of published.environments) environments.set(env.name, compileEnvironment(env.name, env.release, pools));
  const hosts = [service.OuterSubDomain, service.InnerSubDomain].filter(Boolean).map((h) => h.toLowerCase());
  return { appId: published.appId, region: published.region, serviceId: service.ServiceId, hosts, environments, keys: new Map() };
}

function compileEnvironment(name: string, release: ReleaseRecord, pools: UpstreamPools): CompiledEnvironment {
  const routes = new RouteTable<CompiledApi>();
  const apis = new Map<string, CompiledApi>();
  for (const record of release.Apis) {
    const api = compileApi(record, name, pools);
    if (!routes.add(api.path, api.method, api)) {
      log.warn("gateway: two APIs share a path and method; the first one serves", {
        serviceId: release.ServiceId,
        environment: name,
        apiId: api.id,
        path: api.path,
        method: api.method,
      });
      continue;
    }
    apis.set(api.id, api);
  }
  linkOauthApis(release.Apis, apis);
  return { name, versionName: release.VersionName, routes, apis, planKeys: new Set(), apps: new Map() };
}

export function compileApi(record: ApiRecord, environment: string, pools: UpstreamPools): CompiledApi {
  const path = record.RequestConfig?.Path || "/";
  return {
    id: record.ApiId,
    name: record.ApiName,
    serviceId: record.ServiceId,
    environment,
    method: (record.RequestConfig?.Method || "ANY").toUpperCase(),
    path,
    authType: record.AuthType || "NONE",
    cors: record.EnableCORS === true ? API_OPTION_CORS : undefined,
    params: compileParamPlan(record, parseApiPath(path).paramNames),
    backend: compileBackend(record, pools),
    // Usage plans and throttling come from policy.ts, applications, IP rules and plugins from
    // api-policies.ts, applied once the service is compiled; the OAuth link from linkOauthApis.
    limits: [],
    grants: new Map(),
    apps: new Map(),
    oauth: undefined,
    ipRules: [],
    traffic: undefined,
    customAuth: undefined,
    customReq: undefined,
  };
}

/** Backend types that need the cloud; they are served only when an HTTP URL is configured (DESIGN). */
const CLOUD_BACKENDS: Record<string, string> = {
  SCF: "a serverless cloud function",
  TSF: "a TSF microservice",
  COS: "a COS bucket",
  VPC: "a VPC resource",
  TARGET: "a VPC upstream (TARGET)",
  WEBSOCKET: "a WebSocket backend",
};

function compileBackend(record: ApiRecord, pools: UpstreamPools): Backend {
  const type = (record.ServiceType || "HTTP").toUpperCase();
  if (type === "MOCK") return mockBackend(record.ServiceMockReturnMessage ?? "");
  const url = parseHttpUrl(record.ServiceConfig?.Url);
  if (url) {
    const timeoutS = record.ServiceTimeout > 0 ? record.ServiceTimeout : DEFAULT_BACKEND_TIMEOUT_S;
    const method = (record.ServiceConfig?.Method || "ANY").toUpperCase();
    return {
      kind: "http",
      origin: url.origin,
      pool: pools.backend(url.origin),
      basePath: url.pathname.replace(/\/+$/, ""),
      path: record.ServiceConfig?.Path ? BackendPathTemplate.compile(record.ServiceConfig.Path) : undefined,
      method: method === "ANY" ? undefined : method,
      timeoutMs: timeoutS * 1000,
    };
  }
  if (type === "HTTP") {
    return { kind: "unavailable", message: `The API's backend URL \`${record.ServiceConfig?.Url ?? ""}\` is not an http:// or https:// URL.` };
  }
  const what = CLOUD_BACKENDS[type] ?? `a ${type} backend`;
  return {
    kind: "unavailable",
    message: `Backend type ${type} (${what}) is not available in this local gateway; give the API an HTTP backend URL to call it here.`,
  };
}

function parseHttpUrl(raw: string | undefined): URL | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** DATAPLANE §4.8: the message verbatim, as JSON when it parses as JSON, as text otherwise. */
function mockBackend(message: string): MockBackend {
  const body = Buffer.from(message, "utf8");
  const contentType = parsesAsJson(message) ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
  const gzipped = body.length > GZIP_MIN_BYTES && isCompressibleType(contentType) ? gzipSync(body) : undefined;
  return { kind: "mock", body, contentType, gzipped };
}

function parsesAsJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
