/** APIs of a service: the stored definition (the document's ApiInfo) and its list views. */
import { ApiError } from "../control/errors.js";
import { repository } from "../store/resources.js";

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

/**
 * An API as stored: the documented ApiInfo fields. The gateway reads the ones typed here;
 * the rest (SCF, TSF, WEBSOCKET, EIAM settings, …) are kept and described as given.
 */
export interface ApiRecord {
  ServiceId: string;
  ApiId: string;
  ApiName: string;
  ApiDesc: string;
  ApiType: string;
  /** Frontend protocol: HTTP or WEBSOCKET. */
  Protocol: string;
  AuthType: string;
  ApiBusinessType: string;
  AuthRelationApiId: string;
  OauthConfig?: { PublicKey: string; TokenLocation: string; LoginRedirectUrl?: string };
  RequestConfig: { Path: string; Method: string };
  RequestParameters: RequestParameterRecord[];
  ServiceType: string;
  ServiceTimeout: number;
  ServiceConfig: { Product?: string; UniqVpcId?: string; Url?: string; Path?: string; Method?: string; UpstreamId?: string };
  ServiceParameters: ServiceParameterRecord[];
  ConstantParameters: ConstantParameterRecord[];
  ServiceMockReturnMessage: string;
  EnableCORS: boolean;
  IsBase64Encoded: boolean;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedTime: string;
  ModifiedTime: string;
  [documented: string]: unknown;
}

export const apis = repository<ApiRecord>("apis", (id) =>
  new ApiError("ResourceNotFound.InvalidApi", `API \`${id}\` does not exist in this service.`),
);

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
