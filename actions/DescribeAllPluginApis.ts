/**
 * DescribeAllPluginApis (展示插件相关的API列表): every API of a service with, for one
 * environment, whether the plugin is attached to it (IsAttached) and whether another plugin
 * of the same class is (AttachedOtherPlugin: attaching this one would then be refused),
 * newest API first (OrderBy asc: oldest first), paged. Filters are reserved by the document:
 * any filter name answers InvalidParameterValue.InvalidFilterNotSupportedName.
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, paginate } from "../src/control/listing.js";
import { apis } from "../src/resources/apis.js";
import { listApiBindings, PLUGIN_API } from "../src/resources/bindings.js";
import { pluginClass } from "../src/resources/pluginData.js";
import { plugins } from "../src/resources/plugins.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/plugins.js";

export default defineAction({
  name: "DescribeAllPluginApis",
  input: schema.DescribeAllPluginApis,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const plugin = await plugins.get(ctx.db, ctx.scope, input.PluginId);
    applyFilters([], input.Filters, {});
    const all = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    const bindings = await listApiBindings(ctx.db, ctx.scope, { kinds: [PLUGIN_API], serviceId: service.ServiceId, environment: input.EnvironmentName });
    const attached = new Set<string>();
    const otherSameClass = new Set<string>();
    const classOf = new Map<string, string | undefined>();
    for (const b of bindings) {
      if (b.subjectId === plugin.PluginId) {
        attached.add(b.apiId);
        continue;
      }
      if (!classOf.has(b.subjectId)) {
        const other = await plugins.find(ctx.db, ctx.scope, b.subjectId);
        classOf.set(b.subjectId, other && pluginClass(other.PluginType));
      }
      if (classOf.get(b.subjectId) === pluginClass(plugin.PluginType)) otherSameClass.add(b.apiId);
    }
    const ordered = input.OrderBy?.toLowerCase() === "asc" ? all : all.reverse();
    const page = paginate(ordered, input.Limit, input.Offset);
    return {
      Result: {
        TotalCount: page.TotalCount,
        ApiSet: page.items.map((a) => ({
          ApiId: a.ApiId,
          ApiName: a.ApiName,
          ApiType: a.ApiType,
          Path: a.RequestConfig.Path,
          Method: a.RequestConfig.Method,
          AttachedOtherPlugin: otherSameClass.has(a.ApiId),
          IsAttached: attached.has(a.ApiId),
        })),
      },
    };
  },
});
