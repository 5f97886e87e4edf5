/**
 * The reference of an environment's published APIs, read from its release snapshot (what the
 * gateway serves, not the draft): paths, methods, parameters, authentication, request and
 * response examples, and the URLs to call. Rendered as an HTML page (API documents,
 * BuildAPIDoc) and as Markdown (GenerateApiDocument); the generated clients use the same model.
 */
import type { Config } from "../config.js";
import { parseApiPath } from "../gateway/router.js";
import type { Db } from "../store/db.js";
import type { Scope } from "../store/resources.js";
import type { ApiRecord } from "./apis.js";
import { environmentStates } from "./environments.js";
import { releases, type ReleaseRecord } from "./releases.js";
import { serviceDomains } from "./subDomains.js";

export interface ReferenceParam {
  name: string;
  /** PATH, QUERY or HEADER (as the API declares it). */
  position: string;
  type: string;
  required: boolean;
  defaultValue: string;
  description: string;
}

export interface ReferenceApi {
  apiId: string;
  name: string;
  description: string;
  /** GET, POST, …, or ANY. */
  method: string;
  /** The path without its `=` / `^~` marker. */
  path: string;
  /** exact, priorityPrefix, template or prefix (DATAPLANE §2.4). */
  match: string;
  /** NONE, SECRET, APP or OAUTH. */
  authType: string;
  cors: boolean;
  params: ReferenceParam[];
  responseType: string;
  successExample: string;
  failExample: string;
  errorCodes: Array<{ code: string; message: string; description: string }>;
  /** Full URL on the service's default domain (gateway port included). */
  url: string;
}

export interface ApiReference {
  serviceId: string;
  serviceName: string;
  serviceDesc: string;
  environment: string;
  versionName: string;
  versionDesc: string;
  releasedAt: string;
  /** The default domain the APIs answer on (the Host header to send). */
  host: string;
  /** Where this gateway listens: connect here and send `Host: host`. */
  gatewayUrl: string;
  /** `http://<host>:<port>/<environment>`: prefix of every API path. */
  baseUrl: string;
  /** The environment's base URLs on bound custom domains. */
  customBaseUrls: string[];
  apis: ReferenceApi[];
}

/** The release an environment of the service serves now; undefined when it is not published. */
export async function publishedRelease(db: Db, scope: Scope, serviceId: string, environment: string): Promise<ReleaseRecord | undefined> {
  const state = (await environmentStates(db, scope, serviceId)).find((e) => e.environment === environment && e.online);
  if (!state) return undefined;
  const release = await releases.find(db, scope, state.versionName);
  return release && release.ServiceId === serviceId ? release : undefined;
}

