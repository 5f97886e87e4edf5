/** APIs of a service: the stored definition (the document's ApiInfo) and its documented views. */
import { ApiError } from "../control/errors.js";
import type { Db } from "../store/db.js";
import { repository, type Scope } from "../store/resources.js";
import type { ServiceRecord } from "./services.js";

export interface RequestParameterRecord {
  Name: string;
  Desc: string;
  Position: string;
  Type: string;
  DefaultValue: string;
  Required: boolean;
}

export interface ServiceParameterRecord {
  Name: string;
  Position: string;
  RelevantRequestParameterPosition: string;
  RelevantRequestParameterName: string;
  DefaultValue: string;
  RelevantRequestParameterDesc: string;
  RelevantRequestParameterType: string;
}

export interface ConstantParameterRecord {
  Name: string;
  Desc: string;
  Position: string;
  DefaultValue: string;
}

/** The SDK's CosConfig (ServiceConfig.CosConfig), for COS backends. */
export interface CosConfigRecord {
  Action: string;
  BucketName: string;
  Authorization?: boolean;
  PathMatchMode?: string;
}

export interface ServiceConfigRecord {
  Product?: string;
  UniqVpcId?: string;
  Url?: string;
  Path?: string;
  Method?: string;
  UpstreamId?: string;
  CosConfig?: CosConfigRecord;
}

export interface OauthConfigRecord {
  PublicKey: string;
  TokenLocation: string;
  LoginRedirectUrl?: string;
}

/**
 * An API as stored: the documented ApiInfo fields. The gateway reads the ones typed here;
 * the rest (SCF, TSF, TARGET, WEBSOCKET, EIAM settings, …) are kept as given and described
 * back by DescribeApi (see apiInfo below).
 */
export interface ApiRecord {
  ServiceId: string;
  ApiId: string;
  ApiName: string;
  ApiDesc: string;
  /** NORMAL or TSF. */
  ApiType: string;
  /** Frontend protocol: HTTP or WEBSOCKET. */
  Protocol: string;
  /** SECRET, NONE, OAUTH or APP. */
  AuthType: string;
  /** With AuthType OAUTH: NORMAL (a business API) or OAUTH (the authorization API). */
  ApiBusinessType: string;
  /** A business API's authorization API. */
  AuthRelationApiId: string;
  OauthConfig?: OauthConfigRecord;
  /** Path as written (`/a`, `=/a` exact, `^~/a` priority prefix) and method (or ANY). */
  RequestConfig: { Path: string; Method: string };
  RequestParameters: RequestParameterRecord[];
  /** HTTP, MOCK, TSF, SCF, WEBSOCKET, TARGET, COS, VPC or CLB. */
  ServiceType: string;
  /** Seconds, 1–1800. */
  ServiceTimeout: number;
  ServiceConfig: ServiceConfigRecord;
  ServiceParameters: ServiceParameterRecord[];
  ConstantParameters: ConstantParameterRecord[];
  ServiceMockReturnMessage: string;
  EnableCORS: boolean;
  IsBase64Encoded: boolean;
  IsBase64Trigger?: boolean;
  Base64EncodedTriggerRules?: Array<{ Name: string; Value: string[] }>;
  ResponseType?: string;
  ResponseSuccessExample?: string;
  ResponseFailExample?: string;
  ResponseErrorCodes?: Array<{ Code?: number; Msg?: string; Desc?: string; ConvertedCode?: number; NeedConvert?: boolean }>;
  ServiceScfFunctionName?: string;
  ServiceScfFunctionNamespace?: string;
  ServiceScfFunctionQualifier?: string;
  ServiceScfIsIntegratedResponse?: boolean;
  ServiceScfFunctionType?: string;
  ServiceScfEventIsAsyncCall?: boolean;
  MicroServices?: Array<{ ClusterId: string; NamespaceId: string; MicroServiceName: string }>;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedTime: string;
  ModifiedTime: string;
  [documented: string]: unknown;
}

export const apis = repository<ApiRecord>("apis", (id) =>
  new ApiError("ResourceNotFound.InvalidApi", `API \`${id}\` does not exist in this service.`),
);

