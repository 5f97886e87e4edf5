/**
 * DetachPlugin (插件解绑API): detaches a plugin from an API in an environment. An API it is
 * not attached to is left as it is; an id that is not an API of the service answers
 * InvalidParameterValue.InvalidApiIds. Applies without a re-release.
 */
import { defineAction } from "../src/control/action.js";
import { detachFromApis, PLUGIN_API } from "../src/resources/bindings.js";
import { plugins } from "../src/resources/plugins.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "DetachPlugin",
  input: schema.DetachPlugin,
  async handler(input, ctx) {
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    await detachFromApis(ctx, {
      kind: PLUGIN_API,
      subjectId: plugin.PluginId,
      serviceId: input.ServiceId,
      environment: input.EnvironmentName,
      apiIds: [input.ApiId],
      invalidApiCode: "InvalidParameterValue.InvalidApiIds",
    });
    return { Result: true };
  },
});