/** Where this gateway can be reached from this machine. */
export function gatewayOrigin(config: Config, scheme: "http" | "https" = "http"): string {
  const host = config.host === "0.0.0.0" || config.host === "::" || config.host === "" ? "127.0.0.1" : config.host;
  const port = scheme === "https" ? config.gatewayHttpsPort : config.gatewayPort;
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * The reference of `environment`, from `release`, limited to `apiIds` (in that order) when
 * given. Ids the release does not contain are returned in `missing`.
 */
export async function buildReference(
  db: Db,
  scope: Scope,
  config: Config,
  release: ReleaseRecord,
  environment: string,
  apiIds?: readonly string[],
): Promise<{ reference: ApiReference; missing: string[] }> {
  const byId = new Map(release.Apis.map((a) => [a.ApiId, a]));
  const missing = apiIds ? apiIds.filter((id) => !byId.has(id)) : [];
  const selected = apiIds ? apiIds.flatMap((id) => byId.get(id) ?? []) : release.Apis;
  const service = release.Service;
  const host = service.OuterSubDomain || service.InnerSubDomain;
  const port = config.gatewayPort;
  const baseUrl = `http://${host}${port === 80 ? "" : `:${port}`}/${environment}`;
  const customBaseUrls: string[] = [];
  for (const d of await serviceDomains(db, scope, release.ServiceId)) {
    const scheme = d.Protocol === "https" || d.IsForcedHttps ? "https" : "http";
    const origin = `${scheme}://${d.DomainName}`;
    if (d.IsDefaultMapping) customBaseUrls.push(`${origin}/${environment}`);
    for (const m of d.PathMappingSet) if (m.Environment === environment) customBaseUrls.push(`${origin}${m.Path === "/" ? "" : m.Path}`);
  }
  const reference: ApiReference = {
    serviceId: release.ServiceId,
    serviceName: service.ServiceName,
    serviceDesc: service.ServiceDesc,
    environment,
    versionName: release.VersionName,
    versionDesc: release.VersionDesc,
    releasedAt: release.CreatedTime,
    host,
    gatewayUrl: gatewayOrigin(config),
    baseUrl,
    customBaseUrls,
    apis: selected.map((a) => referenceApi(a, baseUrl)),
  };
  return { reference, missing };
}

function referenceApi(a: ApiRecord, baseUrl: string): ReferenceApi {
  const parsed = parseApiPath(a.RequestConfig?.Path || "/");
  return {
    apiId: a.ApiId,
    name: a.ApiName || a.ApiId,
    description: a.ApiDesc ?? "",
    method: (a.RequestConfig?.Method || "ANY").toUpperCase(),
    path: parsed.path,
    match: parsed.kind,
    authType: a.AuthType || "NONE",
    cors: a.EnableCORS === true,
    params: (a.RequestParameters ?? []).map((p) => ({
      name: p.Name,
      position: (p.Position || "QUERY").toUpperCase(),
      type: p.Type || "string",
      required: p.Required === true,
      defaultValue: p.DefaultValue ?? "",
      description: p.Desc ?? "",
    })),
    responseType: a.ResponseType ?? "",
    successExample: a.ResponseSuccessExample ?? "",
    failExample: a.ResponseFailExample ?? "",
    errorCodes: (a.ResponseErrorCodes ?? []).map((e) => ({ code: String(e.Code ?? ""), message: e.Msg ?? "", description: e.Desc ?? "" })),
    url: baseUrl + parsed.path,
  };
}

const AUTH_TEXT: Record<string, string> = {
  NONE: "None: anyone can call it.",
  SECRET:
    'Key pair (SECRET): send `X-Date` (GMT date, within 15 minutes of the gateway\'s clock) and `Authorization: hmac id="<SecretId>", algorithm="hmac-sha1", headers="x-date", signature="<Base64(HMAC-SHA1(SecretKey, "x-date: <X-Date>"))>"`. The key must be bound to this environment through a usage plan.',
  APP: "Application (APP): sign the request with the application's ApiAppKey and ApiAppSecret; the application must be authorized for this API.",
  OAUTH: "OAuth 2.0: send the token issued by the service's authorization API.",
};

export const authDescription = (authType: string) => AUTH_TEXT[authType] ?? authType;

const MATCH_TEXT: Record<string, string> = {
  exact: "exact path",
  priorityPrefix: "priority prefix",
  template: "path template",
  prefix: "path prefix",
};

/** A curl command that calls the API through this gateway (placeholders in angle brackets). */
export function curlExample(ref: ApiReference, api: ReferenceApi): string {
  const method = api.method === "ANY" ? "GET" : api.method;
  let path = api.path;
  for (const p of api.params.filter((x) => x.position === "PATH")) path = path.replace(`{${p.name}}`, p.defaultValue || `<${p.name}>`);
  const query = api.params
    .filter((p) => p.position === "QUERY" && (p.required || p.defaultValue))
    .map((p) => `${encodeURIComponent(p.name)}=${p.defaultValue ? encodeURIComponent(p.defaultValue) : `<${p.name}>`}`)
    .join("&");
  const lines = [`curl -X ${method} '${ref.gatewayUrl}/${ref.environment}${path}${query ? `?${query}` : ""}'`, `  -H 'Host: ${ref.host}'`];
  for (const p of api.params.filter((x) => x.position === "HEADER" && (x.required || x.defaultValue))) {
    lines.push(`  -H '${p.name}: ${p.defaultValue || `<${p.name}>`}'`);
  }
  if (api.authType === "SECRET") {
    lines.push(`  -H 'X-Date: <GMT date>'`, `  -H 'Authorization: hmac id="<SecretId>", algorithm="hmac-sha1", headers="x-date", signature="<signature>"'`);
  }
  if (method === "POST" || method === "PUT" || method === "PATCH") lines.push(`  -H 'Content-Type: application/json' -d '{}'`);
  return lines.join(" \\\n");
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2129;background:#f5f7fa}
header{background:#006eff;color:#fff;padding:24px 40px}header h1{margin:0 0 4px}header p{margin:2px 0;opacity:.9}
main{max-width:1000px;margin:0 auto;padding:24px 40px}nav ul{padding-left:20px}
section.api{background:#fff;border:1px solid #e5e8ed;border-radius:6px;padding:16px 24px;margin:24px 0}
.method{display:inline-block;min-width:56px;text-align:center;border-radius:4px;padding:2px 8px;color:#fff;background:#0abf5b;font-weight:600;margin-right:8px}
.method.POST{background:#ff9c19}.method.PUT{background:#006eff}.method.DELETE{background:#e54545}.method.ANY{background:#7a5af8}
code,pre{font-family:ui-monospace,Menlo,monospace;font-size:13px}pre{background:#f2f4f8;padding:12px;border-radius:4px;overflow:auto}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #e5e8ed;padding:6px 10px;text-align:left;vertical-align:top}th{background:#f2f4f8}`;

/** The API document page: one self-contained HTML file. */
export function renderHtml(ref: ApiReference, title: string): string {
  const h = escapeHtml;
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`);
  out.push(`<title>${h(title)}</title><style>${STYLE}</style></head><body>`);
  out.push(`<header><h1>${h(title)}</h1><p>Service ${h(ref.serviceName)} (<code>${h(ref.serviceId)}</code>), environment <b>${h(ref.environment)}</b></p>`);
  out.push(`<p>Release ${h(ref.versionName)}${ref.versionDesc ? ` — ${h(ref.versionDesc)}` : ""}, published ${h(ref.releasedAt)}</p></header><main>`);
  if (ref.serviceDesc) out.push(`<p>${h(ref.serviceDesc)}</p>`);
  out.push(`<h2>Calling the APIs</h2><p>Base URL: <code>${h(ref.baseUrl)}</code></p>`);
  if (ref.customBaseUrls.length) out.push(`<p>Also on: ${ref.customBaseUrls.map((u) => `<code>${h(u)}</code>`).join(", ")}</p>`);
  out.push(`<p>Through this gateway directly: connect to <code>${h(ref.gatewayUrl)}</code> and send <code>Host: ${h(ref.host)}</code>.</p>`);
  out.push(`<nav><h2>APIs (${ref.apis.length})</h2><ul>`);
  for (const a of ref.apis) out.push(`<li><a href="#${h(a.apiId)}">${h(a.name)}</a> <code>${h(a.method)} ${h(a.path)}</code></li>`);
  out.push(`</ul></nav>`);
  for (const a of ref.apis) {
    out.push(`<section class="api" id="${h(a.apiId)}"><h2>${h(a.name)}</h2>`);
    out.push(`<p><span class="method ${h(a.method)}">${h(a.method)}</span><code>${h(a.path)}</code> (${h(MATCH_TEXT[a.match] ?? a.match)})</p>`);
    if (a.description) out.push(`<p>${h(a.description)}</p>`);
    out.push(`<table><tr><th>API ID</th><td><code>${h(a.apiId)}</code></td></tr><tr><th>URL</th><td><code>${h(a.url)}</code></td></tr>`);
    out.push(`<tr><th>Authentication</th><td>${h(authDescription(a.authType))}</td></tr><tr><th>CORS</th><td>${a.cors ? "enabled" : "disabled"}</td></tr></table>`);
    out.push(`<h3>Request parameters</h3>`);
    if (a.params.length) {
      out.push(`<table><tr><th>Name</th><th>Position</th><th>Type</th><th>Required</th><th>Default</th><th>Description</th></tr>`);
      for (const p of a.params) {
        out.push(
          `<tr><td><code>${h(p.name)}</code></td><td>${h(p.position)}</td><td>${h(p.type)}</td><td>${p.required ? "yes" : "no"}</td><td>${h(p.defaultValue)}</td><td>${h(p.description)}</td></tr>`,
        );
      }
      out.push(`</table>`);
    } else out.push(`<p>None.</p>`);
    out.push(`<h3>Request example</h3><pre>${h(curlExample(ref, a))}</pre>`);
    if (a.responseType) out.push(`<p>Response type: <code>${h(a.responseType)}</code></p>`);
    out.push(`<h3>Success response example</h3><pre>${h(a.successExample || "(none given)")}</pre>`);
    out.push(`<h3>Failure response example</h3><pre>${h(a.failExample || "(none given)")}</pre>`);
    if (a.errorCodes.length) {
      out.push(`<h3>Error codes</h3><table><tr><th>Code</th><th>Message</th><th>Description</th></tr>`);
      for (const e of a.errorCodes) out.push(`<tr><td>${h(e.code)}</td><td>${h(e.message)}</td><td>${h(e.description)}</td></tr>`);
      out.push(`</table>`);
    }
    out.push(`</section>`);
  }
  out.push(`</main></body></html>`);
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const fence = (s: string) => {
  const ticks = "`".repeat(Math.max(3, ...[...s.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}\n${s}\n${ticks}`;
};

/** The same reference as one Markdown document (GenerateApiDocument's document). */
export function renderMarkdown(ref: ApiReference, extra = ""): string {
  const out: string[] = [];
  out.push(`# ${ref.serviceName} — ${ref.environment} API reference`, "");
  out.push(`Service \`${ref.serviceId}\`, environment \`${ref.environment}\`, release \`${ref.versionName}\` (${ref.releasedAt}).`, "");
  if (ref.serviceDesc) out.push(ref.serviceDesc, "");
  out.push(`## Calling the APIs`, "", `- Base URL: \`${ref.baseUrl}\``);
  for (const u of ref.customBaseUrls) out.push(`- Custom domain: \`${u}\``);
  out.push(`- Through this gateway directly: connect to \`${ref.gatewayUrl}\` and send \`Host: ${ref.host}\`.`, "");
  if (extra) out.push(extra, "");
  out.push(`## APIs`, "");
  for (const a of ref.apis) out.push(`- [${a.name}](#${a.apiId}) \`${a.method} ${a.path}\``);
  out.push("");
  for (const a of ref.apis) {
    out.push(`<a id="${a.apiId}"></a>`, `### ${a.name}`, "");
    out.push(`\`${a.method} ${a.path}\` (${MATCH_TEXT[a.match] ?? a.match}) — API \`${a.apiId}\``, "");
    if (a.description) out.push(a.description, "");
    out.push(`- URL: \`${a.url}\``, `- Authentication: ${authDescription(a.authType)}`, `- CORS: ${a.cors ? "enabled" : "disabled"}`, "");
    if (a.params.length) {
      out.push(`| Name | Position | Type | Required | Default | Description |`, `|---|---|---|---|---|---|`);
      for (const p of a.params) out.push(`| \`${cell(p.name)}\` | ${p.position} | ${cell(p.type)} | ${p.required ? "yes" : "no"} | ${cell(p.defaultValue)} | ${cell(p.description)} |`);
      out.push("");
    } else out.push("No request parameters.", "");
    out.push(`Request example:`, "", fence(curlExample(ref, a)), "");
    if (a.successExample) out.push(`Success response example:`, "", fence(a.successExample), "");
    if (a.failExample) out.push(`Failure response example:`, "", fence(a.failExample), "");
    if (a.errorCodes.length) {
      out.push(`| Code | Message | Description |`, `|---|---|---|`);
      for (const e of a.errorCodes) out.push(`| ${cell(e.code)} | ${cell(e.message)} | ${cell(e.description)} |`);
      out.push("");
    }
  }
  return out.join("\n");
}
