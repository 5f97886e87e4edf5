/**
 * Inputs of the plugin actions: the generated schemas plus the document's prose rules.
 * - PluginName: 2–50 characters, letters, digits and `_`, starting with a letter and ending
 *   with a letter or digit (the document); `-` is accepted too, as the cloud does (its own
 *   Terraform provider names plugins `tf-example`). Malformed: InvalidParameter.FormatError.
 * - Description: at most 200 characters (InvalidParameter.FormatError).
 * - PluginType: one of the types pluginData.ts defines (InvalidParameterValue.NotInOptions).
 * - PluginData: checked by the handlers against the type (pluginData.ts).
 * - PluginAttribute (hidden input): System or Custom.
 * - EnvironmentName: test, prepub or release.
 * - Order / OrderBy (hidden inputs): the sort field (CreatedTime, ModifiedTime, PluginName;
 *   AttachedTime for bound APIs) and direction (asc / desc, default desc).
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, withCode } from "./common.js";
import { PLUGIN_TYPES } from "../src/resources/pluginData.js";

const FORMAT = "InvalidParameter.FormatError";

const PluginName = withCode(
  z.string(),
  (v) => /^[A-Za-z][\w-]{0,48}[A-Za-z0-9]$/.test(v),
  "must be 2 to 50 characters of letters, digits, _ or -, starting with a letter and ending with a letter or digit",
  FORMAT,
);
const Description = withCode(z.string(), (v) => v.length <= 200, "must be at most 200 characters long", FORMAT);
const PluginType = (code: string) => oneOf(PLUGIN_TYPES, code);
const Environment = (code: string) => oneOf(["test", "prepub", "release"], code);
const OrderBy = oneOf(["asc", "desc", "ASC", "DESC"], "InvalidParameterValue");

export const CreatePlugin = g.CreatePluginRequest.extend({
  PluginName,
  PluginType: PluginType("InvalidParameterValue.NotInOptions"),
  Description: Description.optional(),
  PluginAttribute: oneOf(["System", "Custom"], "InvalidParameterValue.NotInOptions").optional(),
});

export const ModifyPlugin = g.ModifyPluginRequest.extend({
  PluginName: PluginName.optional(),
  Description: Description.optional(),
});

export const DeletePlugin = g.DeletePluginRequest;

export const DescribePlugin = g.DescribePluginRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
  Order: oneOf(["AttachedTime"], "InvalidParameterValue").optional(),
  OrderBy: OrderBy.optional(),
});

export const DescribePlugins = g.DescribePluginsRequest.extend({
  PluginType: PluginType("InvalidParameterValue").optional(),
  Limit: Limit.optional(),
  Offset: Offset.optional(),
  Order: oneOf(["CreatedTime", "ModifiedTime", "PluginName"], "InvalidParameterValue").optional(),
  OrderBy: OrderBy.optional(),
  PluginAttribute: oneOf(["System", "Custom"], "InvalidParameterValue").optional(),
});

export const AttachPlugin = g.AttachPluginRequest.extend({
  EnvironmentName: Environment("InvalidParameterValue"),
  ApiIds: withCode(z.array(z.string()), (a) => a.length > 0, "must list at least one API", "InvalidParameterValue"),
});

export const DetachPlugin = g.DetachPluginRequest.extend({
  EnvironmentName: Environment("InvalidParameterValue"),
});

export const DescribePluginApis = g.DescribePluginApisRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
  Order: oneOf(["AttachedTime"], "InvalidParameterValue").optional(),
  OrderBy: OrderBy.optional(),
});

export const DescribeAllPluginApis = g.DescribeAllPluginApisRequest.extend({
  EnvironmentName: Environment("FailedOperation.FormatError"),
  Limit: Limit.optional(),
  Offset: Offset.optional(),
  Order: oneOf(["CreatedTime"], "InvalidParameterValue").optional(),
  OrderBy: OrderBy.optional(),
});
