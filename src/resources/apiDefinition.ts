/**
 * What makes an API definition valid, as the gateway that has to serve it sees it. Shared by
 * CreateApi and ModifyApi: the documented vocabularies (enums, used by schema/apis.ts for the
 * per-field checks), then here the rules that span fields or need the store: the frontend path syntax
 * (DATAPLANE §2.3), parameters (§3), backend requirements per ServiceType (§4), OAuth
 * relations, and path + method uniqueness within a service (§2.1).
 *
 * The two actions document different codes for the same mistakes (CreateApi answers a bad
 * method with InvalidApiRequestConfig, ModifyApi with InvalidMethod, …): each passes its own
 * code table, taken from its page's error list.
 */
import { createPublicKey } from "node:crypto";
import { errors } from "../control/errors.js";
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";
import { apis, type ApiRecord } from "./apis.js";

// ---- Documented vocabularies ------------------------------------------------------------

export const API_PROTOCOLS = ["HTTP", "WEBSOCKET"] as const;
export const API_TYPES = ["NORMAL", "TSF"] as const;
export const AUTH_TYPES = ["SECRET", "NONE", "OAUTH", "APP"] as const;
export const API_BUSINESS_TYPES = ["NORMAL", "OAUTH"] as const;
/** CreateApi's list, COS and VPC (backend types of the operation guide) and CLB (ModifyApi, ApiInfo). */
export const SERVICE_TYPES = ["HTTP", "MOCK", "TSF", "SCF", "WEBSOCKET", "TARGET", "COS", "VPC", "CLB"] as const;
export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY"] as const;
/** Frontend parameter positions: header, query, path (ReqParameter) and body (operation guide). */
export const REQUEST_PARAMETER_POSITIONS = ["header", "query", "path", "body"] as const;
/** Backend parameter positions; the document's own example writes `head`. */
export const SERVICE_PARAMETER_POSITIONS = ["header", "head", "query", "path", "body"] as const;
/** Constant parameters live only in Header or Query. */
export const CONSTANT_PARAMETER_POSITIONS = ["header", "query"] as const;
export const SCF_FUNCTION_TYPES = ["EVENT", "HTTP"] as const;
export const COS_ACTIONS = ["GetObject", "PutObject", "PostObject", "AppendObject", "HeadObject", "DeleteObject"] as const;
export const COS_PATH_MATCH_MODES = ["BackEndPath", "FullPath"] as const;
export const BASE64_TRIGGER_HEADERS = ["Accept", "Content_Type"] as const;

export const MAX_REQUEST_PARAMETERS = 30;
export const MAX_CONSTANT_PARAMETERS = 30;
export const MAX_BASE64_TRIGGER_RULES = 10;
export const SERVICE_TIMEOUT = { min: 1, max: 1800 } as const;
export const MAX_API_NAME_LENGTH = 60;

// ---- Error codes per action -------------------------------------------------------------

export interface ApiDefinitionCodes {
  /** A value outside a documented enum. */
  notInOptions: string;
  /** Frontend path syntax, duplicate path + method. */
  requestConfig: string;
  /** Frontend method outside the documented methods. */
  method: string;
  requestParameters: string;
  constantParameters: string;
  serviceParameters: string;
  /** A backend parameter or backend path variable with no frontend parameter behind it. */
  parameterNotMatch: string;
  serviceConfig: string;
  url: string;
  backendPath: string;
  timeout: string;
  mockReturnMessage: string;
  scfConfig: string;
  tsfConfig: string;
  /** ApiType TSF with another backend. */
  apiType: string;
  /** A backend the frontend protocol cannot use (WEBSOCKET backend behind HTTP, …). */
  endpointType: string;
  wsMethod: string;
  businessType: string;
  publicKey: string;
  oauthApi: string;
}

