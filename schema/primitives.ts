/**
 * The document's scalar types as zod schemas. Values decoded from form or query strings are
 * coerced to these declared types before validation (see src/control/validate.ts).
 */
import { z } from "zod";

export const Str = z.string();
/** Int64: a whole number within JavaScript's safe range. */
export const Int64 = z.int();
export const Uint64 = z.int().nonnegative();
export const Float = z.number();
export const Bool = z.boolean();
/** A type the document names without defining it: accepted as given. */
export const Unknown = z.unknown();
