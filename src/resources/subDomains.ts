/**
 * Custom domains (DATAPLANE §1.4): a host name bound to one service (across every account: it
 * is a host name), at most 5 per service, HTTP and/or HTTPS, the default path mapping
 * (`/{environment}/…`) or up to three custom path mappings (path prefix → environment).
 *
 * Stored in `sub_domains` with the lower-case domain as the row id, so a name can be bound only
 * once in the whole store, and the service as parent. The gateway compiles them per service
 * (src/gateway/domains.ts) and reloads them on the service's change event.
 */
import type { Config } from "../config.js";
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import { ENVIRONMENTS } from "./environments.js";
import { services, type ServiceRecord } from "./services.js";

export interface PathMappingRecord {
  Path: string;
  Environment: string;
}

export interface SubDomainRecord {
  DomainName: string;
  ServiceId: string;
  /** http, https or http&https. */
  Protocol: string;
  /** OUTER or INNER. */
  NetType: string;
  /** The service's default domain the custom one is CNAMEd to. */
  NetSubDomain: string;
  CertificateId: string;
  IsDefaultMapping: boolean;
  /** Custom path mappings; empty with the default mapping. */
  PathMappingSet: PathMappingRecord[];
  IsForcedHttps: boolean;
  CreatedTime: string;
  ModifiedTime: string;
}

export const subDomains = repository<SubDomainRecord>("sub_domains", (id) =>
  new ApiError("FailedOperation.DomainNotBindService", `Domain \`${id}\` is not bound to this service.`),
);

/** The custom domains of a service, oldest first. */
export function serviceDomains(db: Db, scope: Scope, serviceId: string): Promise<SubDomainRecord[]> {
  return subDomains.list(db, scope, serviceId);
}

/** Where a domain is bound, in any account and region; undefined when it is free. */
export async function domainOwner(db: Db, domain: string): Promise<{ appId: string; region: string; serviceId: string } | undefined> {
  const row = await db.selectFrom("sub_domains").select(["app_id", "region", "parent_id"]).where("id", "=", domain.toLowerCase()).executeTakeFirst();
  return row ? { appId: row.app_id, region: row.region, serviceId: row.parent_id ?? "" } : undefined;
}

/** The domain as bound to this service, or undefined. */
export async function boundDomain(db: Db, scope: Scope, serviceId: string, domain: string): Promise<SubDomainRecord | undefined> {
  const record = await subDomains.find(db, scope, domain.toLowerCase());
  return record && record.ServiceId === serviceId ? record : undefined;
}

/**
 * A host name as DNS accepts it: labels of letters, digits and `-` (not at either end), 1–63
 * characters each, at least two labels, at most 253 characters, a top-level label that is not
 * all digits (so IP addresses are refused).
 */
export function isDomainName(value: string): boolean {
  if (value.length > 253 || value.endsWith(".")) return false;
  const labels = value.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]!);
}

/** Domains under the gateway's own suffix would shadow default service domains. */
export function isReservedDomain(config: Config, domain: string): boolean {
  const suffix = config.domainSuffix.toLowerCase();
  const d = domain.toLowerCase();
  return d === suffix || d.endsWith(`.${suffix}`);
}

export const PROTOCOLS = ["http", "https", "http&https"] as const;

export const includesHttps = (protocol: string) => protocol === "https" || protocol === "http&https";

/** The service's default domain for a network type ("" when the service does not have that type). */
export function defaultDomainFor(service: ServiceRecord, netType: string): string {
  if (!service.NetTypes.includes(netType)) return "";
  return netType === "INNER" ? service.InnerSubDomain : service.OuterSubDomain;
}

/** The error codes a page documents for each way a PathMappingSet can be wrong. */
export interface MappingCodes {
  empty: string;
  tooMany: string;
  path: string;
  environment: string;
  repeated: string;
}

export const MAX_PATH_MAPPINGS = 3;

/**
 * Checks a custom PathMappingSet: 1–3 entries, each Path `/` or `/seg[/seg…]` of letters,
 * digits and `_ - . ~` (no `.`/`..` segment, no trailing `/`), each Environment test, prepub or
 * release, no path and no environment twice. Returns the set normalized (paths as given).
 */
export function checkPathMappings(set: PathMappingRecord[] | undefined, codes: MappingCodes): PathMappingRecord[] {
  if (!set || set.length === 0) {
    throw new ApiError(codes.empty, "`PathMappingSet` must list at least one path mapping when `IsDefaultMapping` is false.");
  }
  if (set.length > MAX_PATH_MAPPINGS) {
    throw new ApiError(codes.tooMany, `\`PathMappingSet\` lists ${set.length} mappings; at most ${MAX_PATH_MAPPINGS} (one per environment) are allowed.`);
  }
  const paths = new Set<string>();
  const envs = new Set<string>();
  set.forEach((m, i) => {
    if (!isMappingPath(m.Path)) {
      throw new ApiError(
        codes.path,
        `\`PathMappingSet.${i}.Path\` \`${m.Path}\` is not a valid path: use \`/\` or \`/segment[/segment…]\` (letters, digits, _ - . ~), without a trailing \`/\`.`,
      );
    }
    if (!(ENVIRONMENTS as readonly string[]).includes(m.Environment)) {
      throw new ApiError(codes.environment, `\`PathMappingSet.${i}.Environment\` must be one of ${ENVIRONMENTS.join(", ")}, got \`${m.Environment}\`.`);
    }
    if (paths.has(m.Path)) throw new ApiError(codes.repeated, `\`PathMappingSet\` maps the path \`${m.Path}\` twice.`);
    if (envs.has(m.Environment)) throw new ApiError(codes.repeated, `\`PathMappingSet\` maps the environment \`${m.Environment}\` twice.`);
    paths.add(m.Path);
    envs.add(m.Environment);
  });
  return set.map((m) => ({ Path: m.Path, Environment: m.Environment }));
}

function isMappingPath(path: string): boolean {
  if (path === "/") return true;
  if (!/^(\/[A-Za-z0-9_.~-]+)+$/.test(path)) return false;
  return !path.split("/").some((seg) => seg === "." || seg === "..");
}

/** The DomainSetList entry (DescribeServiceSubDomains). */
export function domainSetEntry(d: SubDomainRecord) {
  return {
    DomainName: d.DomainName,
    // CNAME resolution is not checked locally (F2:L742): every bound domain counts as resolved.
    Status: 1,
    CertificateId: d.CertificateId,
    IsDefaultMapping: d.IsDefaultMapping,
    Protocol: d.Protocol,
    NetType: d.NetType,
    IsForcedHttps: d.IsForcedHttps,
    RegistrationStatus: true,
  };
}

/** The service, or `code` (each custom-domain page documents its own not-found code). */
export async function serviceOrFail(db: Db, scope: Scope, serviceId: string, code: string): Promise<ServiceRecord> {
  const service = await services.find(db, scope, serviceId);
  if (!service) throw new ApiError(code, `Service \`${serviceId}\` does not exist in this region.`);
  return service;
}

/** A certificate id as the SSL service shapes them (there is no certificate store locally). */
export function checkCertificateId(id: string, code: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new ApiError(code, `\`CertificateId\` \`${id}\` is not a certificate id (1 to 64 letters, digits, _ or -).`);
  }
}