/** Codes from CreateApi's page. */
export const CREATE_API_CODES: ApiDefinitionCodes = {
  notInOptions: "InvalidParameterValue.NotInOptions",
  requestConfig: "InvalidParameterValue.InvalidApiRequestConfig",
  method: "InvalidParameterValue.InvalidApiRequestConfig",
  requestParameters: "InvalidParameterValue.InvalidRequestParameters",
  // CreateApi lists no constant-parameter code; constant parameters are backend parameters.
  constantParameters: "InvalidParameterValue.InvalidServiceParameters",
  serviceParameters: "InvalidParameterValue.InvalidServiceParameters",
  parameterNotMatch: "InvalidParameterValue.ParameterNotMatch",
  serviceConfig: "InvalidParameterValue.InvalidServiceConfig",
  url: "InvalidParameterValue.InvalidUrl",
  backendPath: "InvalidParameterValue.InvalidBackendPath",
  timeout: "InvalidParameterValue.RangeExceeded",
  mockReturnMessage: "InvalidParameterValue.InvalidServiceMockReturnMessage",
  scfConfig: "InvalidParameterValue.InvalidScfConfig",
  tsfConfig: "InvalidParameterValue.InvalidTsfConfig",
  apiType: "InvalidParameterValue.InvalidApiType",
  endpointType: "UnsupportedOperation.InvalidEndpointType",
  wsMethod: "InvalidParameterValue.InvalidWSMethod",
  businessType: "InvalidParameterValue.InvalidApiBusinessType",
  publicKey: "InvalidParameterValue.InvalidPublicKey",
  oauthApi: "ResourceNotFound.InvalidOauthApi",
};

/** Codes from ModifyApi's page. */
export const MODIFY_API_CODES: ApiDefinitionCodes = {
  ...CREATE_API_CODES,
  method: "InvalidParameterValue.InvalidMethod",
  constantParameters: "InvalidParameterValue.InvalidConstantParameters",
  serviceParameters: "InvalidParameterValue.InvalidServiceParam",
  // ModifyApi lists neither InvalidServiceMockReturnMessage nor InvalidTsfConfig nor InvalidApiType.
  mockReturnMessage: "InvalidParameterValue.InvalidServiceConfig",
  tsfConfig: "InvalidParameterValue.InvalidServiceConfig",
  apiType: "InvalidParameterValue.InvalidServiceType",
  endpointType: "InvalidParameterValue.InvalidServiceType",
  oauthApi: "ResourceNotFound.InvalidOAuthApi",
};

// ---- Building the stored record from an input -------------------------------------------

/** Inputs that steer the action rather than describe the API. */
const CONTROL_INPUTS = new Set([
  "ServiceId",
  "ApiId",
  "InternalReqSource",
  "IsDeleteResponseErrorCodes",
  "AuthRequired",
  "TagSpecifications",
]);

type DefinitionInput = Record<string, unknown> & {
  RequestParameters?: Array<Partial<ApiRecord["RequestParameters"][number]>>;
  ServiceParameters?: Array<Partial<ApiRecord["ServiceParameters"][number]>>;
  ConstantParameters?: Array<Partial<ApiRecord["ConstantParameters"][number]>>;
};

/** Settings that belong to one backend type: a new ServiceType starts without the old ones. */
const BACKEND_FIELDS = [
  "ServiceConfig",
  "ServiceMockReturnMessage",
  "ServiceScfFunctionName",
  "ServiceScfFunctionNamespace",
  "ServiceScfFunctionQualifier",
  "ServiceScfIsIntegratedResponse",
  "ServiceScfFunctionType",
  "ServiceScfEventIsAsyncCall",
  "ServiceWebsocketRegisterFunctionName",
  "ServiceWebsocketRegisterFunctionNamespace",
  "ServiceWebsocketRegisterFunctionQualifier",
  "ServiceWebsocketTransportFunctionName",
  "ServiceWebsocketTransportFunctionNamespace",
  "ServiceWebsocketTransportFunctionQualifier",
  "ServiceWebsocketCleanupFunctionName",
  "ServiceWebsocketCleanupFunctionNamespace",
  "ServiceWebsocketCleanupFunctionQualifier",
  "MicroServices",
  "ServiceTsfLoadBalanceConf",
  "ServiceTsfHealthCheckConf",
  "TargetServices",
  "TargetServicesLoadBalanceConf",
  "TargetServicesHealthCheckConf",
  "TargetNamespaceId",
];
/** Settings that only mean something with AuthType OAUTH. */
const OAUTH_FIELDS = ["OauthConfig", "AuthRelationApiId", "ApiBusinessType"];

/**
 * The definition an input describes, over `base`: the documented defaults (CreateApi) or the
 * current definition (ModifyApi). With ModifyApi, fields left out keep their current value, so
 * a ModifyApi that leaves out AuthType does not silently open a SECRET API; but a new
 * ServiceType drops the old backend's settings, and leaving AuthType OAUTH drops the OAuth
 * settings, unless the input gives them again.
 */
