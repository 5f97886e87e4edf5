/**
 * IP access control (DATAPLANE §7.1): the IP strategies (WHITE / BLACK) and the IPControl
 * plugin bound to an API in an environment, compiled into a list of rules that must all admit
 * the client: in every whitelist, in no blacklist. Denied: 403.
 *
 * The client IP is the TCP peer's address (an IPv4-mapped IPv6 address read as IPv4).
 * X-Forwarded-For is not trusted: any client can write it, and this gateway is meant to face
 * its callers directly.
 */
import type { ApiPolicy } from "../resources/bindings.js";

export interface IpRule {
  /** A whitelist admits only listed clients; a blacklist refuses them. */
  white: boolean;
  matches: (ip: string) => boolean;
  /** What set the rule, for the message: "IP strategy `IPStrategy-…`" or "IPControl plugin `plugin-…`". */
  source: string;
}

export function compileIpRules(policy: ApiPolicy | undefined): IpRule[] {
  if (!policy) return [];
  const rules: IpRule[] = policy.ipStrategies.map((s) => ({ white: s.type === "WHITE", matches: s.matches, source: `IP strategy \`${s.strategyId}\`` }));
  for (const p of policy.plugins) {
    if (p.plugin.type === "IPControl") rules.push({ white: p.plugin.data.mode === "white", matches: p.plugin.data.matches, source: `IPControl plugin \`${p.pluginId}\`` });
  }
  return rules;
}

/** The first rule that refuses `ip`, if any. */
export function ipDeniedBy(rules: readonly IpRule[], ip: string): IpRule | undefined {
  for (const rule of rules) if (rule.matches(ip) !== rule.white) return rule;
  return undefined;
}

export function ipDeniedMessage(rule: IpRule, ip: string): string {
  return `IP access denied: client IP ${ip} is ${rule.white ? "not in the whitelist" : "in the blacklist"} of ${rule.source} bound to this API.`;
}
