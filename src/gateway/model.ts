/**
 * The gateway's compiled view of what is published: built from release snapshots when the
 * configuration changes, read (never written) per request.
 *
 *   host ──▶ CompiledService ──▶ environment name ──▶ CompiledEnvironment ──▶ RouteTable ──▶ CompiledApi
 *
 * Policies that change without a re-release hang off these objects and are recompiled with
 * them: the account's API keys on the service, usage-plan keys on the environment, limits and
 * key grants on each API (policy.ts); authorized applications, IP rules, CORS and the plugins
 * on each API (api-policies.ts). The OAuth link is part of the release (oauth.ts).
 */
import type { LimitLayer, RunningTotal } from "../limits/meters.js";
import type { BackendPathTemplate } from "./backend-path.js";
import type { CorsPolicy } from "./cors.js";
import type { CustomAuth } from "./custom-auth.js";
import type { RequestEdits } from "./custom-req.js";
import type { IpRule } from "./ip-access.js";
import type { OauthLink } from "./oauth.js";
import type { TrafficPolicy } from "./traffic.js";
import type { BackendDispatcher } from "./upstream.js";
import type { ParamPlan } from "./params.js";
import type { RouteTable } from "./router.js";

export interface CompiledService {
  appId: string;
  region: string;
  serviceId: string;
  /** Lower-case host names that reach this service (its default domains). */
  hosts: string[];
  /** Only the environments that are online. */
  environments: Map<string, CompiledEnvironment>;
  /**
   * Every API key of the service's account and region, by AccessKeyId: one map shared by the
   * account's services and refreshed in place, so a key change reaches all of them at once.
   */
  keys: ReadonlyMap<string, GatewayKey>;
}

export interface CompiledEnvironment {
  name: string;
  versionName: string;
  routes: RouteTable<CompiledApi>;
  apis: Map<string, CompiledApi>;
  /** Keys bound through a usage plan to this service environment or to any of its APIs. */
  planKeys: ReadonlySet<string>;
  /** Applications authorized to any API of this service environment, by ApiAppKey (APP auth, §5.3). */
  apps: ReadonlyMap<string, AppGrant>;
}

export interface CompiledApi {
  id: string;
  name: string;
  serviceId: string;
  environment: string;
  /** GET, POST, …, or ANY. */
  method: string;
  /** The frontend path as configured, with its `=` / `^~` marker. */
  path: string;
  authType: string;
  /** CORS (DATAPLANE §7.2): the Cors plugin when one is bound, else the API's "support CORS" option, else none. */
  cors: CorsPolicy | undefined;
  params: ParamPlan;
  backend: Backend;
  /** Limits on every call (DATAPLANE §6.1): the service environment's QPS, then the API's own when set. */
  limits: readonly CompiledLimit[];
  /** Keys admitted to this API in this environment (usage plan bound to the API or the service), by AccessKeyId. */
  grants: ReadonlyMap<string, KeyGrant>;
  /** Applications authorized to this API in this environment, by ApiAppKey. */
  apps: ReadonlyMap<string, AppGrant>;
  /** An OAuth 2.0 business API's authorization API; undefined for every other API. */
  oauth: OauthLink | undefined;
  /** IP strategies and the IPControl plugin: each must admit the client (§7.1). */
  ipRules: readonly IpRule[];
  /** The traffic-control plugin (basic or by parameter), per-request layers after `limits`. */
  traffic: TrafficPolicy | undefined;
  /** The CustomAuth plugin. */
  customAuth: CustomAuth | undefined;
  /** The CustomReq plugin. */
  customReq: RequestEdits | undefined;
}

/** An application authorized (APP auth) to an API in an environment. */
export interface AppGrant {
  apiAppId: string;
  apiAppKey: string;
  secret: string;
}

/** An API key as the gateway checks signatures with it. */
export interface GatewayKey {
  secret: string;
  enabled: boolean;
}

/** A limit layer and the 429 the gateway answers when it is exhausted. */
export interface CompiledLimit extends LimitLayer {
  /** Says which limit and how much (DATAPLANE §6.4 message first). */
  message: string;
  /** QPS limits free up in the next second; a quota does not. */
  perSecond: boolean;
}

/** One key admitted to one API in one environment by its usage plan (DATAPLANE §5.6). */
export interface KeyGrant {
  accessKeyId: string;
  usagePlanId: string;
  /** Every limit on this key's calls of the API: the API's limits, then the plan's QPS (if set) and quota. */
  limits: readonly CompiledLimit[];
  /** Requests of this key counted against the plan's quota (counted also when the plan sets no quota). */
  quota: RunningTotal;
  /** "/<MaxRequestNum>" or "/unlimited": the tail of X-RateLimit-Used. */
  quotaTail: string;
  /** X-Secret-ID, X-UsagePlan-ID and X-RateLimit-Limit, fixed for this key and plan. */
  headers: Readonly<Record<string, string>>;
}

export type Backend = HttpBackend | MockBackend | UnavailableBackend;

export interface HttpBackend {
  kind: "http";
  /** scheme://host:port, the key of the connection pool. */
  origin: string;
  pool: BackendDispatcher;
  /** A path given in the backend URL itself, without a trailing "/"; usually "". */
  basePath: string;
  /** ServiceConfig.Path; undefined when empty: the whole request path is passed through. */
  path: BackendPathTemplate | undefined;
  /** The backend method; undefined for ANY (the caller's method is kept). */
  method: string | undefined;
  timeoutMs: number;
}

/** A fixed answer (ServiceMockReturnMessage), prepared once. */
export interface MockBackend {
  kind: "mock";
  body: Buffer;
  contentType: string;
  /** The body gzipped, when §4.11 allows compressing it. */
  gzipped: Buffer | undefined;
}

/** A backend this local gateway cannot call: answers 502 with `message`. */
export interface UnavailableBackend {
  kind: "unavailable";
  message: string;
}