export function applyDefinition(input: DefinitionInput, base: Partial<ApiRecord>): ApiRecord {
  const next = structuredClone(base) as ApiRecord;
  const reset = (fields: string[]) => {
    const defaults = newApiDefaults(next.ServiceId) as Record<string, unknown>;
    for (const f of fields) {
      if (f in defaults) next[f] = structuredClone(defaults[f]);
      else delete next[f];
    }
  };
  if (base.ServiceType !== undefined && input.ServiceType !== undefined && input.ServiceType !== base.ServiceType) reset(BACKEND_FIELDS);
  if (base.AuthType === "OAUTH" && input.AuthType !== undefined && input.AuthType !== "OAUTH") reset(OAUTH_FIELDS);
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || CONTROL_INPUTS.has(key)) continue;
    next[key] = structuredClone(value);
  }
  if (input.RequestParameters) {
    next.RequestParameters = input.RequestParameters.map((p) => ({
      Name: p.Name ?? "",
      Desc: p.Desc ?? "",
      Position: p.Position ?? "",
      Type: p.Type ?? "string",
      DefaultValue: p.DefaultValue ?? "",
      Required: p.Required ?? false,
    }));
  }
  if (input.ServiceParameters) {
    next.ServiceParameters = input.ServiceParameters.map((p) => ({
      Name: p.Name ?? "",
      Position: p.Position ?? "",
      RelevantRequestParameterPosition: p.RelevantRequestParameterPosition ?? "",
      RelevantRequestParameterName: p.RelevantRequestParameterName ?? "",
      DefaultValue: p.DefaultValue ?? "",
      RelevantRequestParameterDesc: p.RelevantRequestParameterDesc ?? "",
      RelevantRequestParameterType: p.RelevantRequestParameterType ?? "",
    }));
  }
  if (input.ConstantParameters) {
    next.ConstantParameters = input.ConstantParameters.map((p) => ({
      Name: p.Name ?? "",
      Desc: p.Desc ?? "",
      Position: p.Position ?? "",
      DefaultValue: p.DefaultValue ?? "",
    }));
  }
  return next;
}

/** The documented defaults of a new API (CreateApi). */
export function newApiDefaults(serviceId: string): Partial<ApiRecord> {
  return {
    ServiceId: serviceId,
    ApiName: "",
    ApiDesc: "",
    ApiType: "NORMAL",
    Protocol: "HTTP",
    AuthType: "NONE",
    ApiBusinessType: "NORMAL",
    AuthRelationApiId: "",
    RequestConfig: { Path: "/", Method: "GET" },
    RequestParameters: [],
    ServiceType: "HTTP",
    ServiceTimeout: 15,
    ServiceConfig: {},
    ServiceParameters: [],
    ConstantParameters: [],
    ServiceMockReturnMessage: "",
    EnableCORS: false,
    IsBase64Encoded: false,
    Tags: [],
  };
}

// ---- Frontend path ------------------------------------------------------------------------

/** How the gateway matches a frontend path (DATAPLANE §2.4). */
export type PathMatch = "exact" | "priority-prefix" | "prefix";

export interface FrontendPath {
  match: PathMatch;
  /** The path without its `=` / `^~` marker, starting with `/`. */
  path: string;
  /** `{name}` variables, in order. */
  params: string[];
}

