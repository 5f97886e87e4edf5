/**
 * What is bound to each API per environment (bindings.ts `loadApiPolicies`: applications, IP
 * strategies, plugins) → the compiled API's apps, IP rules, CORS, traffic-control layers,
 * CustomAuth and CustomReq. Runs when the service is compiled or a binding, an application,
 * a strategy or a plugin changes, never per request. Bindings are live: they apply to whatever
 * release the environment serves, without a re-release.
 *
 * Plugins the gateway does not enforce (Routing, CircuitBreaker, ProxyCache) are ignored here.
 */
import type { MeterRegistry } from "../limits/meters.js";
import type { ServiceApiPolicies } from "../resources/bindings.js";
import { CorsPlugin } from "./cors.js";
import { CustomAuth } from "./custom-auth.js";
import { compileCustomReq } from "./custom-req.js";
import { compileIpRules } from "./ip-access.js";
import type { AppGrant, CompiledService } from "./model.js";
import { compileTrafficPlugin } from "./traffic.js";
import type { UpstreamPools } from "./upstream.js";

export interface ApiPolicyContext {
  meters: MeterRegistry;
  pools: UpstreamPools;
}

export function applyApiPolicies(service: CompiledService, policies: ServiceApiPolicies, ctx: ApiPolicyContext): void {
  for (const env of service.environments.values()) {
    const bound = policies.environments[env.name];
    if (!bound) continue;
    const envApps = new Map<string, AppGrant>();
    for (const api of env.apis.values()) {
      const policy = bound[api.id];
      if (!policy) continue;
      const apps = new Map<string, AppGrant>();
      for (const a of policy.apps) {
        const grant = envApps.get(a.apiAppKey) ?? { apiAppId: a.apiAppId, apiAppKey: a.apiAppKey, secret: a.apiAppSecret };
        envApps.set(a.apiAppKey, grant);
        apps.set(a.apiAppKey, grant);
      }
      api.apps = apps;
      api.ipRules = compileIpRules(policy);

      for (const { pluginId, plugin } of policy.plugins) {
        switch (plugin.type) {
          case "Cors":
            // The plugin overrides the API's "support CORS" option while bound (§7.2).
            api.cors = new CorsPlugin(plugin.data);
            break;
          case "TrafficControl":
          case "TrafficControlByParameter":
            api.traffic = compileTrafficPlugin(plugin, {
              meters: ctx.meters,
              meterName: `${service.appId}\u0000${service.region}\u0000${service.serviceId}\u0000${api.id}\u0000${env.name}\u0000${pluginId}`,
              apiId: api.id,
              pluginId,
            });
            break;
          case "CustomAuth":
            api.customAuth = new CustomAuth(plugin.data, ctx.pools.get(new URL(plugin.data.url).origin), pluginId);
            break;
          case "CustomReq":
            api.customReq = compileCustomReq(plugin.data);
            break;
        }
      }
    }
    env.apps = envApps;
  }
}
