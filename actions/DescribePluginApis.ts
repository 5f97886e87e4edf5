/**
 * DescribePluginApis (查询插件绑定的API列表): the APIs a plugin is attached to (the document's
 * AttachedApiSummary), most recently attached first (OrderBy asc: oldest first), paged.
 * Filters are reserved by the document: any filter name answers
 * InvalidParameterValue.InvalidFilterNotSupportedName.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, paginate } from "../src/control/listing.js";
import { attachedApiInfos, PLUGIN_API, subjectBindings } from "../src/resources/bindings.js";
import { plugins } from "../src/resources/plugins.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "DescribePluginApis",
  input: schema.DescribePluginApis,
  async handler(input, ctx) {
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    applyFilters([], input.Filters, {});
    const bindings = await subjectBindings(ctx.db, ctx.scope, PLUGIN_API, plugin.PluginId);
    if (input.OrderBy?.toLowerCase() === "asc") bindings.reverse();
    const page = paginate(bindings, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, AttachedApis: await attachedApiInfos(ctx.db, page.items) } };
  },
});