/** Letters, digits and the characters the guides allow: - _ . / ~ % { } * and $ + ( ). */
const FRONTEND_PATH_CHARS = /^[A-Za-z0-9\-_./~%{}*$+()]*$/;
/** Letters, digits and $-_.+!*'(),/% plus {} for variables (backend path, §4.4). */
const BACKEND_PATH_CHARS = /^[A-Za-z0-9$\-_.+!*'(),/%{}]*$/;
const PATH_VARIABLE = /^\{([A-Za-z0-9_.-]+)\}$/;

/** The `{name}` variables of a path, or why the path is malformed. */
function pathVariables(path: string): string[] | string {
  const segments = path.split("/").slice(1);
  const params: string[] = [];
  for (const [i, segment] of segments.entries()) {
    if (segment === "" && i < segments.length - 1) return "must not contain an empty segment (`//`)";
    if (!segment.includes("{") && !segment.includes("}")) continue;
    const m = PATH_VARIABLE.exec(segment);
    if (!m) return `a path variable must be a whole segment such as \`/{id}/\`, not \`${segment}\``;
    if (params.includes(m[1]!)) return `declares path variable \`{${m[1]}}\` twice`;
    params.push(m[1]!);
  }
  return params;
}

/** Parses a frontend path: `/…` prefix match, `=/…` exact match, `^~/…` priority prefix match. */
export function parseFrontendPath(raw: string): FrontendPath | string {
  let match: PathMatch;
  let path: string;
  if (raw.startsWith("=/")) [match, path] = ["exact", raw.slice(1)];
  else if (raw.startsWith("^~/")) [match, path] = ["priority-prefix", raw.slice(2)];
  else if (raw.startsWith("/")) [match, path] = ["prefix", raw];
  else return "must start with `/` (prefix match), `=/` (exact match) or `^~/` (priority prefix match)";
  if (!FRONTEND_PATH_CHARS.test(path)) return "may contain only letters, digits and - _ . / ~ % { } * $ + ( )";
  const params = pathVariables(path);
  if (typeof params === "string") return params;
  if (match === "exact" && params.length) return "an exact-match path (`=/…`) cannot have path variables";
  return { match, path, params };
}

/** Parses a backend path (ServiceConfig.Path): starts with `/`, no `=` or `^~`, whole-segment variables. */
export function parseBackendPath(raw: string): string[] | string {
  if (!raw.startsWith("/")) return "must start with `/`";
  if (!BACKEND_PATH_CHARS.test(raw)) return "may contain only letters, digits and $ - _ . + ! * ' ( ) , / % { }";
  return pathVariables(raw);
}

// ---- Validation -----------------------------------------------------------------------------

const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const samePosition = (a: string, b: string) => {
  const norm = (p: string) => (eqi(p, "head") ? "header" : p.toLowerCase());
  return norm(a) === norm(b);
};

/** A backend base URL: the scheme, host and port only (the path goes in ServiceConfig.Path). */
function checkBaseUrl(url: string, schemes: readonly string[]): string | undefined {
  const expected = schemes.map((s) => `${s}://`).join(" or ");
  if (!/^[a-z]+:\/\//i.test(url)) return `must start with ${expected}`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `is not a well-formed URL`;
  }
  if (!schemes.includes(u.protocol.slice(0, -1))) return `must start with ${expected}`;
  if (!u.hostname) return "must name a host";
  if (u.username || u.password) return "must not contain credentials";
  if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || /[?#]/.test(url)) {
    return "must be scheme, host and port only: put the path in ServiceConfig.Path";
  }
  return undefined;
}

/** An OAuth 2.0 public key: a JWK (JSON) or a PEM public key. */
export function isPublicKey(key: string): boolean {
  try {
    createPublicKey({ key: JSON.parse(key) as import("node:crypto").JsonWebKey, format: "jwk" });
    return true;
  } catch {
    /* not a JWK */
  }
  try {
    createPublicKey(key);
    return true;
  } catch {
    return false;
  }
}

export interface DefinitionContext {
  db: Db;
  scope: Scope;
  /** The other APIs of the service (without the one being checked). */
  siblings: ApiRecord[];
  codes: ApiDefinitionCodes;
}

/** Throws the first rule the definition breaks, with the action's documented code. */
export async function validateApiDefinition(api: ApiRecord, ctx: DefinitionContext): Promise<void> {
  const { codes } = ctx;
  const fail: Fail = (path, why, code) => {
    throw errors.value(path, why, code);
  };

  // Frontend: path syntax and method, protocol and backend compatibility.
  const frontend = parseFrontendPath(api.RequestConfig.Path);
  if (typeof frontend === "string") fail("RequestConfig.Path", frontend, codes.requestConfig);
  const { params: pathParams, match } = frontend;
  if (api.Protocol === "WEBSOCKET" && api.RequestConfig.Method !== "GET") {
    fail("RequestConfig.Method", "a WEBSOCKET API is opened with GET", codes.wsMethod);
  }
  if (api.ServiceType === "WEBSOCKET" && api.Protocol !== "WEBSOCKET") {
    fail("ServiceType", "a WEBSOCKET backend needs Protocol WEBSOCKET", codes.endpointType);
  }
  if (api.Protocol === "WEBSOCKET" && !["WEBSOCKET", "SCF"].includes(api.ServiceType)) {
    fail("ServiceType", `a WEBSOCKET API needs a WEBSOCKET or SCF backend, not ${api.ServiceType}`, codes.endpointType);
  }
  if (api.ApiType === "TSF" && api.ServiceType !== "TSF") {
    fail("ApiType", `a microservice (TSF) API needs ServiceType TSF, not ${api.ServiceType}`, codes.apiType);
  }

  // Frontend parameters: named, unique, and path variables declared both ways.
  checkParameterList(api.RequestParameters, "RequestParameters", MAX_REQUEST_PARAMETERS, codes.requestParameters);
  const declaredPath = api.RequestParameters.filter((p) => eqi(p.Position, "path")).map((p) => p.Name);
  if (match === "exact" && declaredPath.length) {
    fail("RequestParameters", "an exact-match path (`=/…`) cannot have path parameters", codes.requestParameters);
  }
  for (const name of pathParams) {
    if (!declaredPath.includes(name)) {
      fail("RequestParameters", `path variable \`{${name}}\` of RequestConfig.Path must be declared as a parameter with Position path`, codes.requestParameters);
    }
  }
  for (const name of declaredPath) {
    if (!pathParams.includes(name)) {
      fail("RequestParameters", `path parameter \`${name}\` does not appear as \`{${name}}\` in RequestConfig.Path`, codes.requestParameters);
    }
  }

  // Backend parameters: constant ones, and mapped ones that need a frontend parameter.
  checkParameterList(api.ConstantParameters, "ConstantParameters", MAX_CONSTANT_PARAMETERS, codes.constantParameters);
  api.ServiceParameters.forEach((p, i) => {
    if (!p.Name) fail(`ServiceParameters.${i}.Name`, "must not be empty", codes.serviceParameters);
    const from = p.RelevantRequestParameterName || p.Name;
    const source = api.RequestParameters.find(
      (r) => r.Name === from && (!p.RelevantRequestParameterPosition || samePosition(r.Position, p.RelevantRequestParameterPosition)),
    );
    if (!source) {
      fail(`ServiceParameters.${i}.RelevantRequestParameterName`, `no frontend parameter \`${from}\` is declared in RequestParameters`, codes.parameterNotMatch);
    }
  });

  validateBackend(api, codes, fail);
  await validateAuth(api, ctx, fail);

  // API identity: path + method is unique in the service.
  const twin = ctx.siblings.find((o) => o.RequestConfig.Path === api.RequestConfig.Path && o.RequestConfig.Method === api.RequestConfig.Method);
  if (twin) {
    fail(
      "RequestConfig",
      `API \`${twin.ApiId}\` of this service already has path \`${api.RequestConfig.Path}\` and method ${api.RequestConfig.Method}`,
      codes.requestConfig,
    );
  }
}

type Fail = (path: string, why: string, code: string) => never;

function checkParameterList(list: Array<{ Name: string; Position: string }>, field: string, max: number, code: string): void {
  if (list.length > max) throw errors.value(field, `at most ${max} parameters are allowed, got ${list.length}`, code);
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (!p.Name) throw errors.value(`${field}.${i}.Name`, "must not be empty", code);
    if (!p.Position) throw errors.value(`${field}.${i}.Position`, "must not be empty", code);
    const key = `${p.Position.toLowerCase()}\u0000${p.Position.toLowerCase() === "header" ? p.Name.toLowerCase() : p.Name}`;
    if (seen.has(key)) throw errors.value(`${field}.${i}.Name`, `\`${p.Name}\` is declared twice in ${p.Position}`, code);
    seen.add(key);
  });
}

