/**
 * Flattened request parameters (`Tags.0.Key=env`, `Filters.0.Values.1=x`) turned back into
 * nested objects and arrays: a numeric path segment indexes an array, any other names a key.
 */
export type Nested = { [key: string]: NestedValue };
export type NestedValue = string | Nested | NestedValue[];

export function unflatten(flat: Record<string, string>): Nested {
  const root: Nested = {};
  for (const [key, value] of Object.entries(flat)) {
    const path = key.split(".");
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (last) {
        node[seg] = value;
        break;
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1]!);
      let child = node[seg];
      if (child === undefined || typeof child !== "object") {
        child = nextIsIndex ? [] : {};
        node[seg] = child;
      }
      node = child as Record<string, unknown>;
    }
  }
  return compactArrays(root) as Nested;
}

/** Arrays built from indexes may have holes (`Values.1` without `Values.0`): keep the order, drop the holes. */
function compactArrays(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compactArrays);
  if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = compactArrays(x);
  }
  return v;
}

/** Parses `a=1&b=2` into ordered key/value pairs, decoding `+` as space as forms do. */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}
