import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Extra members of a problem body (limits, sizes, field names). */
export type ProblemExtras = Record<string, string | number | boolean | null | string[]>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * The one error type of the API. Thrown anywhere, it becomes an RFC 9457
 * problem body (`application/problem+json`) in the app's error handler.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    /** Stable machine-readable code, e.g. `key_too_long`. */
    readonly code: string,
    /** Human-readable explanation naming what was wrong. */
    readonly detail: string,
    readonly extras: ProblemExtras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** The problem body of an error, as JSON-ready data. */
export function problemBody(error: ApiError): Record<string, unknown> {
  return {
    type: `urn:edge-kv:problem:${error.code}`,
    title: TITLES[error.status] ?? "Error",
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...error.extras,
  };
}

/** Builds the HTTP response for an error. */
export function problemResponse(error: ApiError): Response {
  const headers = new Headers(error.headers);
  headers.set("Content-Type", "application/problem+json");
  return new Response(JSON.stringify(problemBody(error)), { status: error.status, headers });
}

/** The 404 of a key that does not exist (or has expired). */
export function keyNotFound(key: string): ApiError {
  return new ApiError(404, "key_not_found", `Key '${key}' not found`, { key });
}
