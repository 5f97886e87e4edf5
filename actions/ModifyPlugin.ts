/**
 * ModifyPlugin (修改插件): changes a plugin's name, description, project or configuration
 * (PluginData, checked against the plugin's type as on creation; the type cannot change).
 * APIs it is attached to follow at once, without a re-release (the gateway is told when the
 * name or the data changes).
 */
import { defineAction } from "../src/control/action.js";
import { notifySubjectServices, PLUGIN_API } from "../src/resources/bindings.js";
import { checkPluginData, type PluginType } from "../src/resources/pluginData.js";
import { plugins } from "../src/resources/plugins.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "ModifyPlugin",
  input: schema.ModifyPlugin,
  async handler(input, ctx) {
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    if (input.PluginData !== undefined) checkPluginData(plugin.PluginType as PluginType, input.PluginData);
    await plugins.update(ctx.db, ctx.scope, plugin.PluginId, {
      ...plugin,
      PluginName: input.PluginName ?? plugin.PluginName,
      Description: input.Description ?? plugin.Description,
      PluginData: input.PluginData ?? plugin.PluginData,
      ProjectId: input.ProjectId ?? plugin.ProjectId,
      ModifiedTime: isoTime(ctx.now),
    });
    // The gateway's view holds the name and the data.
    if (input.PluginData !== undefined || input.PluginName !== undefined) await notifySubjectServices(ctx, ctx.scope, PLUGIN_API, plugin.PluginId);
    return { Result: true };
  },
});
