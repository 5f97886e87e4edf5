/**
 * Generated clients (GenerateApiDocument's SDK): one small dependency-free module per
 * language that calls an environment's APIs through the gateway, one method per API, signing
 * key-pair (SECRET) APIs as DATAPLANE §5.2 says: `X-Date` and `Source` headers and
 * `Authorization: hmac id="…", algorithm="hmac-sha1", headers="x-date source", signature="…"`
 * with signature = Base64(HMAC(SecretKey, "x-date: <X-Date>\nsource: <Source>")).
 *
 * The module connects to this gateway's address and sends the service's default domain as the
 * Host header, so it works locally without DNS; both can be changed when constructing it.
 */
import type { ApiReference, ReferenceApi } from "./apiReference.js";
import { renderMarkdown } from "./apiReference.js";
import type { ZipEntry } from "./archive.js";

export const LANGUAGES = ["JavaScript", "Python"] as const;
export type Language = (typeof LANGUAGES)[number];

/** The documented language names, matched case-insensitively (also "js", "py"). */
export function parseLanguage(value: string): Language | undefined {
  const v = value.trim().toLowerCase();
  if (v === "javascript" || v === "js" || v === "nodejs" || v === "node.js") return "JavaScript";
  if (v === "python" || v === "py" || v === "python3") return "Python";
  return undefined;
}

interface ApiSpec {
  apiId: string;
  name: string;
  method: string;
  path: string;
  authType: string;
  params: Array<{ name: string; position: string; required: boolean; hasDefault: boolean }>;
}

const JS_RESERVED = new Set(
  "break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof new return super switch this throw try typeof var void while with yield let static enum await implements package protected interface private public call constructor".split(
    " ",
  ),
);
const PY_RESERVED = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield call".split(" "),
);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** A method name per API, unique, valid in the language; `api_<id>` when the API name gives none. */
function methodNames(apis: readonly ReferenceApi[], style: "camel" | "snake"): string[] {
  const used = new Set<string>();
  return apis.map((a) => {
    const w = words(a.name);
    let name = style === "camel" ? w.map((x, i) => (i ? x[0]!.toUpperCase() + x.slice(1) : x)).join("") : w.join("_");
    const reserved = style === "camel" ? JS_RESERVED : PY_RESERVED;
    if (!name || /^\d/.test(name) || reserved.has(name) || used.has(name)) name = `api_${a.apiId.replace(/^api-/, "")}`;
    used.add(name);
    return name;
  });
}

