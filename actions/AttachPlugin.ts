/**
 * AttachPlugin (插件绑定API): attaches a plugin to APIs of a service in an environment. An API
 * has at most one plugin of each class in an environment (pluginClass: one traffic-control
 * plugin, basic or by parameter, "一个 API 上只能绑定一个流控插件"; one IPControl, one Cors, …):
 * an API that has another is refused (UnsupportedOperation.AttachPlugin) and nothing is
 * attached. Attaching again what is attached changes nothing. The environment need not be
 * published: the plugin applies to whatever the environment serves, now or later, without a
 * re-release.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { attachToApis, PLUGIN_API } from "../src/resources/bindings.js";
import { pluginClass } from "../src/resources/pluginData.js";
import { plugins } from "../src/resources/plugins.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "AttachPlugin",
  input: schema.AttachPlugin,
  async handler(input, ctx) {
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    await attachToApis(ctx, {
      kind: PLUGIN_API,
      subjectId: plugin.PluginId,
      serviceId: input.ServiceId,
      environment: input.EnvironmentName,
      apiIds: input.ApiIds,
      async conflict(api, bound) {
        for (const b of bound) {
          const other = await plugins.find(ctx.db, ctx.scope, b.subjectId);
          if (other && pluginClass(other.PluginType) === pluginClass(plugin.PluginType)) {
            return new ApiError(
              "UnsupportedOperation.AttachPlugin",
              `API \`${api.ApiId}\` already has ${other.PluginType} plugin \`${other.PluginId}\` in ${input.EnvironmentName}: an API has one ${pluginClass(plugin.PluginType)} plugin per environment. Detach it first.`,
            );
          }
        }
        return undefined;
      },
    });
    return { Result: true };
  },
});
