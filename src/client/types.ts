/**
 * Parameter types of the generated client. `z.input` of an action's schema, except where a
 * schema states only its output type: the documented enums (`oneOf` in schema/common.ts) are
 * typed `z.ZodType<"a" | "b">`, whose input side is `unknown`; there the output type (the
 * enum) is used. The schemas have no transforms or defaults, so both sides otherwise agree.
 */
import type { z } from "zod";

export type Refine<I, O> = unknown extends I
  ? O
  : I extends readonly (infer IE)[]
    ? NonNullable<O> extends readonly (infer OE)[]
      ? Refine<IE, OE>[]
      : I
    : I extends object
      ? NonNullable<O> extends object
        ? { [K in keyof I]: K extends keyof NonNullable<O> ? Refine<I[K], NonNullable<O>[K]> : I[K] }
        : I
      : I;

/** What a method of the client takes for an action whose input schema is S. */
export type Params<S extends z.ZodType> = Refine<z.input<S>, z.output<S>>;