/** The API, which must belong to the service: another service's API is not found either. */
export async function getServiceApi(db: Db, scope: Scope, serviceId: string, apiId: string): Promise<ApiRecord> {
  const api = await apis.find(db, scope, apiId);
  if (!api || api.ServiceId !== serviceId) {
    throw new ApiError("ResourceNotFound.InvalidApi", `API \`${apiId}\` does not exist in service \`${serviceId}\`.`);
  }
  return api;
}

/** The ApiIdStatus view (DescribeService's ApiIdStatusSet). */
export function apiIdStatus(a: ApiRecord) {
  return {
    ServiceId: a.ServiceId,
    ApiId: a.ApiId,
    ApiDesc: a.ApiDesc,
    Path: a.RequestConfig.Path,
    Method: a.RequestConfig.Method,
    CreatedTime: a.CreatedTime,
    ModifiedTime: a.ModifiedTime,
    ApiName: a.ApiName,
    UniqVpcId: a.ServiceConfig.UniqVpcId ?? "",
    ApiType: a.ApiType,
    Protocol: a.Protocol,
    IsDebugAfterCharge: false,
    AuthType: a.AuthType,
    ApiBusinessType: a.ApiBusinessType,
    AuthRelationApiId: a.AuthRelationApiId,
    RelationBuniessApiIds: [] as string[],
    OauthConfig: a.OauthConfig ?? null,
    TokenLocation: a.OauthConfig?.TokenLocation ?? "",
  };
}

/** Tags as `key:value` strings, the form the document's DesApisStatus.Tags and the Tags filter use. */
export const tagStrings = (a: ApiRecord) => a.Tags.map((t) => `${t.Key}:${t.Value}`);

/**
 * The DesApisStatus view (DescribeApisStatus's ApiIdStatusSet). `relatedBusinessApiIds` are the
 * business APIs bound to it when it is an OAuth authorization API.
 */
