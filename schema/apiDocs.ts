/**
 * Inputs of the API-document actions: the generated schemas plus the document's prose rules.
 * - ApiDocName: 1–50 characters (the document gives no rule; the console's length).
 * - Environment: test, prepub or release.
 * - ApiIds: at least one API (duplicates are ignored).
 * Malformed values answer InvalidParameter.FormatError where the page lists it.
 * DescribeAPIDocs' Filters, Order and OrderBy are reserved ("此参数对外不可见"): accepted, ignored.
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, withCode } from "./common.js";

const FORMAT = "InvalidParameter.FormatError";

const ApiDocName = withCode(z.string(), (v) => v.trim().length >= 1 && v.length <= 50, "must be 1 to 50 characters", FORMAT);
const Environment = oneOf(["test", "prepub", "release"], FORMAT);
const ApiIds = withCode(z.array(z.string()), (a) => a.length > 0, "must list at least one API", FORMAT);

export const CreateAPIDoc = g.CreateAPIDocRequest.extend({ ApiDocName, Environment, ApiIds });

export const ModifyAPIDoc = g.ModifyAPIDocRequest.extend({
  ApiDocName: ApiDocName.optional(),
  Environment: Environment.optional(),
  ApiIds: ApiIds.optional(),
});

export const DeleteAPIDoc = g.DeleteAPIDocRequest;
export const DescribeAPIDocDetail = g.DescribeAPIDocDetailRequest;
export const BuildAPIDoc = g.BuildAPIDocRequest;
export const ResetAPIDocPassword = g.ResetAPIDocPasswordRequest;

export const DescribeAPIDocs = g.DescribeAPIDocsRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

/** GenerateApiDocument: GenLanguage is matched case-insensitively by the handler (InvalidParameterValue.InvalidGenLanguage). */
export const GenerateApiDocument = g.GenerateApiDocumentRequest.extend({
  GenEnvironment: oneOf(["test", "prepub", "release"], "InvalidParameterValue.NotInOptions"),
});
