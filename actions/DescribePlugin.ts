/**
 * DescribePlugin (查询插件详情): a plugin (the document's Plugin) with the APIs it is attached
 * to, most recently attached first (OrderBy asc: oldest first), paged by Limit/Offset. Filters
 * are reserved by the document: any filter name answers
 * InvalidParameterValue.InvalidFilterNotSupportedName.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, paginate } from "../src/control/listing.js";
import { attachedApiInfos, PLUGIN_API, subjectBindings } from "../src/resources/bindings.js";
import { plugins, pluginView } from "../src/resources/plugins.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "DescribePlugin",
  input: schema.DescribePlugin,
  async handler(input, ctx) {
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    applyFilters([], input.Filters, {});
    const bindings = await subjectBindings(ctx.db, ctx.scope, PLUGIN_API, plugin.PluginId);
    if (input.OrderBy?.toLowerCase() === "asc") bindings.reverse();
    const page = paginate(bindings, input.Limit, input.Offset);
    return { Result: pluginView(plugin, await attachedApiInfos(ctx.db, page.items), page.TotalCount) };
  },
});
