/**
 * The route table of one published environment: which API answers a (path, method), with
 * the priorities of DATAPLANE §2.4 (nginx `location` semantics):
 *
 *   1. `=/user`      exact match
 *   2. `^~/user`     priority prefix, the longest wins
 *   3. `/user/{id}`  template: `{name}` is one non-empty segment; the deepest match wins and
 *                    a trailing remainder after a segment boundary is allowed (the path is a
 *                    "fuzzy" one, so it passes the rest through like a prefix does, §2.5)
 *   4. `/user`       plain string prefix, not segment aligned (`/usertest` matches), longest wins
 *
 * Only APIs whose method is the request's or ANY take part; at the same path an exact method
 * beats ANY. Every lookup costs O(path length), whatever the number of APIs: a hash map for
 * exact paths, radix trees for the prefixes and a segment trie for the templates.
 *
 * Paths are matched as received (not percent-decoded); the router is pure and knows nothing
 * about what T is.
 */

export type MatchKind = "exact" | "priorityPrefix" | "template" | "prefix";

export interface RouteMatch<T> {
  value: T;
  kind: MatchKind;
  /** Raw (still percent-encoded) values of the template's `{name}` segments; empty otherwise. */
  pathParams: Record<string, string>;
  /** The part of the request path beyond what the API path covered; "" for a whole match. */
  remainder: string;
}

export interface ParsedApiPath {
  kind: MatchKind;
  /** The path without its `=` / `^~` marker. */
  path: string;
  /** The `{name}` parameters, in path order (templates only). */
  paramNames: string[];
}

const PARAM_SEGMENT = /^\{([^{}/]+)\}$/;

/** Reads an API path as configured (RequestConfig.Path) into its match kind. */
export function parseApiPath(apiPath: string): ParsedApiPath {
  if (apiPath.startsWith("=")) return { kind: "exact", path: apiPath.slice(1), paramNames: [] };
  if (apiPath.startsWith("^~")) return { kind: "priorityPrefix", path: apiPath.slice(2), paramNames: [] };
  const paramNames: string[] = [];
  for (const segment of apiPath.slice(1).split("/")) {
    const param = PARAM_SEGMENT.exec(segment);
    if (param) paramNames.push(param[1]!);
  }
  return { kind: paramNames.length ? "template" : "prefix", path: apiPath, paramNames };
}

const ANY = "ANY";

/** The APIs registered at one path, by method; ANY answers what no exact method claims. */
class MethodTable<T> {
  private readonly byMethod = new Map<string, T>();

  /** False when the method (or ANY) is already taken at this path. */
  add(method: string, value: T): boolean {
    if (this.byMethod.has(method)) return false;
    this.byMethod.set(method, value);
    return true;
  }

  pick(method: string): T | undefined {
    return this.byMethod.get(method) ?? this.byMethod.get(ANY);
  }
}

interface RadixNode<T> {
  /** The edge label leading to this node (the root's is ""). */
  label: string;
  /** Children by the first character code of their label. */
  children: Map<number, RadixNode<T>>;
  routes?: MethodTable<T>;
}

function radixNode<T>(label: string): RadixNode<T> {
  return { label, children: new Map() };
}

/** Plain string prefixes (not segment aligned) in a compressed trie: longest-prefix lookup. */
export class PrefixTree<T> {
  private readonly root = radixNode<T>("");

  add(prefix: string, method: string, value: T): boolean {
    let node = this.root;
    let pos = 0;
    while (pos < prefix.length) {
      const child = node.children.get(prefix.charCodeAt(pos));
      if (!child) {
        const leaf = radixNode<T>(prefix.slice(pos));
        node.children.set(prefix.charCodeAt(pos), leaf);
        node = leaf;
        pos = prefix.length;
        break;
      }
      const common = commonPrefixLength(child.label, prefix, pos);
      if (common < child.label.length) {
        // Split the edge: the shared part becomes a new node above the old child.
        const middle = radixNode<T>(child.label.slice(0, common));
        child.label = child.label.slice(common);
        middle.children.set(child.label.charCodeAt(0), child);
        node.children.set(middle.label.charCodeAt(0), middle);
        node = middle;
      } else {
        node = child;
      }
      pos += common;
    }
    node.routes ??= new MethodTable<T>();
    return node.routes.add(method, value);
  }

  /** The longest registered prefix of `path` that has an API for `method`. */
  longest(path: string, method: string): { value: T; length: number } | undefined {
    let node = this.root;
    let pos = 0;
    let best: T | undefined;
    let bestLength = 0;
    for (;;) {
      const value = node.routes?.pick(method);
      if (value !== undefined) {
        best = value;
        bestLength = pos;
      }
      if (pos >= path.length) break;
      const child = node.children.get(path.charCodeAt(pos));
      if (!child || !path.startsWith(child.label, pos)) break;
      pos += child.label.length;
      node = child;
    }
    return best === undefined ? undefined : { value: best, length: bestLength };
  }
}

