/**
 * Custom domains at the gateway (DATAPLANE §1.4): which service a bound host name reaches, and
 * which environment and API path a request path on it means.
 *
 * - Default mapping: `/{environment}/rest`, as on the service's default domain.
 * - Custom mappings (at most three): the longest path prefix that matches wins (`/` matches
 *   everything); the prefix is removed and the rest is matched against the API paths of the
 *   mapped environment. The default mapping is then off. No match: 404.
 * - Force HTTPS (`IsForcedHttps`, or Protocol `https` alone): a plain-HTTP request is redirected
 *   to the same URL on the gateway's HTTPS listener (301 for GET/HEAD, 308 otherwise), when the
 *   gateway has one; without one the request is served over HTTP.
 *
 * The index is rebuilt per service with the serving view (view.ts), from `sub_domains` rows.
 */
import type { Db } from "../store/db.js";
import type { SubDomainRecord } from "../resources/subDomains.js";
import type { CompiledService } from "./model.js";

export interface PathMapping {
  /** `/` or `/a/b`, no trailing slash. */
  prefix: string;
  environment: string;
}

export interface CompiledDomain {
  name: string;
  appId: string;
  region: string;
  serviceId: string;
  protocol: string;
  /** Plain-HTTP requests are redirected to HTTPS (when the gateway listens for HTTPS). */
  httpsOnly: boolean;
  /** Custom path mappings, longest prefix first; undefined for the default mapping. */
  mappings: PathMapping[] | undefined;
}

export function compileDomain(appId: string, region: string, r: SubDomainRecord): CompiledDomain {
  const mappings = r.IsDefaultMapping
    ? undefined
    : r.PathMappingSet.map((m) => ({ prefix: m.Path, environment: m.Environment })).sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    name: r.DomainName.toLowerCase(),
    appId,
    region,
    serviceId: r.ServiceId,
    protocol: r.Protocol,
    httpsOnly: r.IsForcedHttps || r.Protocol === "https",
    mappings,
  };
}

/** The environment and API path a request path means on a domain with custom mappings; undefined when none matches. */
export function mapCustomPath(mappings: readonly PathMapping[], path: string): { environment: string; path: string } | undefined {
  for (const m of mappings) {
    if (m.prefix === "/") return { environment: m.environment, path };
    if (path === m.prefix) return { environment: m.environment, path: "/" };
    if (path.startsWith(m.prefix) && path.charCodeAt(m.prefix.length) === 0x2f /* / */) {
      return { environment: m.environment, path: path.slice(m.prefix.length) };
    }
  }
  return undefined;
}

/** The `Location` of the HTTPS redirect: same host and request target, the HTTPS listener's port. */
export function httpsLocation(host: string, httpsPort: number, target: string): string {
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return `https://${hostPart}${httpsPort === 443 ? "" : `:${httpsPort}`}${target.startsWith("/") ? target : "/"}`;
}

export interface DomainRow {
  app_id: string;
  region: string;
  parent_id: string | null;
  data: string;
}

/** The `sub_domains` rows of a scope (an account-region, one service, or everything). */
export function loadDomainRows(db: Db, scope: { appId?: string; region?: string; serviceId?: string }): Promise<DomainRow[]> {
  let q = db.selectFrom("sub_domains").select(["app_id", "region", "parent_id", "data"]);
  if (scope.appId !== undefined) q = q.where("app_id", "=", scope.appId);
  if (scope.region !== undefined) q = q.where("region", "=", scope.region);
  if (scope.serviceId !== undefined) q = q.where("parent_id", "=", scope.serviceId);
  return q.execute();
}

/** A custom domain and the compiled service it reaches. */
export interface DomainRoute {
  domain: CompiledDomain;
  service: CompiledService;
}

/**
 * Custom host name → domain. The service is looked up per request through `services` (by the
 * view's service key), so a recompiled service is reached without rebuilding this index.
 */
export class DomainIndex {
  private readonly byHost = new Map<string, CompiledDomain>();

  constructor(private readonly service: (appId: string, region: string, serviceId: string) => CompiledService | undefined) {}

  lookup(host: string): DomainRoute | undefined {
    const domain = this.byHost.get(host);
    if (!domain) return undefined;
    const service = this.service(domain.appId, domain.region, domain.serviceId);
    return service ? { domain, service } : undefined;
  }

  get size(): number {
    return this.byHost.size;
  }

  /** Replaces every domain in `scope` with `rows` (read for that same scope). */
  apply(scope: { appId?: string; region?: string; serviceId?: string }, rows: readonly DomainRow[]): void {
    for (const [host, d] of this.byHost) {
      if (
        (scope.appId === undefined || d.appId === scope.appId) &&
        (scope.region === undefined || d.region === scope.region) &&
        (scope.serviceId === undefined || d.serviceId === scope.serviceId)
      ) {
        this.byHost.delete(host);
      }
    }
    for (const row of rows) {
      const domain = compileDomain(row.app_id, row.region, JSON.parse(row.data) as SubDomainRecord);
      this.byHost.set(domain.name, domain);
    }
  }
}
