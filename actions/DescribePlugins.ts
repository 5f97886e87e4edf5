/**
 * DescribePlugins (查询插件列表和详情): the account's plugins in this region, newest first
 * (Order CreatedTime, ModifiedTime or PluginName; OrderBy asc or desc), paged, each with the
 * APIs it is attached to. PluginIds selects plugins by id (an unknown id answers
 * ResourceNotFound.InvalidPlugin), PluginName by substring, PluginType and PluginAttribute
 * exactly. Filters are reserved by the document: any filter name answers
 * InvalidParameterValue.InvalidFilterNotSupportedName.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { attachedApiInfos, PLUGIN_API, subjectBindings } from "../src/resources/bindings.js";
import { plugins, pluginView, type PluginRecord } from "../src/resources/plugins.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "DescribePlugins",
  input: schema.DescribePlugins,
  async handler(input, ctx) {
    applyFilters([], input.Filters, {});
    const all = await plugins.list(ctx.db, ctx.scope);
    if (input.PluginIds?.length) {
      const missing = input.PluginIds.filter((id) => !all.some((p) => p.PluginId === id));
      if (missing.length) throw new ApiError("ResourceNotFound.InvalidPlugin", `Plugin \`${missing[0]}\` does not exist in this region.`);
    }
    const matched = all.filter(
      (p) =>
        (!input.PluginIds?.length || input.PluginIds.includes(p.PluginId)) &&
        (input.PluginName === undefined || fuzzy(p.PluginName, input.PluginName)) &&
        (input.PluginType === undefined || p.PluginType === input.PluginType) &&
        (input.PluginAttribute === undefined || p.PluginAttribute === input.PluginAttribute),
    );
    const key = input.Order ?? "CreatedTime";
    const asc = input.OrderBy?.toLowerCase() === "asc";
    // `all` is oldest first; a stable sort keeps that order among equal keys.
    const sorted = (asc ? matched : matched.reverse()).sort((a, b) => (asc ? 1 : -1) * compare(a[key as keyof PluginRecord] as string, b[key as keyof PluginRecord] as string));
    const page = paginate(sorted, input.Limit, input.Offset);
    const set = [];
    for (const p of page.items) {
      const bindings = await subjectBindings(ctx.db, ctx.scope, PLUGIN_API, p.PluginId);
      set.push(pluginView(p, await attachedApiInfos(ctx.db, bindings), bindings.length));
    }
    return { Result: { TotalCount: page.TotalCount, PluginSet: set } };
  },
});

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
