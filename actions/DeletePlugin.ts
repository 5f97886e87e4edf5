/**
 * DeletePlugin (删除插件): deletes a plugin. Refused while it is attached to APIs (ResourceInUse,
 * the common code "资源被占用"; the page lists no business code for it): detach it first
 * (DetachPlugin). Attachments left on APIs deleted from the draft go with it.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apisOf, notifyServices, PLUGIN_API, removeSubjectBindings, servicesOf, subjectBindings } from "../src/resources/bindings.js";
import { plugins } from "../src/resources/plugins.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "DeletePlugin",
  input: schema.DeletePlugin,
  async handler(input, ctx) {
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    const bindings = await subjectBindings(ctx.db, ctx.scope, PLUGIN_API, plugin.PluginId);
    const live = await apisOf(ctx.db, bindings);
    const inUse = bindings.filter((b) => live.has(b.apiId));
    if (inUse.length) {
      throw new ApiError(
        "ResourceInUse",
        `Plugin \`${plugin.PluginId}\` is attached to ${inUse.map((b) => `${b.apiId} (${b.environment})`).join(", ")}: detach it (DetachPlugin) before deleting it.`,
      );
    }
    await removeSubjectBindings(ctx.db, PLUGIN_API, plugin.PluginId);
    await plugins.remove(ctx.db, ctx.scope, plugin.PluginId);
    notifyServices(ctx, servicesOf(bindings));
    return { Result: true };
  },
});
