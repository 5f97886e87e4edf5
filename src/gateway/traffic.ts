/**
 * The traffic-control plugins (DATAPLANE §6.2, §6.3) as limit layers, checked with the
 * service, API and usage-plan layers in one `admit` (the smallest limit wins, §6.1: every
 * layer is checked and the request refused if any is exhausted; a refused request counts
 * nowhere). Windows are fixed, aligned on multiples of their length since the epoch (a day
 * window turns at 00:00 UTC), counted with the gateway's clock.
 *
 * TrafficControl: the API's calls per window; per application (APP-authenticated calls only)
 * and per client IP. A special application's value replaces the generic application and IP
 * values for it; a special IP's value replaces them for that IP (both special: each value
 * counts in its own dimension). The API value always applies.
 *
 * TrafficControlByParameter: the default policy first (when `default_window` > 0), then the
 * strategies by descending weight, each counting calls per distinct value of its parameter
 * (a query parameter, a header, or the request path without the environment); a request
 * without the parameter is not counted by that strategy. Conditions: "" is unconditional;
 * the expression syntax is not documented (§13.22), so any other condition is also treated as
 * unconditional, logged once per plugin and condition: a strategy limits more, never less,
 * than its author may have meant.
 *
 * Counters live in the view's MeterRegistry under names of (account, region, service, API,
 * environment, plugin, dimension) and the window length: a recompile keeps them, a changed
 * window starts afresh.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { KeyedWindows, MeterRegistry } from "../limits/meters.js";
import { log } from "../log.js";
import type { PluginDataOf } from "../resources/pluginData.js";
import { firstValue } from "./forwarding.js";
import type { CompiledLimit } from "./model.js";

/** What a request offers to the plugin's dimensions. */
export interface TrafficInput {
  clientIp: string;
  /** The application of an APP-authenticated call. */
  apiAppId: string | undefined;
  headers: IncomingHttpHeaders;
  rawQuery: string;
  /** The request path without the environment. */
  path: string;
  now: number;
}

export interface TrafficPolicy {
  /** This request's layers of the plugin, checked after the API's own. */
  layers(input: TrafficInput): CompiledLimit[];
}

/** Where a plugin's counters are named (meterName + dimension). */
export interface TrafficScope {
  meters: MeterRegistry;
  /** Names the API in its environment and the plugin. */
  meterName: string;
  apiId: string;
  pluginId: string;
}

/** A limit counted per key: its value and its 429 message. */
interface KeyedLimit {
  limit: number;
  message: string;
}

const perWindow = (count: number, seconds: number) => `${count} call${count === 1 ? "" : "s"} per ${describeSeconds(seconds)}`;

function describeSeconds(seconds: number): string {
  for (const [unit, length] of [["day", 86400], ["hour", 3600], ["minute", 60]] as const) {
    if (seconds % length === 0) return seconds === length ? unit : `${seconds / length} ${unit}s`;
  }
  return seconds === 1 ? "second" : `${seconds} seconds`;
}