/** Text safe inside a generated comment or docstring: one line, no comment end, no escapes. */
const oneLine = (s: string) =>
  s
    .replace(/[\r\n]+/g, " ")
    .replace(/\*\//g, "* /")
    .replace(/\\/g, "/")
    .replace(/"""/g, "'''");

function specs(ref: ApiReference): ApiSpec[] {
  return ref.apis.map((a) => ({
    apiId: a.apiId,
    name: a.name,
    method: a.method,
    path: a.path,
    authType: a.authType,
    params: a.params.map((p) => ({ name: p.name, position: p.position, required: p.required, hasDefault: p.defaultValue !== "" })),
  }));
}

function service(ref: ApiReference) {
  return {
    serviceId: ref.serviceId,
    environment: ref.environment,
    host: ref.host,
    endpoint: ref.gatewayUrl,
    basePath: `/${ref.environment}`,
    release: ref.versionName,
  };
}

// ---------------------------------------------------------------------------------------
// JavaScript (Node 18+, ES module, no dependencies)
// ---------------------------------------------------------------------------------------

const JS_RUNTIME = String.raw`
/**
 * The key-pair (SECRET) signature headers of DATAPLANE §5.2: X-Date, Source and Authorization.
 * algorithm: hmac-sha1 (default), hmac-sha256, hmac-sha384 or hmac-sha512.
 */
export function signatureHeaders({ secretId, secretKey, algorithm = "hmac-sha1", source = "apigw-sdk", date = new Date() }) {
  const xDate = (date instanceof Date ? date : new Date(date)).toUTCString();
  const stringToSign = "x-date: " + xDate + "\nsource: " + source;
  const signature = createHmac(algorithm.replace(/^hmac-/, ""), secretKey).update(stringToSign, "utf8").digest("base64");
  return {
    "X-Date": xDate,
    Source: source,
    Authorization: 'hmac id="' + secretId + '", algorithm="' + algorithm + '", headers="x-date source", signature="' + signature + '"',
  };
}

export class ApiError extends Error {
  constructor(message, response) {
    super(message);
    this.name = "ApiError";
    this.response = response;
  }
}

/**
 * Calls the APIs of the service environment through the gateway.
 *
 *   const client = new ApiClient({ secretId, secretKey });      // keys only for SECRET APIs
 *   const res = await client.call("getUser", { path: { id: 1 }, query: { verbose: "1" } });
 *   res.status, res.headers, res.text(), res.json()
 *
 * Options: endpoint (where to connect, default the gateway that generated this client), host
 * (the Host header, default the service's default domain), basePath (default /<environment>),
 * secretId, secretKey, algorithm, source, timeoutMs (default 15000), headers (sent on every call).
 */
export class ApiClient {
  constructor(options = {}) {
    this.endpoint = new URL(options.endpoint ?? SERVICE.endpoint);
    this.host = options.host ?? SERVICE.host;
    this.basePath = options.basePath ?? SERVICE.basePath;
    this.secretId = options.secretId;
    this.secretKey = options.secretKey;
    this.algorithm = options.algorithm ?? "hmac-sha1";
    this.source = options.source ?? "apigw-sdk";
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.headers = options.headers ?? {};
  }

  /**
   * Calls one API, by method name, API id or API name. request: { path, query, headers, body,
   * method (for ANY APIs, default GET), subPath (appended to a prefix API's path) }.
   * Resolves with every answer, errors included (see res.status); rejects when the call fails.
   */
  async call(api, request = {}) {
    const spec = APIS[api] ?? Object.values(APIS).find((a) => a.apiId === api || a.name === api);
    if (!spec) throw new Error("unknown API " + JSON.stringify(api) + "; known: " + Object.keys(APIS).join(", "));
    const values = { PATH: request.path ?? {}, QUERY: request.query ?? {}, HEADER: request.headers ?? {} };
    for (const p of spec.params) {
      const given = p.position === "HEADER"
        ? Object.keys(values.HEADER).some((k) => k.toLowerCase() === p.name.toLowerCase())
        : values[p.position]?.[p.name] !== undefined;
      if (p.required && !p.hasDefault && !given) throw new Error(spec.name + ": missing required " + p.position.toLowerCase() + " parameter " + p.name);
    }
    let path = spec.path.replace(/\{([^{}/]+)\}/g, (_, name) => {
      const v = values.PATH[name];
      if (v === undefined) throw new Error(spec.name + ": missing path parameter " + name);
      return encodeURIComponent(String(v));
    });
    if (request.subPath) path = path.replace(/\/$/, "") + "/" + String(request.subPath).replace(/^\//, "");
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(values.QUERY)) {
      for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null) query.append(k, String(item));
    }
    const search = query.toString();
    const target = this.endpoint.pathname.replace(/\/$/, "") + this.basePath + path + (search ? "?" + search : "");
    const method = spec.method === "ANY" ? (request.method ?? "GET").toUpperCase() : spec.method;
    const headers = { ...this.headers, ...values.HEADER, Host: this.host };
    let body = request.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) {
      body = JSON.stringify(body);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
    }
    if (body !== undefined && body !== null) headers["Content-Length"] = Buffer.byteLength(body);
    if (spec.authType === "SECRET") {
      if (!this.secretId || !this.secretKey) throw new Error(spec.name + " uses key-pair (SECRET) authentication: give secretId and secretKey");
      Object.assign(headers, signatureHeaders({ secretId: this.secretId, secretKey: this.secretKey, algorithm: this.algorithm, source: this.source }));
    }
    const transport = this.endpoint.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        {
          protocol: this.endpoint.protocol,
          hostname: this.endpoint.hostname.replace(/^\[|\]$/g, ""),
          port: this.endpoint.port || undefined,
          servername: this.host,
          method,
          path: target,
          headers,
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const data = Buffer.concat(chunks);
            resolve({
              status: res.statusCode,
              headers: res.headers,
              requestId: res.headers["x-api-requestid"],
              body: data,
              text: () => data.toString("utf8"),
              json: () => JSON.parse(data.toString("utf8")),
            });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(spec.name + ": no answer within " + this.timeoutMs + " ms")));
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  }
`;

export function javascriptClient(ref: ApiReference): string {
  const apis = specs(ref);
  const names = methodNames(ref.apis, "camel");
  const table = Object.fromEntries(names.map((n, i) => [n, apis[i]!]));
  const methods = names
    .map((n, i) => {
      const a = apis[i]!;
      return `\n  /** ${oneLine(a.name)} (${a.apiId}): ${a.method} ${oneLine(a.path)}${a.authType !== "NONE" ? `, ${a.authType} auth` : ""}. */\n  ${n}(request = {}) {\n    return this.call(${JSON.stringify(n)}, request);\n  }\n`;
    })
    .join("");
  return (
    `// Generated by apigw (GenerateApiDocument) for service ${ref.serviceId}, environment ${ref.environment}, release ${ref.versionName}.\n` +
    `// Node 18 or newer; no dependencies. See README.md.\n` +
    `import { createHmac } from "node:crypto";\nimport http from "node:http";\nimport https from "node:https";\n\n` +
    `export const SERVICE = ${JSON.stringify(service(ref), null, 2)};\n\n` +
    `/** Every API, by method name: its id, method, path, authentication and parameters. */\n` +
    `export const APIS = ${JSON.stringify(table, null, 2)};\n` +
    JS_RUNTIME +
    methods +
    `}\n`
  );
}

function javascriptExample(ref: ApiReference): string {
  const names = methodNames(ref.apis, "camel");
  const first = ref.apis[0];
  const call = first
    ? `const res = await client.${names[0]}(${examplePathParams(first) ? `{ path: ${examplePathParams(first)} }` : ""});\nconsole.log(res.status, res.text());`
    : `// This environment publishes no API.`;
  return `// node example.mjs  (set APIGW_SECRET_ID / APIGW_SECRET_KEY for key-pair APIs)\nimport { ApiClient } from "./apigw-client.mjs";\n\nconst client = new ApiClient({ secretId: process.env.APIGW_SECRET_ID, secretKey: process.env.APIGW_SECRET_KEY });\n${call}\n`;
}

function examplePathParams(api: ReferenceApi): string {
  const names = [...api.path.matchAll(/\{([^{}/]+)\}/g)].map((m) => m[1]!);
  return names.length ? `{ ${names.map((n) => `${JSON.stringify(n)}: "1"`).join(", ")} }` : "";
}

// ---------------------------------------------------------------------------------------
// Python (3.8+, standard library only)
// ---------------------------------------------------------------------------------------

const PY_RUNTIME = String.raw`

def signature_headers(secret_id, secret_key, algorithm="hmac-sha1", source="apigw-sdk", date=None):
    """The key-pair (SECRET) signature headers of DATAPLANE 5.2: X-Date, Source and Authorization."""
    x_date = formatdate(timeval=date, usegmt=True)
    string_to_sign = "x-date: " + x_date + "\nsource: " + source
    digest = getattr(hashlib, algorithm.replace("hmac-", ""))
    signature = base64.b64encode(hmac.new(secret_key.encode(), string_to_sign.encode(), digest).digest()).decode()
    return {
        "X-Date": x_date,
        "Source": source,
        "Authorization": 'hmac id="%s", algorithm="%s", headers="x-date source", signature="%s"' % (secret_id, algorithm, signature),
    }


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.request_id = headers.get("X-Api-RequestId")

    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class ApiClient:
    """Calls the APIs of the service environment through the gateway.

    client = ApiClient(secret_id=..., secret_key=...)   # keys only for SECRET APIs
    res = client.call("get_user", path={"id": 1}, query={"verbose": "1"})
    res.status, res.headers, res.text(), res.json()
    """

    def __init__(self, endpoint=None, host=None, base_path=None, secret_id=None, secret_key=None,
                 algorithm="hmac-sha1", source="apigw-sdk", timeout=15, headers=None):
        self.endpoint = urllib.parse.urlsplit(endpoint or SERVICE["endpoint"])
        self.host = host or SERVICE["host"]
        self.base_path = base_path if base_path is not None else SERVICE["basePath"]
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.algorithm = algorithm
        self.source = source
        self.timeout = timeout
        self.headers = dict(headers or {})

    def call(self, api, path=None, query=None, headers=None, body=None, method=None, sub_path=None):
        spec = APIS.get(api) or next((a for a in APIS.values() if api in (a["apiId"], a["name"])), None)
        if spec is None:
            raise ValueError("unknown API %r; known: %s" % (api, ", ".join(APIS)))
        path, query, headers = dict(path or {}), dict(query or {}), dict(headers or {})
        given = {"PATH": path, "QUERY": query, "HEADER": {k.lower(): v for k, v in headers.items()}}
        for p in spec["params"]:
            key = p["name"].lower() if p["position"] == "HEADER" else p["name"]
            if p["required"] and not p["hasDefault"] and key not in given.get(p["position"], {}):
                raise ValueError("%s: missing required %s parameter %s" % (spec["name"], p["position"].lower(), p["name"]))

        def fill(m):
            if m.group(1) not in path:
                raise ValueError("%s: missing path parameter %s" % (spec["name"], m.group(1)))
            return urllib.parse.quote(str(path[m.group(1)]), safe="")

        api_path = re.sub(r"\{([^{}/]+)\}", fill, spec["path"])
        if sub_path:
            api_path = api_path.rstrip("/") + "/" + str(sub_path).lstrip("/")
        target = self.endpoint.path.rstrip("/") + self.base_path + api_path
        if query:
            target += "?" + urllib.parse.urlencode(query, doseq=True)
        verb = (method or "GET").upper() if spec["method"] == "ANY" else spec["method"]
        send = dict(self.headers)
        send.update(headers)
        send["Host"] = self.host
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            if not any(k.lower() == "content-type" for k in send):
                send["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        if spec["authType"] == "SECRET":
            if not (self.secret_id and self.secret_key):
                raise ValueError(spec["name"] + " uses key-pair (SECRET) authentication: give secret_id and secret_key")
            send.update(signature_headers(self.secret_id, self.secret_key, self.algorithm, self.source))
        if self.endpoint.scheme == "https":
            conn = http.client.HTTPSConnection(self.endpoint.hostname, self.endpoint.port, timeout=self.timeout)
        else:
            conn = http.client.HTTPConnection(self.endpoint.hostname, self.endpoint.port, timeout=self.timeout)
        try:
            conn.request(verb, target, body=body, headers=send)
            res = conn.getresponse()
            return Response(res.status, dict(res.getheaders()), res.read())
        finally:
            conn.close()
`;

export function pythonClient(ref: ApiReference): string {
  const apis = specs(ref);
  const names = methodNames(ref.apis, "snake");
  const table = Object.fromEntries(names.map((n, i) => [n, apis[i]!]));
  const methods = names
    .map((n, i) => {
      const a = apis[i]!;
      return `\n    def ${n}(self, **request):\n        """${oneLine(a.name)} (${a.apiId}): ${a.method} ${oneLine(a.path)}."""\n        return self.call(${JSON.stringify(n)}, **request)\n`;
    })
    .join("");
  // JSON is valid Python for these values once true/false are spelled the Python way.
  const pyJson = (v: unknown) => JSON.stringify(v, null, 4).replace(/\btrue\b/g, "True").replace(/\bfalse\b/g, "False");
  return (
    `# Generated by apigw (GenerateApiDocument) for service ${ref.serviceId}, environment ${ref.environment}, release ${ref.versionName}.\n` +
    `# Python 3.8 or newer; standard library only. See README.md.\n` +
    `import base64\nimport hashlib\nimport hmac\nimport http.client\nimport json\nimport re\nimport urllib.parse\nfrom email.utils import formatdate\n\n` +
    `SERVICE = ${pyJson(service(ref))}\n\n` +
    `# Every API, by method name: its id, method, path, authentication and parameters.\n` +
    `APIS = ${pyJson(table)}\n` +
    PY_RUNTIME +
    methods
  );
}

function pythonExample(ref: ApiReference): string {
  const names = methodNames(ref.apis, "snake");
  const first = ref.apis[0];
  const path = first ? examplePathParams(first) : "";
  const call = first ? `res = client.${names[0]}(${path ? `path=${path.replace(/^\{ /, "{").replace(/ \}$/, "}")}` : ""})\nprint(res.status, res.text())` : "# This environment publishes no API.";
  return `# python3 example.py  (set APIGW_SECRET_ID / APIGW_SECRET_KEY for key-pair APIs)\nimport os\n\nfrom apigw_client import ApiClient\n\nclient = ApiClient(secret_id=os.environ.get("APIGW_SECRET_ID"), secret_key=os.environ.get("APIGW_SECRET_KEY"))\n${call}\n`;
}

/** The files of the SDK archive for `language`: the client, an example, and the API reference as README.md. */
export function sdkFiles(ref: ApiReference, language: Language): ZipEntry[] {
  const dir = `${ref.serviceId}-${ref.environment}-${language.toLowerCase()}-sdk`;
  const usage =
    language === "JavaScript"
      ? "## Using the client (JavaScript)\n\nNode 18 or newer, no dependencies: `import { ApiClient } from \"./apigw-client.mjs\"`, then `new ApiClient({ secretId, secretKey })` (keys only for key-pair APIs) and one method per API; `client.call(nameOrApiId, { path, query, headers, body })` calls any. See `example.mjs`."
      : "## Using the client (Python)\n\nPython 3.8 or newer, standard library only: `from apigw_client import ApiClient`, then `ApiClient(secret_id=..., secret_key=...)` (keys only for key-pair APIs) and one method per API; `client.call(name_or_api_id, path=..., query=..., headers=..., body=...)` calls any. See `example.py`.";
  const readme = renderMarkdown(ref, usage);
  if (language === "JavaScript") {
    return [
      { name: `${dir}/README.md`, data: readme },
      { name: `${dir}/package.json`, data: `${JSON.stringify({ name: `${ref.serviceId}-${ref.environment}-client`, version: "1.0.0", private: true, type: "module", main: "apigw-client.mjs", engines: { node: ">=18" } }, null, 2)}\n` },
      { name: `${dir}/apigw-client.mjs`, data: javascriptClient(ref) },
      { name: `${dir}/example.mjs`, data: javascriptExample(ref) },
    ];
  }
  return [
    { name: `${dir}/README.md`, data: readme },
    { name: `${dir}/apigw_client.py`, data: pythonClient(ref) },
    { name: `${dir}/example.py`, data: pythonExample(ref) },
  ];
}
