/**
 * Inputs of the IP strategy actions: the generated schemas plus the document's prose rules.
 * - StrategyName: 1–50 characters of letters (Chinese included), digits, `_` or `-`, starting
 *   with a letter (the document gives no rule; the console's naming rule).
 * - StrategyType: WHITE or BLACK.
 * - StrategyData: checked by the handlers (src/resources/ipStrategies.ts parseIpList), since
 *   the entry limit is configurable.
 * - EnvironmentName: test, prepub or release.
 * Malformed values answer InvalidParameter.FormatError where the page lists it, else
 * InvalidParameterValue.
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, withCode } from "./common.js";

const FORMAT = "InvalidParameter.FormatError";

const StrategyName = withCode(
  z.string(),
  (v) => /^[A-Za-z\u4e00-\u9fa5][\w\u4e00-\u9fa5-]{0,49}$/u.test(v),
  "must be 1 to 50 characters of letters, digits, _ or -, starting with a letter",
  FORMAT,
);
const Environment = (code: string) => oneOf(["test", "prepub", "release"], code);
const ApiIds = withCode(z.array(z.string()), (a) => a.length > 0, "must list at least one API", "InvalidParameterValue");

export const CreateIPStrategy = g.CreateIPStrategyRequest.extend({
  StrategyName,
  StrategyType: oneOf(["WHITE", "BLACK"], FORMAT),
});

export const ModifyIPStrategy = g.ModifyIPStrategyRequest;
export const DeleteIPStrategy = g.DeleteIPStrategyRequest;

export const DescribeIPStrategy = g.DescribeIPStrategyRequest.extend({
  EnvironmentName: Environment("InvalidParameterValue").optional(),
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeIPStrategysStatus = g.DescribeIPStrategysStatusRequest;

export const DescribeIPStrategyApisStatus = g.DescribeIPStrategyApisStatusRequest.extend({
  EnvironmentName: Environment("InvalidParameterValue"),
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const BindIPStrategy = g.BindIPStrategyRequest.extend({
  EnvironmentName: Environment("InvalidParameterValue"),
  BindApiIds: ApiIds,
});

export const UnBindIPStrategy = g.UnBindIPStrategyRequest.extend({
  EnvironmentName: Environment("InvalidParameterValue"),
  UnBindApiIds: ApiIds,
});
