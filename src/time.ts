/** Times as the document shows them: ISO 8601, UTC, whole seconds (YYYY-MM-DDThh:mm:ssZ). */
export function isoTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "YYYY-MM-DD hh:mm:ss", the form some list outputs use. */
export function plainTime(d: Date): string {
  return isoTime(d).replace("T", " ").replace("Z", "");
}
