/**
 * An error answered to the caller as `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
 * Handlers throw these; anything else thrown becomes InternalError (logged, never shown).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Shorthands for the common codes, so messages stay uniform. */
export const errors = {
  missing: (path: string) => new ApiError("MissingParameter", `The request is missing required parameter \`${path}\`.`),
  unknown: (path: string) => new ApiError("UnknownParameter", `The parameter \`${path}\` is not recognized.`),
  format: (path: string, expected: string, code = "InvalidParameter.FormatError") =>
    new ApiError(code, `The parameter \`${path}\` must be ${expected}.`),
  value: (path: string, why: string, code = "InvalidParameterValue") =>
    new ApiError(code, `The value of parameter \`${path}\` is invalid: ${why}.`),
  notFound: (code: string, what: string, id: string) => new ApiError(code, `${what} \`${id}\` does not exist.`),
} as const;