/** The settings each backend type needs (DATAPLANE §4). */
function validateBackend(api: ApiRecord, codes: ApiDefinitionCodes, fail: Fail): void {
  const sc = api.ServiceConfig;
  const backendPath = (required: boolean): string[] => {
    if (sc.Path === undefined || sc.Path === "") {
      if (required) fail("ServiceConfig.Path", `it is required when ServiceType is ${api.ServiceType}`, codes.serviceConfig);
      return [];
    }
    const vars = parseBackendPath(sc.Path);
    if (typeof vars === "string") return fail("ServiceConfig.Path", vars, codes.backendPath);
    return vars;
  };
  const backendMethod = () => {
    if (!sc.Method) fail("ServiceConfig.Method", `it is required when ServiceType is ${api.ServiceType}`, codes.serviceConfig);
    if (!(HTTP_METHODS as readonly string[]).includes(sc.Method!)) {
      fail("ServiceConfig.Method", `must be one of ${HTTP_METHODS.join(", ")}`, codes.serviceConfig);
    }
  };
  const baseUrl = (schemes: readonly string[]) => {
    if (!sc.Url) return fail("ServiceConfig.Url", `it is required when ServiceType is ${api.ServiceType}`, codes.serviceConfig);
    const why = checkBaseUrl(sc.Url, schemes);
    if (why) fail("ServiceConfig.Url", why, codes.url);
  };
  /** Every `{var}` of the backend path is filled from a mapped or same-named path parameter. */
  const mapped = (vars: string[]) => {
    for (const v of vars) {
      const viaMapping = api.ServiceParameters.some((p) => p.Name === v && eqi(p.Position, "path"));
      const sameName = api.RequestParameters.some((p) => p.Name === v && eqi(p.Position, "path"));
      if (!viaMapping && !sameName) {
        fail("ServiceConfig.Path", `backend path variable \`{${v}}\` has no path parameter to fill it`, codes.parameterNotMatch);
      }
    }
  };

  switch (api.ServiceType) {
    case "HTTP":
      baseUrl(["http", "https"]);
      mapped(backendPath(true));
      backendMethod();
      break;
    case "VPC":
    case "CLB":
      if (!sc.UniqVpcId && !sc.UpstreamId) {
        fail("ServiceConfig.UniqVpcId", `a ${api.ServiceType} backend needs ServiceConfig.UniqVpcId (or UpstreamId)`, codes.serviceConfig);
      }
      if (!sc.UpstreamId) baseUrl(["http", "https"]);
      mapped(backendPath(true));
      backendMethod();
      break;
    case "WEBSOCKET":
      baseUrl(["ws", "wss"]);
      mapped(backendPath(true));
      break;
    case "MOCK":
      if (!api.ServiceMockReturnMessage) {
        fail("ServiceMockReturnMessage", "it is required when ServiceType is MOCK", codes.mockReturnMessage);
      }
      break;
    case "SCF":
      if (!api.ServiceScfFunctionName && api.Protocol !== "WEBSOCKET") {
        fail("ServiceScfFunctionName", "it is required when ServiceType is SCF", codes.scfConfig);
      }
      if (api.Protocol === "WEBSOCKET" && !api.ServiceWebsocketTransportFunctionName) {
        fail("ServiceWebsocketTransportFunctionName", "it is required for a WEBSOCKET API with an SCF backend", codes.scfConfig);
      }
      break;
    case "TSF":
      if (!api.MicroServices?.length) fail("MicroServices", "at least one microservice is required when ServiceType is TSF", codes.tsfConfig);
      break;
    case "COS": {
      const cos = sc.CosConfig;
      if (!cos) return fail("ServiceConfig.CosConfig", "it is required when ServiceType is COS", codes.serviceConfig);
      if (!cos.BucketName) fail("ServiceConfig.CosConfig.BucketName", "must not be empty", codes.serviceConfig);
      backendPath(true);
      break;
    }
    default:
      // TARGET (internal beta): TargetServices are kept as given.
      break;
  }
}

