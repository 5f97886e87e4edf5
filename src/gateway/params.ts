/**
 * Frontend parameters (DATAPLANE §3) and their mapping onto the backend request (§4.3),
 * compiled once per release into a plan, applied per request in two passes: read every
 * value from the request first (and reject a missing required one), then write them where
 * the backend expects them, so that one mapping can never see another's output.
 *
 * By default a parameter keeps its name and position, so it reaches the backend untouched
 * (headers and query are forwarded as they are). A ServiceParameter moves or renames it; a
 * DefaultValue fills it in when the caller left it out; constants are always added.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ApiRecord } from "../resources/apis.js";

export type Position = "header" | "query" | "path";

export interface ParamLocation {
  position: Position;
  name: string;
  /** The name as looked up: lower-case for headers (as node:http gives them), as is otherwise. */
  key: string;
}

export interface ParamRule {
  source: ParamLocation;
  /** Where the backend receives the value. */
  target: ParamLocation;
  /** Whether target differs from source: the value must be moved, not just left in place. */
  moves: boolean;
  required: boolean;
  defaultValue: string | undefined;
}

export interface ConstantRule {
  target: ParamLocation;
  value: string;
}

export interface ParamPlan {
  rules: ParamRule[];
  constants: ConstantRule[];
  /** Some rule reads the query string, so it must be parsed. */
  readsQuery: boolean;
}

/** Positions as the document and the SDK spell them ("head" appears for header). */
function normalizePosition(position: string | undefined): Position | undefined {
  switch ((position ?? "").toLowerCase()) {
    case "header":
    case "head":
      return "header";
    case "query":
      return "query";
    case "path":
      return "path";
    default:
      return undefined; // body and unknown positions are passed through untouched
  }
}

function location(position: Position, name: string): ParamLocation {
  return { position, name, key: position === "header" ? name.toLowerCase() : name };
}

function sameLocation(a: ParamLocation, b: ParamLocation): boolean {
  return a.position === b.position && a.key === b.key;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === "" ? undefined : s;
}

/** Builds an API's parameter plan; `templateParams` are the `{name}`s of its frontend path. */
export function compileParamPlan(api: ApiRecord, templateParams: string[]): ParamPlan {
  const mappings = new Map<string, { target: ParamLocation; defaultValue: string | undefined }>();
  for (const sp of api.ServiceParameters ?? []) {
    const sourcePosition = normalizePosition(sp.RelevantRequestParameterPosition);
    const targetPosition = normalizePosition(sp.Position);
    if (!sourcePosition || !targetPosition || !sp.RelevantRequestParameterName || !sp.Name) continue;
    mappings.set(locationId(location(sourcePosition, sp.RelevantRequestParameterName)), {
      target: location(targetPosition, sp.Name),
      defaultValue: nonEmpty(sp.DefaultValue),
    });
  }

  const rules: ParamRule[] = [];
  const add = (source: ParamLocation, required: boolean, defaultValue: string | undefined) => {
    const id = locationId(source);
    if (rules.some((r) => locationId(r.source) === id)) return;
    const mapping = mappings.get(id);
    const target = mapping?.target ?? source;
    rules.push({ source, target, moves: !sameLocation(source, target), required, defaultValue: defaultValue ?? mapping?.defaultValue });
  };
  for (const p of api.RequestParameters ?? []) {
    const position = normalizePosition(p.Position);
    if (position && p.Name) add(location(position, p.Name), p.Required === true, nonEmpty(p.DefaultValue));
  }
  // Template segments fill same-named backend placeholders even when not declared as parameters.
  for (const name of templateParams) add(location("path", name), false, undefined);
  // A mapping may name a frontend parameter that was not declared: it is mapped when present.
  for (const sp of api.ServiceParameters ?? []) {
    const position = normalizePosition(sp.RelevantRequestParameterPosition);
    if (position && sp.RelevantRequestParameterName) add(location(position, sp.RelevantRequestParameterName), false, undefined);
  }

  const constants: ConstantRule[] = [];
  for (const c of api.ConstantParameters ?? []) {
    const position = normalizePosition(c.Position);
    if (position && c.Name) constants.push({ target: location(position, c.Name), value: c.DefaultValue ?? "" });
  }
  return { rules, constants, readsQuery: rules.some((r) => r.source.position === "query") };
}

