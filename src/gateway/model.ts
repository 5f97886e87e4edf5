/**
 * The gateway's compiled view of what is published: built from release snapshots when the
 * configuration changes, read (never written) per request.
 *
 *   host ──▶ CompiledService ──▶ environment name ──▶ CompiledEnvironment ──▶ RouteTable ──▶ CompiledApi
 *
 * Policies that change without a re-release (keys, usage plans, IP strategies, plugins,
 * custom domains) are meant to hang off these objects: per service (custom domains, service
 * QPS), per environment (usage plans) and per API (auth, plugins, API QPS).
 */
import type { Dispatcher } from "undici";
import type { BackendPathTemplate } from "./backend-path.js";
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
}

export interface CompiledEnvironment {
  name: string;
  versionName: string;
  routes: RouteTable<CompiledApi>;
  apis: Map<string, CompiledApi>;
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
  /** The API's "support CORS" option (DATAPLANE §7.2). */
  cors: boolean;
  params: ParamPlan;
  backend: Backend;
}

export type Backend = HttpBackend | MockBackend | UnavailableBackend;

export interface HttpBackend {
  kind: "http";
  /** scheme://host:port, the key of the connection pool. */
  origin: string;
  pool: Dispatcher;
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
