/**
 * Input validation: coerces string-sourced values (form, query, multipart) to the declared
 * types, then maps zod's findings to the document's error codes with the parameter's path.
 */
import { z } from "zod";
import { ApiError, errors } from "./errors.js";

/** A zod schema's inner definition, as far as coercion needs it. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Converts strings to numbers and booleans where the schema declares them. Values that do not
 * convert are left as they are, so validation reports them with the parameter's name.
 * An empty string for a non-string field is treated as absent (the SDK sends `Undef=`).
 */
export function coerceStrings(schema: z.ZodType, value: unknown): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
    case "nonoptional":
      return coerceStrings(def.innerType!, value);
    case "pipe":
      return coerceStrings(def.in!, value);
    case "lazy":
      return coerceStrings(def.getter!(), value);
    case "number":
    case "int":
      if (typeof value === "string") {
        if (value === "") return undefined;
        const n = Number(value);
        return /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value) && Number.isFinite(n) ? n : value;
      }
      return value;
    case "boolean":
      if (value === "true" || value === "True" || value === "1") return true;
      if (value === "false" || value === "False" || value === "0") return false;
      if (value === "") return undefined;
      return value;
    case "array":
      if (Array.isArray(value)) return value.map((v) => coerceStrings(def.element!, v));
      if (value === "") return undefined;
      return value;
    case "object":
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          const field = def.shape![k];
          const c = field ? coerceStrings(field, v) : v;
          if (c !== undefined) out[k] = c;
        }
        return out;
      }
      return value;
    case "union":
      for (const option of def.options!) {
        const c = coerceStrings(option, value);
        if (option.safeParse(c).success) return c;
      }
      return value;
    default:
      return value;
  }
}

const pathOf = (base: PropertyKey[], extra?: string) =>
  [...base.map(String), ...(extra ? [extra] : [])].join(".");

const typeNames: Record<string, string> = {
  string: "a String",
  number: "a number",
  int: "an integer (Int64)",
  boolean: "a Bool (true or false)",
  array: "an array",
  object: "an object",
};

/** Custom checks may name their own code: `ctx.addIssue({ ..., params: { code } })`. */
export function issueToError(issue: z.core.$ZodIssue, formatCode: string): ApiError {
  const path = pathOf(issue.path);
  const custom = (issue as { params?: { code?: string } }).params?.code;
  if (issue.input === undefined && issue.code !== "unrecognized_keys" && issue.code !== "custom") return errors.missing(path);
  switch (issue.code) {
    case "invalid_type":
      return errors.format(path, typeNames[issue.expected] ?? issue.expected, formatCode);
    case "unrecognized_keys":
      return errors.unknown(pathOf(issue.path, issue.keys[0]));
    case "invalid_value":
      return errors.value(path, `must be one of ${issue.values.map((v) => String(v)).join(", ")}`, custom ?? "InvalidParameterValue");
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const what = issue.origin === "string" ? " characters long" : issue.origin === "array" ? " items" : "";
      const limit = `${bound} ${String(issue.code === "too_small" ? issue.minimum : issue.maximum)}${what}`;
      const code = custom ?? (issue.origin === "array" && issue.code === "too_big" ? "InvalidParameterValue.ParameterValueLimitExceeded" : "InvalidParameterValue");
      return errors.value(path, `must be ${limit}`, code);
    }
    case "invalid_format":
      return errors.value(path, issue.message || `does not match ${issue.format}`, custom ?? "InvalidParameterValue");
    case "invalid_union":
      return errors.format(path, "of a documented form", formatCode);
    case "custom":
      return errors.value(path, issue.message, custom ?? "InvalidParameterValue");
    default:
      return errors.value(path, issue.message, custom ?? "InvalidParameterValue");
  }
}

/** Validates input; throws the first finding as an ApiError. */
export function validateInput<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  fromStrings: boolean,
  formatCode = "InvalidParameter.FormatError",
): z.infer<S> {
  const value = fromStrings ? coerceStrings(schema, raw) : raw;
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  // Report an unknown parameter or a missing one before value errors: they explain the others.
  const issues = [...result.error.issues].sort((a, b) => rank(a) - rank(b));
  throw issueToError(issues[0]!, formatCode);
}

function rank(i: z.core.$ZodIssue): number {
  if (i.code === "unrecognized_keys") return 0;
  if (i.code === "invalid_type" && i.input === undefined) return 1;
  if (i.code === "invalid_type") return 2;
  return 3;
}
