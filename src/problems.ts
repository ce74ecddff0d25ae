import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The reason phrase of every status the API answers with (RFC 9110). */
export const STATUS_TITLES = {
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
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
} as const satisfies Partial<Record<ContentfulStatusCode, string>>;

/** A status the API answers errors with. */
export type ErrorStatus = keyof typeof STATUS_TITLES;

interface ProblemKind {
  /** The statuses it is answered with; the first is the usual one. */
  readonly statuses: readonly [ErrorStatus, ...ErrorStatus[]];
  /** What it means, for the reference documentation. */
  readonly meaning: string;
}

/**
 * Every problem `code` the API answers, with its status and meaning. This table
 * is the list the reference documentation gives; an error whose code is not in
 * it does not compile.
 */
export const PROBLEMS = {
  malformed_json: { statuses: [400], meaning: "The body is not valid JSON; `detail` quotes the parser." },
  json_too_deep: { statuses: [400], meaning: "JSON nests arrays and objects deeper than `limit` levels." },
  number_out_of_range: {
    statuses: [400],
    meaning: "A JSON number is too large for a 64-bit float (it would read back as infinity).",
  },
  invalid_utf8: { statuses: [400], meaning: "The body is not valid UTF-8." },
  body_not_object: { statuses: [400], meaning: "The body must be a JSON object and is not." },
  invalid_query: { statuses: [400], meaning: "A query parameter is not one this route takes." },
  missing_key: { statuses: [400], meaning: "A body lacks its `key` member." },
  invalid_key: { statuses: [400], meaning: "A `key` member is not a string." },
  missing_value: { statuses: [400], meaning: "A body lacks its `value` member." },
  key_empty: { statuses: [400], meaning: "The key is the empty string." },
  key_too_long: {
    statuses: [400, 414],
    meaning: "The key is over KV_MAX_KEY_BYTES bytes of UTF-8 (414 when it came in the path).",
  },
  key_invalid: { statuses: [400], meaning: "The key is not well-formed Unicode (it holds a lone surrogate)." },
  key_reserved: { statuses: [400], meaning: "The key starts with the reserved prefix `__edgekv__:`." },
  key_bad_encoding: { statuses: [400], meaning: "The key in the path is not valid percent-encoded UTF-8." },
  invalid_ttl: { statuses: [400], meaning: "`ttl` is not a positive number of seconds within ten years." },
  invalid_expires_at: { statuses: [400], meaning: "`expires_at` is not a unix time in the future within ten years." },
  invalid_keep_ttl: { statuses: [400], meaning: "`keep_ttl` is not 1 or true." },
  invalid_persist: { statuses: [400], meaning: "`persist` is not true." },
  conflicting_expiry: { statuses: [400], meaning: "More than one of `ttl`, `expires_at`, `keep_ttl`, `persist`." },
  missing_expiry: { statuses: [400], meaning: "None of `ttl`, `expires_at`, `persist` where one is required." },
  invalid_by: { statuses: [400], meaning: "`by` is not a whole number within ±2^53." },
  invalid_limit: { statuses: [400], meaning: "`limit` is not a whole number from 1 to KV_MAX_LIST_LIMIT." },
  invalid_prefix: { statuses: [400], meaning: "`prefix` is not a string." },
  invalid_cursor: {
    statuses: [400],
    meaning: "The cursor is not one this API returned for this prefix.",
  },
  invalid_ops: { statuses: [400], meaning: "`ops` is not a non-empty array of operations." },
  invalid_op: { statuses: [400], meaning: "An operation's `op` is not one the call takes." },
  invalid_checks: {
    statuses: [400],
    meaning: "`checks` is not an array of checks (`version`, `absent` or `present`).",
  },
  duplicate_key: { statuses: [400], meaning: "A transaction names a key in more than one operation." },
  invalid_since: { statuses: [400], meaning: "`since` or Last-Event-ID is not a revision (a whole number from 0)." },
  invalid_mode: { statuses: [400], meaning: "`mode` is not `upsert` or `create_only`." },
  invalid_line: {
    statuses: [400],
    meaning: "An import line is not an object with `key` and `value` (and optional `expires_at`, `metadata`).",
  },
  invalid_idempotency_key: { statuses: [400], meaning: "Idempotency-Key is not 1 to 255 printable ASCII characters." },
  invalid_metadata: {
    statuses: [400],
    meaning: "Metadata (the KV-Metadata header or a `metadata` member) is not a JSON object in UTF-8.",
  },
  invalid_precondition: {
    statuses: [400],
    meaning: 'If-Match or If-None-Match is malformed: one `"<version>"` entity tag, or `*` to create only.',
  },
  unauthorized: { statuses: [401], meaning: "The route needs a bearer token and the request has none." },
  invalid_token: { statuses: [401], meaning: "The bearer token is not one this service knows." },
  forbidden: { statuses: [403], meaning: "The token lacks the scope, or the key is outside its prefix." },
  route_not_found: { statuses: [404], meaning: "No route has this path." },
  key_not_found: { statuses: [404], meaning: "The key does not exist (or has expired)." },
  method_not_allowed: { statuses: [405], meaning: "The path exists under other methods; `Allow` lists them." },
  idempotency_in_flight: {
    statuses: [409],
    meaning: "The first request with this Idempotency-Key is still running; retry after `Retry-After`.",
  },
  txn_op_failed: {
    statuses: [409],
    meaning: "A transaction's operation cannot apply (`op` names it); nothing was changed.",
  },
  not_an_integer: {
    statuses: [409],
    meaning: "The key holds a value that is not a 64-bit integer, or the sum would overflow.",
  },
  precondition_failed: {
    statuses: [412],
    meaning: "If-Match or If-None-Match does not hold; nothing was changed.",
  },
  txn_check_failed: {
    statuses: [412],
    meaning: "A transaction's checks do not hold (`failed` lists them with current versions); nothing was changed.",
  },
  body_too_large: { statuses: [413], meaning: "The body is over its limit (`limit`, `size` in bytes)." },
  value_too_large: { statuses: [413], meaning: "The value is over KV_MAX_VALUE_BYTES bytes of JSON." },
  metadata_too_large: { statuses: [413], meaning: "The metadata is over KV_MAX_METADATA_BYTES bytes of JSON." },
  too_many_operations: { statuses: [413], meaning: "A batch holds more than KV_MAX_BATCH_OPS operations." },
  idempotency_key_reused: {
    statuses: [422],
    meaning:
      "The Idempotency-Key was used with another request (method, path, preconditions, metadata or body); nothing was changed.",
  },
  unsupported_media_type: { statuses: [415], meaning: "The body's Content-Type is not JSON." },
  rate_limited: {
    statuses: [429],
    meaning:
      "The caller (its token, or its IP when anonymous) spent its read or write budget; retry after `Retry-After`.",
  },
  internal_error: { statuses: [500], meaning: "A defect in edge-kv; the log line has the cause." },
  storage_unavailable: {
    statuses: [503],
    meaning: "Storage did not answer (down, slow, refused); retry after `Retry-After`. Never a 404.",
  },
  misconfigured: { statuses: [503], meaning: "A setting is missing or malformed; `setting` names it." },
  auth_not_configured: {
    statuses: [503],
    meaning: "The Upstash backend has no token configured and anonymous access is not allowed.",
  },
} as const satisfies Record<string, ProblemKind>;