/** The form node gives client addresses in (IPv6 lower-case and compressed), so a configured IP compares equal. */
export function canonicalIp(ip: string): string {
  if (!ip.includes(":")) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

const layer = (windows: KeyedWindows, key: string, keyed: KeyedLimit, now: number): CompiledLimit => ({
  meter: windows.get(key, now),
  limit: keyed.limit,
  message: keyed.message,
  perSecond: windows.windowMs === 1000,
});

class BasicTrafficControl implements TrafficPolicy {
  private readonly apiLayer: CompiledLimit;
  private readonly perApp: KeyedWindows;
  private readonly perIp: KeyedWindows;
  private readonly appLimit: KeyedLimit | undefined;
  private readonly ipLimit: KeyedLimit | undefined;
  private readonly specialApps: ReadonlyMap<string, KeyedLimit>;
  private readonly specialIps: ReadonlyMap<string, KeyedLimit>;

  constructor(data: PluginDataOf<"TrafficControl">, s: TrafficScope) {
    const seconds = data.windowSeconds;
    const windowMs = seconds * 1000;
    const says = `API rate limit exceeded: TrafficControl plugin \`${s.pluginId}\` allows`;
    this.apiLayer = {
      meter: s.meters.window(`${s.meterName}\u0000api`, windowMs),
      limit: data.api_rate_limit,
      message: `${says} API \`${s.apiId}\` ${perWindow(data.api_rate_limit, seconds)}.`,
      perSecond: windowMs === 1000,
    };
    this.perApp = s.meters.keyedWindows(`${s.meterName}\u0000app`, windowMs);
    this.perIp = s.meters.keyedWindows(`${s.meterName}\u0000ip`, windowMs);
    const limit = (value: number | undefined, who: string) => (value === undefined ? undefined : { limit: value, message: `${says} ${who} ${perWindow(value, seconds)} on API \`${s.apiId}\`.` });
    this.appLimit = limit(data.app_rate_limit, "each application");
    this.ipLimit = limit(data.ip_rate_limit, "each client IP");
    this.specialApps = new Map(data.spec_app_rate_limits.map((a) => [a.app_id, limit(a.rate_limit, `application \`${a.app_id}\``)!]));
    this.specialIps = new Map(data.spec_ip_rate_limits.map((i) => [canonicalIp(i.ip_key), limit(i.rate_limit, `client IP ${i.ip_key}`)!]));
  }

  layers(input: TrafficInput): CompiledLimit[] {
    const out = [this.apiLayer];
    const app = input.apiAppId;
    const specialApp = app === undefined ? undefined : this.specialApps.get(app);
    const specialIp = this.specialIps.get(input.clientIp);
    const appLimit = specialApp ?? (specialIp ? undefined : this.appLimit);
    if (app !== undefined && appLimit) out.push(layer(this.perApp, app, appLimit, input.now));
    const ipLimit = specialIp ?? (specialApp ? undefined : this.ipLimit);
    if (ipLimit) out.push(layer(this.perIp, input.clientIp, ipLimit, input.now));
    return out;
  }
}

interface ParameterStrategy extends KeyedLimit {
  type: "query" | "header" | "path";
  /** Lower case for a header; "" for the path. */
  name: string;
  windows: KeyedWindows;
}

/** Conditions already logged, so each is logged once per process and not at every recompile. */
const loggedConditions = new Set<string>();

class ParameterTrafficControl implements TrafficPolicy {
  private readonly defaultLayer: CompiledLimit | undefined;
  private readonly strategies: ParameterStrategy[];

  constructor(data: PluginDataOf<"TrafficControlByParameter">, s: TrafficScope) {
    const says = `API rate limit exceeded: TrafficControlByParameter plugin \`${s.pluginId}\``;
    if (data.default_window > 0 && data.default_rate_limit !== undefined) {
      const windowMs = data.default_window * 1000;
      this.defaultLayer = {
        meter: s.meters.window(`${s.meterName}\u0000default`, windowMs),
        limit: data.default_rate_limit,
        message: `${says} allows API \`${s.apiId}\` ${perWindow(data.default_rate_limit, data.default_window)} (default policy).`,
        perSecond: windowMs === 1000,
      };
    }
    this.strategies = [...data.strategies]
      .sort((a, b) => b.strategy_weight - a.strategy_weight)
      .map((st) => {
        if (st.condition !== "") {
          const id = `${s.pluginId}\u0000${st.name}\u0000${st.condition}`;
          if (!loggedConditions.has(id)) {
            loggedConditions.add(id);
            log.warn("gateway: a traffic-control strategy's condition syntax is not documented; the strategy applies unconditionally", {
              pluginId: s.pluginId,
              strategy: st.name,
              condition: st.condition,
            });
          }
        }
        const parameter = st.parameters[0]!;
        const name = parameter.type === "path" ? "" : parameter.type === "header" ? parameter.name!.toLowerCase() : parameter.name!;
        const what = parameter.type === "path" ? "each request path" : `each value of ${parameter.type} parameter \`${parameter.name}\``;
        return {
          type: parameter.type,
          name,
          windows: s.meters.keyedWindows(`${s.meterName}\u0000strategy\u0000${st.name}`, st.window * 1000),
          limit: st.rate_limit,
          message: `${says} strategy \`${st.name}\` allows ${what} ${perWindow(st.rate_limit, st.window)} on API \`${s.apiId}\`.`,
        };
      });
  }

  layers(input: TrafficInput): CompiledLimit[] {
    const out: CompiledLimit[] = this.defaultLayer ? [this.defaultLayer] : [];
    let query: URLSearchParams | undefined;
    for (const st of this.strategies) {
      let value: string | undefined;
      if (st.type === "header") {
        value = firstValue(input.headers[st.name]);
      } else if (st.type === "query") {
        value = (query ??= new URLSearchParams(input.rawQuery)).get(st.name) ?? undefined;
      } else {
        value = input.path;
      }
      if (value) out.push(layer(st.windows, value, st, input.now));
    }
    return out;
  }
}

/** The traffic-control plugin's policy; at most one is bound to an API (pluginClass). */
export function compileTrafficPlugin(
  plugin: { type: "TrafficControl"; data: PluginDataOf<"TrafficControl"> } | { type: "TrafficControlByParameter"; data: PluginDataOf<"TrafficControlByParameter"> },
  scope: TrafficScope,
): TrafficPolicy {
  return plugin.type === "TrafficControl" ? new BasicTrafficControl(plugin.data, scope) : new ParameterTrafficControl(plugin.data, scope);
}