function commonPrefixLength(label: string, s: string, offset: number): number {
  const max = Math.min(label.length, s.length - offset);
  let i = 0;
  while (i < max && label.charCodeAt(i) === s.charCodeAt(offset + i)) i++;
  return i;
}

interface TemplateRoute<T> {
  value: T;
  paramNames: string[];
}

interface SegmentNode<T> {
  literals: Map<string, SegmentNode<T>>;
  /** The child for a `{name}` segment; names live on the routes, since templates sharing a node may name it differently. */
  param?: SegmentNode<T>;
  routes?: MethodTable<TemplateRoute<T>>;
}

function segmentNode<T>(): SegmentNode<T> {
  return { literals: new Map() };
}

interface TemplateCandidate<T> {
  route: TemplateRoute<T>;
  depth: number;
  /** Index in the path where the matched segments end. */
  end: number;
  values: string[];
}

/** `{param}` templates in a segment trie. */
export class TemplateTrie<T> {
  private readonly root = segmentNode<T>();

  add(template: string, paramNames: string[], method: string, value: T): boolean {
    let node = this.root;
    for (const segment of template.slice(1).split("/")) {
      if (PARAM_SEGMENT.test(segment)) {
        node = node.param ??= segmentNode<T>();
      } else {
        let next = node.literals.get(segment);
        if (!next) node.literals.set(segment, (next = segmentNode<T>()));
        node = next;
      }
    }
    node.routes ??= new MethodTable<TemplateRoute<T>>();
    return node.routes.add(method, { value, paramNames });
  }

  match(path: string, method: string): RouteMatch<T> | undefined {
    const best = this.search(this.root, path, 1, 0, [], method, undefined);
    if (!best) return undefined;
    const pathParams: Record<string, string> = {};
    best.route.paramNames.forEach((name, i) => (pathParams[name] = best.values[i]!));
    return { value: best.route.value, kind: "template", pathParams, remainder: path.slice(best.end) };
  }

  /**
   * Depth-first, literal before parameter, keeping the deepest node that has an API for the
   * method. Each trie node is reached by one sequence of segments, so a lookup visits at most
   * the nodes that match the path's leading segments.
   */
  private search(
    node: SegmentNode<T>,
    path: string,
    start: number,
    depth: number,
    values: string[],
    method: string,
    best: TemplateCandidate<T> | undefined,
  ): TemplateCandidate<T> | undefined {
    if (depth > 0) {
      const route = node.routes?.pick(method);
      if (route && (!best || depth > best.depth)) best = { route, depth, end: start - 1, values: values.slice() };
    }
    if (start > path.length) return best;
    let end = path.indexOf("/", start);
    if (end < 0) end = path.length;
    const segment = path.slice(start, end);
    const literal = node.literals.get(segment);
    if (literal) best = this.search(literal, path, end + 1, depth + 1, values, method, best);
    if (node.param && segment.length > 0) {
      values.push(segment);
      best = this.search(node.param, path, end + 1, depth + 1, values, method, best);
      values.pop();
    }
    return best;
  }
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** All APIs of one environment, by match kind. */
export class RouteTable<T> {
  private readonly exact = new Map<string, MethodTable<T>>();
  private readonly priorityPrefixes = new PrefixTree<T>();
  private readonly templates = new TemplateTrie<T>();
  private readonly prefixes = new PrefixTree<T>();

  /** Registers an API path (as configured, with its marker). False when (path, method) is taken. */
  add(apiPath: string, method: string, value: T): boolean {
    const parsed = parseApiPath(apiPath);
    switch (parsed.kind) {
      case "exact": {
        let routes = this.exact.get(parsed.path);
        if (!routes) this.exact.set(parsed.path, (routes = new MethodTable<T>()));
        return routes.add(method, value);
      }
      case "priorityPrefix":
        return this.priorityPrefixes.add(parsed.path, method, value);
      case "template":
        return this.templates.add(parsed.path, parsed.paramNames, method, value);
      case "prefix":
        return this.prefixes.add(parsed.path, method, value);
    }
  }

  /** `path` is the API-relative path (environment stripped, no query), starting with "/". */
  match(path: string, method: string): RouteMatch<T> | undefined {
    const exact = this.exact.get(path)?.pick(method);
    if (exact !== undefined) return { value: exact, kind: "exact", pathParams: NO_PARAMS, remainder: "" };
    const priority = this.priorityPrefixes.longest(path, method);
    if (priority) return { value: priority.value, kind: "priorityPrefix", pathParams: NO_PARAMS, remainder: path.slice(priority.length) };
    const template = this.templates.match(path, method);
    if (template) return template;
    const prefix = this.prefixes.longest(path, method);
    if (prefix) return { value: prefix.value, kind: "prefix", pathParams: NO_PARAMS, remainder: path.slice(prefix.length) };
    return undefined;
  }
}
