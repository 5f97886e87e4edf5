/**
 * Response compression (DATAPLANE §4.11): gzip when the client accepts it, the body is larger
 * than 1 KB and its Content-Type is one of the listed ones, and it is not encoded already.
 */
export const GZIP_MIN_BYTES = 1024;

const COMPRESSIBLE_TYPES = new Set([
  "text/xml",
  "text/plain",
  "text/css",
  "application/javascript",
  "application/x-javascript",
  "application/rss+xml",
  "application/xml",
  "application/json",
  "application/octet-stream",
]);

/** Content-Type parameters (`; charset=…`) do not matter. */
export function isCompressibleType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(";");
  const mediaType = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return COMPRESSIBLE_TYPES.has(mediaType);
}

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return acceptEncoding !== undefined && acceptEncoding.includes("gzip");
}

/** Statuses and methods whose responses carry no body. */
export function hasResponseBody(method: string, status: number): boolean {
  return method !== "HEAD" && status !== 204 && status !== 304 && status >= 200;
}

/**
 * For a response whose headers are known: compress when the client asked for it, the type is
 * listed, nothing encoded it already, and it is larger than the threshold (an unknown length,
 * i.e. a chunked body, counts as large, as in nginx).
 */
export function shouldGzip(
  acceptEncoding: string | undefined,
  contentType: string | undefined,
  contentEncoding: unknown,
  contentLength: string | undefined,
): boolean {
  return (
    acceptsGzip(acceptEncoding) &&
    contentEncoding === undefined &&
    isCompressibleType(contentType) &&
    (contentLength === undefined || Number(contentLength) > GZIP_MIN_BYTES)
  );
}
