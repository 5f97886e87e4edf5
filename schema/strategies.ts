/**
 * Inputs of the throttling strategy actions. Environment lists must name test, prepub or
 * release (InvalidParameterValue.InvalidRequestParameters, documented for the Modify actions);
 * the Strategy range depends on config (config.limits.serviceQps) and is checked by the handler
 * (InvalidParameterValue.RangeExceeded).
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, withCode } from "./common.js";

const BAD = "InvalidParameterValue.InvalidRequestParameters";
const Env = (code: string) => oneOf(["test", "prepub", "release"], code);
const nonEmpty = <T extends z.ZodType>(s: T, what: string) => withCode(z.array(s), (a) => a.length > 0, `must list at least one ${what}`, BAD);

export const DescribeServiceEnvironmentStrategy = g.DescribeServiceEnvironmentStrategyRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const ModifyServiceEnvironmentStrategy = g.ModifyServiceEnvironmentStrategyRequest.extend({
  EnvironmentNames: nonEmpty(Env(BAD), "environment"),
});

export const DescribeApiEnvironmentStrategy = g.DescribeApiEnvironmentStrategyRequest.extend({
  EnvironmentNames: z.array(Env("InvalidParameter.FormatError")).optional(),
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const ModifyApiEnvironmentStrategy = g.ModifyApiEnvironmentStrategyRequest.extend({
  EnvironmentName: Env(BAD),
  ApiIds: nonEmpty(z.string(), "API"),
});
