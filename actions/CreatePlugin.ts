/**
 * CreatePlugin (创建插件): creates a plugin of a type with its configuration (PluginData, a
 * JSON string checked against the type's format: src/resources/pluginData.ts lists the formats
 * and codes). It acts once attached to APIs (AttachPlugin). PluginAttribute defaults to System.
 */
import { defineAction } from "../src/control/action.js";
import { newId } from "../src/ids.js";
import { checkPluginData } from "../src/resources/pluginData.js";
import { plugins, pluginView, type PluginRecord } from "../src/resources/plugins.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "CreatePlugin",
  input: schema.CreatePlugin,
  async handler(input, ctx) {
    checkPluginData(input.PluginType, input.PluginData);
    const now = isoTime(ctx.now);
    const plugin: PluginRecord = {
      PluginId: newId.plugin(),
      PluginName: input.PluginName,
      PluginType: input.PluginType,
      PluginData: input.PluginData,
      Description: input.Description ?? "",
      PluginAttribute: input.PluginAttribute ?? "System",
      ProjectId: input.ProjectId ?? "0",
      Tags: input.Tags ?? [],
      CreatedTime: now,
      ModifiedTime: now,
    };
    await plugins.insert(ctx.db, ctx.scope, plugin.PluginId, plugin);
    return { Result: pluginView(plugin, [], 0) };
  },
});
