/**
 * Backend path composition (DATAPLANE §2.5): backend path + request path − frontend path,
 * joined with exactly one "/", after filling the backend path's `{name}` placeholders.
 *
 *   frontend /a, backend /b, request /a/c  →  /b/c
 *   frontend /a, backend /,  request /a/b  →  /b
 *   frontend /apia/, backend /endpoint/, request /apia/x/i.html  →  /endpoint/x/i.html
 *   backend path empty: the whole API-relative request path is forwarded unchanged.
 */

/** A backend path with `{name}` placeholders, split once at compile time. */
export class BackendPathTemplate {
  /** Literal text and placeholder names alternate: literal, name, literal, …, literal. */
  private constructor(private readonly pieces: string[]) {}

  static compile(path: string): BackendPathTemplate {
    return new BackendPathTemplate(path.split(/\{([^{}/]+)\}/));
  }

  /** The placeholder names, in order. */
  get placeholders(): string[] {
    return this.pieces.filter((_, i) => i % 2 === 1);
  }

  /** Fills the placeholders with (already URL-encoded) values; a missing value leaves the segment empty. */
  render(values: Record<string, string>): string {
    const pieces = this.pieces;
    if (pieces.length === 1) return pieces[0]!;
    let out = pieces[0]!;
    for (let i = 1; i < pieces.length; i += 2) out += (values[pieces[i]!] ?? "") + pieces[i + 1]!;
    return out;
  }
}

/** Appends what the frontend path did not cover to a backend path, with one "/" between them. */
export function joinPath(base: string, remainder: string): string {
  if (remainder === "") return base;
  const head = base.endsWith("/") ? base.slice(0, -1) : base;
  const tail = remainder.startsWith("/") ? remainder.slice(1) : remainder;
  return `${head}/${tail}`;
}