/** AuthType OAUTH: an authorization API carries a public key; a business API names its authorization API. */
async function validateAuth(api: ApiRecord, ctx: DefinitionContext, fail: Fail): Promise<void> {
  const { codes } = ctx;
  if (api.AuthType !== "OAUTH") return;
  if (!(API_BUSINESS_TYPES as readonly string[]).includes(api.ApiBusinessType)) {
    fail("ApiBusinessType", `must be NORMAL (business API) or OAUTH (authorization API) when AuthType is OAUTH`, codes.businessType);
  }
  if (api.ApiBusinessType === "OAUTH") {
    const oauth = api.OauthConfig;
    if (!oauth) return fail("OauthConfig", "it is required for an OAuth authorization API", codes.publicKey);
    if (!isPublicKey(oauth.PublicKey)) fail("OauthConfig.PublicKey", "must be a public key as a JWK (JSON) or PEM", codes.publicKey);
    if (!oauth.TokenLocation) fail("OauthConfig.TokenLocation", "must not be empty", codes.publicKey);
    return;
  }
  if (!api.AuthRelationApiId) {
    fail("AuthRelationApiId", "a business API with AuthType OAUTH must name its authorization API", codes.oauthApi);
  }
  const auth = await apis.find(ctx.db, ctx.scope, api.AuthRelationApiId);
  if (!auth || auth.AuthType !== "OAUTH" || auth.ApiBusinessType !== "OAUTH") {
    fail("AuthRelationApiId", `\`${api.AuthRelationApiId}\` is not an OAuth authorization API (AuthType OAUTH, ApiBusinessType OAUTH) in this region`, codes.oauthApi);
  }
}

/** The OAuth business APIs bound to an authorization API. */
export async function businessApisOf(db: Db, scope: Scope, authApiId: string): Promise<ApiRecord[]> {
  return (await apis.list(db, scope)).filter((a) => a.AuthRelationApiId === authApiId && a.ApiId !== authApiId);
}
