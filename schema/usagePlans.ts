/**
 * Inputs of the usage plan actions: the generated schemas plus the document's prose rules.
 * - Names: up to 50 characters of letters, digits and `_` (console rule, F0); `-` is accepted too.
 * - MaxRequestNum: -1 (off) or [1, 999999999]. ModifyUsagePlan's page says [1, 99999999]
 *   (one 9 fewer); both use CreateUsagePlan's range so a plan can be saved with the value it
 *   was created with.
 * - MaxRequestNumPreSec: -1 (off) or [1, 2000].
 * Out-of-range or malformed values answer InvalidParameter.FormatError, the code both pages list.
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, Tags, withCode } from "./common.js";

const FORMAT = "InvalidParameter.FormatError";

export const UsagePlanName = withCode(
  z.string(),
  (v) => /^[A-Za-z0-9_-]{1,50}$/.test(v),
  "must be 1 to 50 characters of letters, digits, _ or -",
  FORMAT,
);
export const UsagePlanDesc = withCode(z.string(), (v) => v.length <= 200, "must be at most 200 characters long", FORMAT);

export const MAX_QUOTA = 999999999;
export const MAX_PLAN_QPS = 2000;

export const MaxRequestNum = withCode(z.int(), (v) => v === -1 || (v >= 1 && v <= MAX_QUOTA), `must be -1 (no quota) or 1 to ${MAX_QUOTA}`, FORMAT);
export const MaxRequestNumPreSec = withCode(z.int(), (v) => v === -1 || (v >= 1 && v <= MAX_PLAN_QPS), `must be -1 (no limit) or 1 to ${MAX_PLAN_QPS}`, FORMAT);

export const BindType = (code: string) => oneOf(["SERVICE", "API"], code);
const Environment = (code: string) => oneOf(["test", "prepub", "release"], code);
const Ids = (what: string, code: string) => withCode(z.array(z.string()), (a) => a.length > 0, `must list at least one ${what}`, code);

export const CreateUsagePlan = g.CreateUsagePlanRequest.extend({
  UsagePlanName,
  UsagePlanDesc: UsagePlanDesc.optional(),
  MaxRequestNum: MaxRequestNum.optional(),
  MaxRequestNumPreSec: MaxRequestNumPreSec.optional(),
  // Not in the document, but the SDK sends it.
  Tags: Tags.optional(),
});

export const ModifyUsagePlan = g.ModifyUsagePlanRequest.extend({
  UsagePlanName: UsagePlanName.optional(),
  UsagePlanDesc: UsagePlanDesc.optional(),
  MaxRequestNum: MaxRequestNum.optional(),
  MaxRequestNumPreSec: MaxRequestNumPreSec.optional(),
});

export const DeleteUsagePlan = g.DeleteUsagePlanRequest;
export const DescribeUsagePlan = g.DescribeUsagePlanRequest;

export const DescribeUsagePlansStatus = g.DescribeUsagePlansStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const BindSecretIds = g.BindSecretIdsRequest.extend({
  AccessKeyIds: Ids("key", "InvalidParameterValue.InvalidAccessKeyIds"),
});

export const UnBindSecretIds = g.UnBindSecretIdsRequest.extend({
  AccessKeyIds: Ids("key", "InvalidParameterValue"),
});

export const DescribeUsagePlanSecretIds = g.DescribeUsagePlanSecretIdsRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const BindEnvironment = g.BindEnvironmentRequest.extend({
  UsagePlanIds: Ids("usage plan", FORMAT),
  BindType: BindType(FORMAT),
  Environment: Environment(FORMAT),
});

export const UnBindEnvironment = g.UnBindEnvironmentRequest.extend({
  UsagePlanIds: Ids("usage plan", FORMAT),
  BindType: BindType(FORMAT),
  Environment: Environment(FORMAT),
});

export const DescribeUsagePlanEnvironments = g.DescribeUsagePlanEnvironmentsRequest.extend({
  BindType: BindType("InvalidParameterValue"),
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DemoteServiceUsagePlan = g.DemoteServiceUsagePlanRequest.extend({
  Environment: Environment("InvalidParameterValue"),
});

export const DescribeServiceUsagePlan = g.DescribeServiceUsagePlanRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeApiUsagePlan = g.DescribeApiUsagePlanRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});
