/**
 * IP strategies (服务IP策略): a WHITE or BLACK list of IPs and CIDRs belonging to a service,
 * bound to some of its APIs per environment ("ipStrategy-api" bindings, see bindings.ts).
 * Rows of `ip_strategies` have the service as parent.
 *
 * IP lists (StrategyData here, `blocks` of the IPControl plugin) are IPv4 / IPv6 addresses and
 * CIDRs separated by newlines (the API document: "多个ip 使用\n 分隔符分开") or semicolons (the
 * plugin page: "多个 IP 或 CIDR 间用英文分号分隔"); both are accepted (DATAPLANE §7.1).
 * Surrounding blanks and empty entries (a trailing newline) are ignored.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { ApiError, errors } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";

export interface IPStrategyRecord {
  StrategyId: string;
  StrategyName: string;
  /** WHITE or BLACK. */
  StrategyType: string;
  /** As given: the list, separated by newlines or `;`. */
  StrategyData: string;
  ServiceId: string;
  CreatedTime: string;
  ModifiedTime: string;
}

export const ipStrategies = repository<IPStrategyRecord>("ip_strategies", (id) =>
  new ApiError("ResourceNotFound.InvalidIPStrategy", `IP strategy \`${id}\` does not exist in this service.`),
);

/** The strategy, which must belong to the service (another service's is not found either). */
export async function getServiceStrategy(db: Db, scope: Scope, serviceId: string, strategyId: string): Promise<IPStrategyRecord> {
  const s = await ipStrategies.find(db, scope, strategyId);
  if (!s || s.ServiceId !== serviceId) {
    throw new ApiError("ResourceNotFound.InvalidIPStrategy", `IP strategy \`${strategyId}\` does not exist in service \`${serviceId}\`.`);
  }
  return s;
}

/**
 * Checks StrategyData: a malformed list answers InvalidParameter.FormatError naming the
 * entry; more than `maxEntries` entries, LimitExceeded.IpStrategyLimitExceeded.
 */
export function checkStrategyData(text: string, maxEntries: number): IpEntry[] {
  const parsed = parseIpList(text, maxEntries);
  if (Array.isArray(parsed)) return parsed;
  if (parsed.tooMany) throw new ApiError("LimitExceeded.IpStrategyLimitExceeded", `StrategyData ${parsed.error}.`);
  throw errors.value("StrategyData", parsed.error, "InvalidParameter.FormatError");
}

/** One entry of an IP list: an address (prefix = full length) or a CIDR. */
export interface IpEntry {
  /** As written, trimmed. */
  text: string;
  family: "ipv4" | "ipv6";
  address: string;
  prefix: number;
}

/**
 * Splits and checks an IP list. Returns the entries, or the reason it is malformed (naming
 * the entry): not an IPv4/IPv6 address or CIDR, a prefix out of range, or an empty list.
 */
/** Parses an IP list; `maxEntries` is the configured limit when validating input. */
export function parseIpList(text: string, maxEntries = Number.MAX_SAFE_INTEGER): IpEntry[] | { error: string; tooMany?: boolean } {
  const parts = text
    .split(/[\n;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return { error: "must list at least one IP or CIDR (separated by newlines or `;`)" };
  if (parts.length > maxEntries) return { error: `lists ${parts.length} entries, more than the limit of ${maxEntries}`, tooMany: true };
  const out: IpEntry[] = [];
  for (const [i, p] of parts.entries()) {
    const entry = parseIpEntry(p);
    if (!entry) return { error: `entry ${i + 1} \`${p}\` is not an IPv4 or IPv6 address or CIDR` };
    out.push(entry);
  }
  return out;
}

function parseIpEntry(p: string): IpEntry | undefined {
  const slash = p.indexOf("/");
  const address = slash < 0 ? p : p.slice(0, slash);
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
  if (!family) return undefined;
  const max = family === "ipv4" ? 32 : 128;
  if (slash < 0) return { text: p, family, address, prefix: max };
  const bits = p.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return { text: p, family, address, prefix: Number(bits) };
}

/**
 * Pure, for the gateway: a predicate telling whether a client IP (v4, v6 or v4-mapped v6) is
 * in the list.
 */
export function ipMatcher(entries: IpEntry[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const e of entries) {
    if (e.prefix === (e.family === "ipv4" ? 32 : 128)) list.addAddress(e.address, e.family);
    else list.addSubnet(e.address, e.prefix, e.family);
  }
  return (ip: string) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    const addr = mapped ? mapped[1]! : ip;
    if (isIPv4(addr)) return list.check(addr, "ipv4");
    if (isIPv6(addr)) return list.check(addr, "ipv6");
    return false;
  };
}

/** The IPStrategy structure (without bound APIs: the actions add BindApiTotalCount/BindApis). */
export function ipStrategyView(s: IPStrategyRecord) {
  return {
    StrategyId: s.StrategyId,
    StrategyName: s.StrategyName,
    StrategyType: s.StrategyType,
    StrategyData: s.StrategyData,
    CreatedTime: s.CreatedTime,
    ModifiedTime: s.ModifiedTime,
    ServiceId: s.ServiceId,
  };
}