/** A problem code of the API. */
export type ProblemCode = keyof typeof PROBLEMS;

/** A JSON value a problem body can carry. */
export type ProblemValue = string | number | boolean | null | ProblemValue[] | { [member: string]: ProblemValue };

/**
 * Extra members of a problem body (limits, sizes, field names, failed checks);
 * never one of RFC 9457's own members, which come from the error itself.
 */
export type ProblemExtras = Record<string, ProblemValue> & {
  [member in "type" | "title" | "status" | "detail" | "code"]?: never;
};

/** What an ApiError says beyond its code. */
export interface ProblemOptions {
  /** Human-readable explanation naming what was wrong (the member FastAPI clients read). */
  detail: string;
  /** One of the code's statuses in PROBLEMS; its usual one by default. */
  status?: ErrorStatus;
  extras?: ProblemExtras;
  headers?: Record<string, string>;
  cause?: unknown;
}

// `Error` with V8's frame limit (workerd and Node), which not every project's type library declares.
const V8Error = Error as ErrorConstructor & { stackTraceLimit: number };

/**
 * The one error type of the API. Thrown anywhere, it becomes an RFC 9457
 * problem body (`application/problem+json`) in the app's error handler.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: ErrorStatus;
  readonly detail: string;
  readonly extras: ProblemExtras;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    options: ProblemOptions,
  ) {
    // No stack trace: an ApiError is an answer to the client, thrown for every 4xx, and capturing
    // the frames was a tenth of a 404's CPU time. The `cause` of a 5xx keeps its own stack.
    const limit = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = 0;
    super(options.detail, { cause: options.cause });
    V8Error.stackTraceLimit = limit;
    const statuses: readonly [ErrorStatus, ...ErrorStatus[]] = PROBLEMS[code].statuses;
    this.status = options.status !== undefined && statuses.includes(options.status) ? options.status : statuses[0];
    this.detail = options.detail;
    this.extras = options.extras ?? {};
    this.headers = options.headers ?? {};
  }

  /** The same problem with more said before its detail and more members (an operation's index). */
  within(prefix: string, extras: ProblemExtras): ApiError {
    return new ApiError(this.code, {
      detail: `${prefix}: ${this.detail}`,
      status: this.status,
      extras: { ...this.extras, ...extras },
      headers: this.headers,
      cause: this.cause,
    });
  }
}

/** The problem body of an error, as JSON-ready data. */
export function problemBody(error: ApiError): Record<string, unknown> {
  const standard = {
    type: `urn:edge-kv:problem:${error.code}`,
    title: STATUS_TITLES[error.status],
    status: error.status,
    detail: error.detail,
    code: error.code,
  };
  // Extras add members, never replace these: `status` must stay the answer's status (RFC 9457).
  return { ...standard, ...error.extras, ...standard };
}

/** The 404 of a key that does not exist (or has expired). */
export function keyNotFound(key: string): ApiError {
  return new ApiError("key_not_found", { detail: `Key '${key}' not found`, extras: { key } });
}

/** A setting that is missing or malformed; names the setting. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a backend when storage cannot answer (unreachable, timed out,
 * refused). The API turns it into a 503; it never means "not found".
 */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
}

/** Seconds a client should wait before retrying after a storage failure. */
const RETRY_AFTER_SECONDS = "1";

/** Maps any thrown error to the API's one error shape. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StorageUnavailableError) {
    return new ApiError("storage_unavailable", {
      detail: `Storage is unavailable: ${error.message}`,
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
      cause: error,
    });
  }
  if (error instanceof ConfigError) {
    return new ApiError("misconfigured", { detail: error.message, extras: { setting: error.setting }, cause: error });
  }
  return new ApiError("internal_error", { detail: "An unexpected error occurred", cause: error });
}