function locationId(l: ParamLocation): string {
  return `${l.position}:${l.key}`;
}

/** What a request offers to the parameter rules. */
export interface FrontendInput {
  headers: IncomingHttpHeaders;
  /** Raw (percent-encoded) template values. */
  pathParams: Record<string, string>;
  /** The parsed query string; undefined when the plan does not read it. */
  query: URLSearchParams | undefined;
}

export type ParamValues = Array<string | undefined>;

export class MissingParameterError {
  constructor(readonly location: ParamLocation) {}

  get message(): string {
    return `Missing required parameter \`${this.location.name}\` in ${this.location.position}.`;
  }
}

/**
 * Pass one: each rule's value as the caller sent it (path values still percent-encoded),
 * or undefined when absent or empty. A required parameter that is absent is an error.
 */
export function readParameters(plan: ParamPlan, input: FrontendInput): ParamValues | MissingParameterError {
  const values: ParamValues = new Array(plan.rules.length);
  for (let i = 0; i < plan.rules.length; i++) {
    const rule = plan.rules[i]!;
    let value: string | undefined;
    switch (rule.source.position) {
      case "header": {
        const h = input.headers[rule.source.key];
        value = typeof h === "string" ? h : h?.[0];
        break;
      }
      case "query":
        value = input.query?.get(rule.source.key) ?? undefined;
        break;
      case "path":
        value = input.pathParams[rule.source.key];
        break;
    }
    if (value === "") value = undefined;
    if (value === undefined && rule.required) return new MissingParameterError(rule.source);
    values[i] = value;
  }
  return values;
}

/** The backend request being built: headers, query and the values for backend path placeholders. */
export class BackendRequestDraft {
  /** Backend path placeholder values, URL-encoded. */
  readonly pathValues: Record<string, string> = {};
  private queryChanged = false;

  constructor(
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly rawQuery: string,
    /** Shared with FrontendInput.query when the plan parsed it already. */
    private parsedQuery: URLSearchParams | undefined,
  ) {}

  private query(): URLSearchParams {
    this.queryChanged = true;
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }

  /** The query, to be edited (parsed on first use): queryString() then renders it. */
  editQuery(): URLSearchParams {
    return this.query();
  }

  /** The query string for the backend: the caller's, byte for byte, unless a rule changed it. */
  queryString(): string {
    return this.queryChanged ? this.parsedQuery!.toString() : this.rawQuery;
  }

  remove(at: ParamLocation): void {
    if (at.position === "header") delete this.headers[at.key];
    else if (at.position === "query") this.query().delete(at.key);
    // a path value is not forwarded by itself: only through placeholders
  }

  /** `value` is plain text, except a path value that came from the path, which stays encoded. */
  set(at: ParamLocation, value: string, encodedForPath: boolean): void {
    if (at.position === "header") this.headers[at.key] = value;
    else if (at.position === "query") this.query().set(at.key, value);
    else this.pathValues[at.key] = encodedForPath ? value : encodeURIComponent(value);
  }
}

function decodePathValue(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Pass two: writes the values (or defaults) and the constants into the backend request. */
export function applyParameters(plan: ParamPlan, values: ParamValues, draft: BackendRequestDraft): void {
  for (let i = 0; i < plan.rules.length; i++) {
    const rule = plan.rules[i]!;
    const value = values[i];
    if (value === undefined) {
      if (rule.defaultValue !== undefined) draft.set(rule.target, rule.defaultValue, false);
      continue;
    }
    const fromPath = rule.source.position === "path";
    if (rule.moves) draft.remove(rule.source);
    else if (!fromPath) continue; // already in place in the forwarded headers or query
    if (fromPath && rule.target.position === "path") draft.set(rule.target, value, true);
    else draft.set(rule.target, fromPath ? decodePathValue(value) : value, false);
  }
  for (const c of plan.constants) draft.set(c.target, c.value, false);
}
