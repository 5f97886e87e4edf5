/**
 * What the gateway serves besides published APIs, on any host that is not a service's (e.g.
 * `http://127.0.0.1:8080`):
 *
 * - `GET /__apidoc/<ApiDocId>`: the built API document page, behind the document's share
 *   password: HTTP Basic auth (any user name, the password as password) or `?password=<p>`.
 *   Without a valid password: 401 with `WWW-Authenticate: Basic` and a small password form.
 *   Each page served counts one view (ViewCount).
 * - `GET /__download/<token>/<file name>`: a GenerateApiDocument file (the token is the
 *   credential).
 *
 * These reads go through kysely (they wait for an open transaction); they are not on the API
 * request path.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { APIDOC_PATH, apiDocAccess, countApiDocView } from "../resources/apiDocs.js";
import { escapeHtml } from "../resources/apiReference.js";
import { DOWNLOAD_PATH, findArtifact } from "../resources/artifacts.js";
import type { Store } from "../store/db.js";

export interface PortalAnswer {
  status: number;
  /** For the access log: why it was refused. */
  error?: string;
}

export class Portal {
  constructor(private readonly store: Store) {}

  /** Whether the path is one the portal serves. */
  handles(path: string): boolean {
    return path.startsWith(APIDOC_PATH) || path.startsWith(DOWNLOAD_PATH);
  }

  async serve(req: IncomingMessage, res: ServerResponse, path: string, query: string, requestId: string): Promise<PortalAnswer> {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") return send(res, 405, requestId, "text/plain; charset=utf-8", "Only GET and HEAD are served here.\n", { Allow: "GET, HEAD" });
    if (path.startsWith(APIDOC_PATH)) return this.apiDoc(req, res, decodeSegment(path.slice(APIDOC_PATH.length)), query, requestId);
    const [token = "", name = ""] = path.slice(DOWNLOAD_PATH.length).split("/");
    const file = await findArtifact(this.store.db, token);
    if (!file || file.kind === "apidoc" || (name && decodeSegment(name) !== file.name)) {
      return send(res, 404, requestId, "text/plain; charset=utf-8", "No such file: generate it again with GenerateApiDocument.\n");
    }
    return send(res, 200, requestId, file.contentType, file.body, {
      "Content-Disposition": `attachment; filename="${file.name.replace(/"/g, "")}"`,
      "Cache-Control": "private, no-store",
    });
  }

  private async apiDoc(req: IncomingMessage, res: ServerResponse, id: string, query: string, requestId: string): Promise<PortalAnswer> {
    const access = await apiDocAccess(this.store.db, id);
    const page = access ? await findArtifact(this.store.db, id) : undefined;
    if (!access || !page || page.kind !== "apidoc") return send(res, 404, requestId, "text/plain; charset=utf-8", `API document ${id} does not exist.\n`);
    const given = passwordOf(req, query);
    if (given === undefined || !sameSecret(given, access.password)) {
      const html = loginForm(id, given !== undefined);
      send(res, 401, requestId, "text/html; charset=utf-8", html, { "WWW-Authenticate": `Basic realm="API document ${id}", charset="UTF-8"` });
      return { status: 401, error: given === undefined ? "The API document needs its password." : "Wrong API document password." };
    }
    await countApiDocView(this.store.db, id);
    return send(res, 200, requestId, page.contentType, page.body, { "Cache-Control": "private, no-store" });
  }
}

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  contentType: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): PortalAnswer {
  const data = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": data.length, "X-Api-RequestId": requestId, ...extra });
  res.end(res.req?.method === "HEAD" ? undefined : data);
  return { status, error: status >= 400 ? data.toString("utf8", 0, Math.min(200, data.length)).trim() : undefined };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The password from `Authorization: Basic` (any user name) or `?password=`; undefined when neither is given. */
function passwordOf(req: IncomingMessage, query: string): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon < 0 ? decoded : decoded.slice(colon + 1);
  }
  const fromQuery = new URLSearchParams(query).get("password");
  return fromQuery === null ? undefined : fromQuery;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function loginForm(id: string, wrong: boolean): string {
  const h = escapeHtml(id);
  return `<!doctype html><html><head><meta charset="utf-8"><title>API document ${h}</title></head><body style="font:15px system-ui,sans-serif;margin:40px">
<h1>API document ${h}</h1>${wrong ? "<p style=\"color:#e54545\">Wrong password.</p>" : ""}
<form method="get"><label>Password <input type="password" name="password" autofocus></label> <button type="submit">Open</button></form>
</body></html>`;
}