export function desApisStatus(a: ApiRecord, relatedBusinessApiIds: string[] = []) {
  return {
    ServiceId: a.ServiceId,
    ApiId: a.ApiId,
    ApiDesc: a.ApiDesc,
    CreatedTime: a.CreatedTime,
    ModifiedTime: a.ModifiedTime,
    ApiName: a.ApiName,
    VpcId: 0,
    UniqVpcId: a.ServiceConfig.UniqVpcId ?? "",
    ApiType: a.ApiType,
    Protocol: a.Protocol,
    IsDebugAfterCharge: Boolean(a.IsDebugAfterCharge),
    AuthType: a.AuthType,
    ApiBusinessType: a.ApiBusinessType,
    AuthRelationApiId: a.AuthRelationApiId,
    OauthConfig: a.OauthConfig ?? null,
    RelationBuniessApiIds: relatedBusinessApiIds,
    Tags: tagStrings(a),
    Path: a.RequestConfig.Path,
    Method: a.RequestConfig.Method,
    EIAMAppId: str(a.EIAMAppId),
  };
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const bool = (v: unknown) => v === true;
const arr = <T>(v: unknown) => (Array.isArray(v) ? (v as T[]) : []);
const obj = (v: unknown) => (v && typeof v === "object" ? v : null);

/**
 * The document's ApiInfo (DescribeApi's Result), plus the SDK's names where they differ
 * (ServiceScfIsIntegratedResponse for the document's ServiceScfsIntegratedResponse,
 * ServiceScfEventIsAsyncCall, ServiceConfig.CosConfig) and the inputs ApiInfo has no field
 * for (TargetServices…, TargetNamespaceId, UserType), so every input round-trips.
 * `environments` are the environments whose online release contains this API.
 */
export function apiInfo(a: ApiRecord, service: ServiceRecord, environments: string[]) {
  const sc = a.ServiceConfig;
  return {
    ServiceId: a.ServiceId,
    ServiceName: service.ServiceName,
    ServiceDesc: service.ServiceDesc,
    ApiId: a.ApiId,
    ApiDesc: a.ApiDesc,
    CreatedTime: a.CreatedTime,
    ModifiedTime: a.ModifiedTime,
    ApiName: a.ApiName,
    ApiType: a.ApiType,
    Protocol: a.Protocol,
    AuthType: a.AuthType,
    ApiBusinessType: a.ApiBusinessType,
    AuthRelationApiId: a.AuthRelationApiId,
    OauthConfig: a.OauthConfig ?? null,
    IsDebugAfterCharge: bool(a.IsDebugAfterCharge),
    RequestConfig: { Path: a.RequestConfig.Path, Method: a.RequestConfig.Method },
    ResponseType: str(a.ResponseType),
    ResponseSuccessExample: str(a.ResponseSuccessExample),
    ResponseFailExample: str(a.ResponseFailExample),
    ResponseErrorCodes: arr(a.ResponseErrorCodes),
    RequestParameters: a.RequestParameters,
    ServiceTimeout: a.ServiceTimeout,
    ServiceType: a.ServiceType,
    ServiceConfig: {
      Product: sc.Product ?? "",
      UniqVpcId: sc.UniqVpcId ?? "",
      Url: sc.Url ?? "",
      Path: sc.Path ?? "",
      Method: sc.Method ?? "",
      UpstreamId: sc.UpstreamId ?? "",
      ...(sc.CosConfig ? { CosConfig: sc.CosConfig } : {}),
    },
    ServiceParameters: a.ServiceParameters,
    ConstantParameters: a.ConstantParameters,
    ServiceMockReturnMessage: a.ServiceMockReturnMessage,
    ServiceScfFunctionName: str(a.ServiceScfFunctionName),
    ServiceScfFunctionNamespace: str(a.ServiceScfFunctionNamespace),
    ServiceScfFunctionQualifier: str(a.ServiceScfFunctionQualifier),
    ServiceScfsIntegratedResponse: bool(a.ServiceScfIsIntegratedResponse),
    ServiceScfIsIntegratedResponse: bool(a.ServiceScfIsIntegratedResponse),
    ServiceScfEventIsAsyncCall: bool(a.ServiceScfEventIsAsyncCall),
    ServiceScfFunctionType: str(a.ServiceScfFunctionType),
    ServiceWebsocketRegisterFunctionName: str(a.ServiceWebsocketRegisterFunctionName),
    ServiceWebsocketRegisterFunctionNamespace: str(a.ServiceWebsocketRegisterFunctionNamespace),
    ServiceWebsocketRegisterFunctionQualifier: str(a.ServiceWebsocketRegisterFunctionQualifier),
    ServiceWebsocketCleanupFunctionName: str(a.ServiceWebsocketCleanupFunctionName),
    ServiceWebsocketCleanupFunctionNamespace: str(a.ServiceWebsocketCleanupFunctionNamespace),
    ServiceWebsocketCleanupFunctionQualifier: str(a.ServiceWebsocketCleanupFunctionQualifier),
    ServiceWebsocketTransportFunctionName: str(a.ServiceWebsocketTransportFunctionName),
    ServiceWebsocketTransportFunctionNamespace: str(a.ServiceWebsocketTransportFunctionNamespace),
    ServiceWebsocketTransportFunctionQualifier: str(a.ServiceWebsocketTransportFunctionQualifier),
    InternalDomain: "",
    MicroServices: arr(a.MicroServices),
    MicroServicesInfo: [] as number[],
    ServiceTsfLoadBalanceConf: obj(a.ServiceTsfLoadBalanceConf),
    ServiceTsfHealthCheckConf: obj(a.ServiceTsfHealthCheckConf),
    TargetServices: arr(a.TargetServices),
    TargetServicesLoadBalanceConf: typeof a.TargetServicesLoadBalanceConf === "number" ? a.TargetServicesLoadBalanceConf : 0,
    TargetServicesHealthCheckConf: obj(a.TargetServicesHealthCheckConf),
    TargetNamespaceId: str(a.TargetNamespaceId),
    UserType: str(a.UserType),
    EnableCORS: a.EnableCORS,
    Tags: a.Tags,
    Environments: environments,
    IsBase64Encoded: a.IsBase64Encoded,
    IsBase64Trigger: bool(a.IsBase64Trigger),
    Base64EncodedTriggerRules: arr(a.Base64EncodedTriggerRules),
    EventBusId: str(a.EventBusId),
    EIAMAppId: str(a.EIAMAppId),
    EIAMAppType: str(a.EIAMAppType),
    EIAMAuthType: str(a.EIAMAuthType),
    TokenTimeout: typeof a.TokenTimeout === "number" ? a.TokenTimeout : 0,
  };
}
