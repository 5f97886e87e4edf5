/**
 * Inputs of the application actions: the generated schemas plus the document's prose rules.
 * - ApiAppName: 1–50 characters, letters (Chinese included), digits, `_` and `-`, starting with
 *   a letter (the document gives no rule; this is the console's naming rule, with `-`).
 * - ApiAppDesc: at most 200 characters (as every description of the document).
 * - Environment: test, prepub or release (InvalidParameterValue.InvalidEnv, documented).
 * - ApiAppSecret of UpdateApiAppKey: 10–50 letters, digits, `_` or `-` (the custom-secret rule
 *   of key pairs, F1).
 * Malformed names and descriptions answer InvalidParameter.FormatError, the code the pages list.
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, Tags, withCode } from "./common.js";

const FORMAT = "InvalidParameter.FormatError";

export const ApiAppName = withCode(
  z.string(),
  (v) => /^[A-Za-z\u4e00-\u9fa5][\w\u4e00-\u9fa5-]{0,49}$/u.test(v),
  "must be 1 to 50 characters of letters, digits, _ or -, starting with a letter",
  FORMAT,
);
export const ApiAppDesc = withCode(z.string(), (v) => v.length <= 200, "must be at most 200 characters long", FORMAT);
const Environment = oneOf(["test", "prepub", "release"], "InvalidParameterValue.InvalidEnv");

export const CreateApiApp = g.CreateApiAppRequest.extend({
  ApiAppName,
  ApiAppDesc: ApiAppDesc.optional(),
  Tags: Tags.optional(),
});

export const ModifyApiApp = g.ModifyApiAppRequest.extend({
  ApiAppName: ApiAppName.optional(),
  ApiAppDesc: ApiAppDesc.optional(),
});

export const DeleteApiApp = g.DeleteApiAppRequest;
export const DescribeApiApp = g.DescribeApiAppRequest;

export const DescribeApiAppsStatus = g.DescribeApiAppsStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const UpdateApiAppKey = g.UpdateApiAppKeyRequest.extend({
  ApiAppSecret: withCode(z.string(), (v) => /^[A-Za-z0-9_-]{10,50}$/.test(v), "must be 10 to 50 characters of letters, digits, _ or -", "InvalidParameterValue").optional(),
});

export const BindApiApp = g.BindApiAppRequest.extend({ Environment });
export const UnbindApiApp = g.UnbindApiAppRequest.extend({ Environment });

export const DescribeApiAppBindApisStatus = g.DescribeApiAppBindApisStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeApiBindApiAppsStatus = g.DescribeApiBindApiAppsStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeApiForApiApp = g.DescribeApiForApiAppRequest;
export const DescribeServiceForApiApp = g.DescribeServiceForApiAppRequest;
