/**
 * Failures raised by the HTTP machinery rather than by the department: a request the parsers could not
 * read (bad percent-encoding, a body that is not the gzip it claims to be, a Range past the end of a file)
 * and a provider or store that could not be reached. Each becomes an ApiError with a 4xx or 503 status,
 * never the 500 that an unrecognised error gets.
 */
import { CutroomError, type CutroomErrorCode } from "../errors.js";
import { ApiError } from "./api-error.js";

/** Department codes that can stand for an outage; any other code already says what the client did wrong. */
const OUTAGE_CODES: ReadonlySet<CutroomErrorCode> = new Set<CutroomErrorCode>(["PROVIDER", "STORAGE", "JOB_FAILED"]);

/** Socket-level codes (node, undici) that mean the other side is down or unreachable, not that we erred. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  // neo4j-driver
  "ServiceUnavailable",
  "SessionExpired",
]);

/** Client libraries that wrap a failed connection in their own class (OpenAI, MongoDB). */
const UNREACHABLE_NAMES = new Set([
  "APIConnectionError",
  "APIConnectionTimeoutError",
  "MongoServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "ConnectTimeoutError",
]);

/**
 * The job queue records a failure as its code and message only, so by the time a provider's refused
 * connection reaches HTTP its cause chain is gone and these words (undici's, node's, the OpenAI
 * client's) are the only trace of it. Checked only on codes that can stand for an outage.
 */
const UNREACHABLE_TEXT =
  /\b(?:fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|socket hang up|Connection error\.)/;

const ZLIB_CODES = new Set(["Z_DATA_ERROR", "Z_BUF_ERROR", "Z_NEED_DICT", "ERR_BROTLI_DECOMPRESSION_FAILED"]);

interface Inspectable {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  status?: unknown;
  errno?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and its causes (and an AggregateError's members), a few levels deep. */
function chain(error: unknown): Inspectable[] {
  const found: Inspectable[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 12) {
    const next = queue.shift();
    if (!next || typeof next !== "object") continue;
    const item = next as Inspectable;
    found.push(item);
    if (item.cause !== undefined) queue.push(item.cause);
    if (Array.isArray(item.errors)) queue.push(...item.errors);
  }
  return found;
}

export function isUnreachable(error: unknown): boolean {
  return chain(error).some(
    (item) =>
      (typeof item.code === "string" && UNREACHABLE_CODES.has(item.code)) ||
      (typeof item.name === "string" && UNREACHABLE_NAMES.has(item.name)),
  );
}

/** body-parser, router and send mark their errors with a `type` or a 4xx `status`; zlib with a code. */
function requestError(error: unknown): ApiError | null {
  if (!error || typeof error !== "object") return null;
  if (error instanceof URIError) {
    return new ApiError(400, "MALFORMED_REQUEST", "the request path is not valid percent-encoding");
  }
  const item = error as Inspectable;
  const status = typeof item.status === "number" ? item.status : null;
  switch (item.type) {
    case "entity.too.large":
      return new ApiError(413, "PAYLOAD_TOO_LARGE", "request body is larger than the limit");
    case "entity.parse.failed":
      return new ApiError(400, "INVALID_JSON", "request body is not valid JSON");
    case "charset.unsupported":
    case "encoding.unsupported":
      return new ApiError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "request body encoding is not supported: send JSON as UTF-8, uncompressed, gzip, deflate or br",
      );
    case "request.aborted":
    case "request.size.invalid":
      return new ApiError(400, "MALFORMED_REQUEST", "the request body ended before its stated length");
    default:
      break;
  }
  if (chain(error).some((link) => typeof link.code === "string" && ZLIB_CODES.has(link.code))) {
    return new ApiError(400, "MALFORMED_REQUEST", "the request body is not valid for its Content-Encoding");
  }
  if (status === 412) return new ApiError(412, "PRECONDITION_FAILED", "the file does not match If-Match");
  if (status === 416) {
    return new ApiError(416, "RANGE_NOT_SATISFIABLE", "the Range header lies outside the file");
  }
  if (status !== null && status >= 400 && status < 500) {
    // A library's own 4xx we have not named: its status stands, its message (which may name files) does not.
    return status === 404
      ? new ApiError(404, "NOT_FOUND", "the file is not there")
      : new ApiError(400, "MALFORMED_REQUEST", "the request could not be read");
  }
  return null;
}

/** The ApiError a non-department failure stands for, or null when it is not one of these. */
export function describeTransportError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return null;
  let unreachable: boolean;
  if (error instanceof CutroomError) {
    unreachable = OUTAGE_CODES.has(error.code) && (isUnreachable(error.cause) || UNREACHABLE_TEXT.test(error.message));
  } else {
    const request = requestError(error);
    if (request) return request;
    unreachable = isUnreachable(error);
  }
  if (!unreachable) return null;
  const detail = error instanceof Error ? `: ${error.message}` : "";
  return new ApiError(
    503,
    "UPSTREAM_UNAVAILABLE",
    `a provider or store this request needs cannot be reached${detail}; try again later`,
  );
}
