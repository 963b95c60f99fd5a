/**
 * The error of the HTTP surface on its own, so the modules that turn other failures into one (the transport
 * errors) and the module that sends them (errors.ts) both import it without importing each other.
 */
export type ApiErrorCode =
  | "UNAUTHORIZED"
  | "RATE_LIMITED"
  | "THREAD_BUSY"
  | "PAYLOAD_TOO_LARGE"
  | "INVALID_JSON"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "MALFORMED_REQUEST"
  | "RANGE_NOT_SATISFIABLE"
  | "PRECONDITION_FAILED"
  | "UPSTREAM_UNAVAILABLE"
  | "ROUTE_NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "NOT_FOUND"
  | "INVALID_INPUT"
  | "INTERNAL";

/** A failure that belongs to the HTTP surface (auth, limits, routing) rather than to the department. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly fields: Record<string, string> | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    options: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = options.fields ?? null;
    this.headers = options.headers ?? {};
  }
}
