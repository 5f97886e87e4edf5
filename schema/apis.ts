/**
 * Inputs of the API and release actions: the generated schemas plus the document's per-field
 * rules (enums, ranges, list sizes) with each action's documented codes. Rules that span
 * fields or need the store live in src/resources/apiDefinition.ts.
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Bool, Str } from "./primitives.js";
import { EnvironmentName, Limit, Offset, oneOf, withCode } from "./common.js";
import {
  API_BUSINESS_TYPES,
  API_PROTOCOLS,
  API_TYPES,
  AUTH_TYPES,
  BASE64_TRIGGER_HEADERS,
  CONSTANT_PARAMETER_POSITIONS,
  COS_ACTIONS,
  COS_PATH_MATCH_MODES,
  CREATE_API_CODES,
  HTTP_METHODS,
  MAX_API_NAME_LENGTH,
  MAX_BASE64_TRIGGER_RULES,
  MAX_CONSTANT_PARAMETERS,
  MAX_REQUEST_PARAMETERS,
  MODIFY_API_CODES,
  REQUEST_PARAMETER_POSITIONS,
  SCF_FUNCTION_TYPES,
  SERVICE_PARAMETER_POSITIONS,
  SERVICE_TIMEOUT,
  SERVICE_TYPES,
  type ApiDefinitionCodes,
} from "../src/resources/apiDefinition.js";

/** A documented enum whose case does not matter (parameter positions: header, Header, …). */
function oneOfIgnoringCase<const T extends readonly [string, ...string[]]>(values: T, code: string) {
  return z
    .string()
    .refine((v) => (values as readonly string[]).includes(v.toLowerCase()), { message: `must be one of ${values.join(", ")}`, params: { code } })
    .meta({ enum: [...values] });
}

const atMost = <S extends z.ZodType<unknown[]>>(schema: S, max: number, what: string, code: string) =>
  withCode(schema, (list) => list.length <= max, `at most ${max} ${what} are allowed`, code);

/** The SDK's ServiceConfig.CosConfig (the document's ServiceConfig has no field for COS). */
const CosConfig = z.strictObject({
  Action: oneOf(COS_ACTIONS, "InvalidParameterValue.InvalidServiceConfig"),
  BucketName: Str,
  Authorization: Bool.optional(),
  PathMatchMode: oneOf(COS_PATH_MATCH_MODES, "InvalidParameterValue.InvalidServiceConfig").optional(),
});

/** The per-field rules CreateApi and ModifyApi share, with the action's codes. */
function definitionFields(codes: ApiDefinitionCodes) {
  const options = <const T extends readonly [string, ...string[]]>(values: T) => oneOf(values, codes.notInOptions);
  return {
    ApiName: z.string().max(MAX_API_NAME_LENGTH).optional(),
    ApiType: options(API_TYPES).optional(),
    AuthType: options(AUTH_TYPES).optional(),
    ApiBusinessType: oneOf(API_BUSINESS_TYPES, codes.businessType).optional(),
    ServiceType: options(SERVICE_TYPES),
    ServiceTimeout: withCode(
      z.int(),
      (t) => t >= SERVICE_TIMEOUT.min && t <= SERVICE_TIMEOUT.max,
      `must be between ${SERVICE_TIMEOUT.min} and ${SERVICE_TIMEOUT.max} seconds`,
      codes.timeout,
    ).meta({ minimum: SERVICE_TIMEOUT.min, maximum: SERVICE_TIMEOUT.max }),
    Protocol: options(API_PROTOCOLS),
    RequestConfig: g.ApiRequestConfig.extend({ Method: oneOf(HTTP_METHODS, codes.method) }),
    ConstantParameters: atMost(
      z.array(g.ConstantParameter.extend({ Position: oneOfIgnoringCase(CONSTANT_PARAMETER_POSITIONS, codes.constantParameters).optional() })),
      MAX_CONSTANT_PARAMETERS,
      "constant parameters",
      codes.constantParameters,
    ).optional(),
    ServiceParameters: z
      .array(g.ServiceParameter.extend({ Position: oneOfIgnoringCase(SERVICE_PARAMETER_POSITIONS, codes.serviceParameters).optional() }))
      .optional(),
    ServiceConfig: g.ServiceConfig.extend({ CosConfig: CosConfig.optional() }).optional(),
    ServiceScfFunctionType: oneOf(SCF_FUNCTION_TYPES, codes.scfConfig).optional(),
    /** In the SDK's CreateApiRequest/ModifyApiRequest and ApiInfo, not in the document. */
    ServiceScfEventIsAsyncCall: Bool.optional(),
  };
}

const requestParameterPosition = (codes: ApiDefinitionCodes) => oneOfIgnoringCase(REQUEST_PARAMETER_POSITIONS, codes.requestParameters);

export const CreateApi = g.CreateApiRequest.extend({
  ...definitionFields(CREATE_API_CODES),
  RequestParameters: atMost(
    z.array(g.RequestParameter.extend({ Position: requestParameterPosition(CREATE_API_CODES).optional() })),
    MAX_REQUEST_PARAMETERS,
    "request parameters",
    CREATE_API_CODES.requestParameters,
  ).optional(),
  /** In the SDK's CreateApiRequest ("资源的Owner"), not in the document: kept as given. */
  Owner: Str.optional(),
});

const modifyFields = definitionFields(MODIFY_API_CODES);
export const ModifyApi = g.ModifyApiRequest.extend({
  ...modifyFields,
  ServiceTimeout: modifyFields.ServiceTimeout.optional(),
  Protocol: modifyFields.Protocol.optional(),
  RequestConfig: g.RequestConfig.extend({ Method: oneOf(HTTP_METHODS, MODIFY_API_CODES.method) }),
  RequestParameters: atMost(
    z.array(g.ReqParameter.extend({ Position: requestParameterPosition(MODIFY_API_CODES) })),
    MAX_REQUEST_PARAMETERS,
    "request parameters",
    MODIFY_API_CODES.requestParameters,
  ).optional(),
  Base64EncodedTriggerRules: atMost(
    z.array(g.Base64EncodedTriggerRule.extend({ Name: oneOf(BASE64_TRIGGER_HEADERS), Value: z.array(z.string().max(40)) })),
    MAX_BASE64_TRIGGER_RULES,
    "trigger rules",
    "InvalidParameterValue",
  ).optional(),
});

export const ModifyApiIncrement = g.ModifyApiIncrementRequest;

export const DeleteApi = g.DeleteApiRequest;

export const DescribeApi = g.DescribeApiRequest;

export const DescribeApisStatus = g.DescribeApisStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

// ---- Releases and environments ----

/** Release remarks: up to 200 characters (operation guide). */
const ReleaseDesc = z.string().max(200);

export const ReleaseService = g.ReleaseServiceRequest.extend({
  EnvironmentName,
  ReleaseDesc,
});

export const UnReleaseService = g.UnReleaseServiceRequest.extend({ EnvironmentName });

export const UpdateService = g.UpdateServiceRequest.extend({
  EnvironmentName,
  UpdateDesc: ReleaseDesc.optional(),
});

export const DescribeServiceEnvironmentList = g.DescribeServiceEnvironmentListRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeServiceEnvironmentReleaseHistory = g.DescribeServiceEnvironmentReleaseHistoryRequest.extend({
  EnvironmentName,
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeServiceReleaseVersion = g.DescribeServiceReleaseVersionRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});
