/**
 * Documented enums, ranges and shared parameter shapes. The generated schemas carry the
 * document's types and required flags; these add what the document says in prose.
 */
import { z } from "zod";

/**
 * A documented enum. A value outside it answers `code` (a documented InvalidParameterValue.*)
 * with the allowed values; the JSON Schema (openapi.json) lists them as an enum.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, code = "InvalidParameterValue") {
  return z
    .string()
    .refine((v) => (values as readonly string[]).includes(v), { message: `must be one of ${values.join(", ")}`, params: { code } })
    .meta({ enum: [...values] }) as unknown as z.ZodType<T[number]>;
}

/** A check whose failure answers a specific documented code. */
export function withCode<S extends z.ZodType>(schema: S, check: (v: z.infer<S>) => boolean, message: string, code: string): S {
  return schema.refine(check, { message, params: { code } }) as unknown as S;
}

export const Limit = z.int().min(1).max(100);
export const Offset = z.int().min(0);

export const ServiceProtocol = oneOf(["http", "https", "http&https"]);
export const NetType = oneOf(["INNER", "OUTER"]);
export const IpVersion = oneOf(["IPv4", "IPv6"]);
export const EnvironmentName = oneOf(["test", "prepub", "release"]);

/** A name as the console accepts it: starts with a letter, then letters, digits, underscores. */
export const ResourceName = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z\u4e00-\u9fa5][\w\u4e00-\u9fa5 .-]*$/u, { message: "must start with a letter and contain only letters, digits, spaces, _ . -" });

export const Tag = z.strictObject({ Key: z.string().min(1).max(127), Value: z.string().max(255) });
export const Tags = z.array(Tag).max(50);
