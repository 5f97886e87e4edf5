/**
 * Plugins (插件): a typed configuration (PluginData, see pluginData.ts) of the account in a
 * region, attached to APIs per environment ("plugin-api" bindings, see bindings.ts).
 */
import { ApiError } from "../control/errors.js";
import { repository } from "../store/resources.js";

export interface PluginRecord {
  PluginId: string;
  PluginName: string;
  PluginType: string;
  /** As given (checked against the type's format). */
  PluginData: string;
  Description: string;
  /** System or Custom (an input the document hides); System by default. */
  PluginAttribute: string;
  ProjectId: string;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedTime: string;
  ModifiedTime: string;
}

export const plugins = repository<PluginRecord>("plugins", (id) =>
  new ApiError("ResourceNotFound.InvalidPlugin", `Plugin \`${id}\` does not exist in this region.`),
);

/**
 * The document's Plugin structure. `attached` are the AttachedApiInfo entries to show and
 * `total` how many there are in all (DescribePlugin pages them).
 */
export function pluginView(p: PluginRecord, attached: unknown[], total: number) {
  return {
    PluginId: p.PluginId,
    PluginName: p.PluginName,
    PluginType: p.PluginType,
    PluginData: p.PluginData,
    Description: p.Description,
    CreatedTime: p.CreatedTime,
    ModifiedTime: p.ModifiedTime,
    AttachedApiTotalCount: total,
    AttachedApis: attached,
    Tags: p.Tags,
    ProjectId: p.ProjectId,
  };
}
