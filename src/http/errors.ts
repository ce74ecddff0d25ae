import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config";
import { StorageUnavailableError } from "../store/errors";
import { ApiError, problemResponse } from "./problem";

/** Seconds a client should wait before retrying after a storage failure. */
const RETRY_AFTER_SECONDS = "1";

/** Maps any thrown error to the API's one error shape. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StorageUnavailableError) {
    return new ApiError(
      503,
      "storage_unavailable",
      `Storage is unavailable: ${error.message}`,
      {},
      { "Retry-After": RETRY_AFTER_SECONDS },
    );
  }
  if (error instanceof ConfigError) {
    return new ApiError(503, "misconfigured", error.message, { setting: error.setting });
  }
  if (error instanceof HTTPException) {
    return new ApiError(error.status as ContentfulStatusCode, "http_error", error.message || "Request refused");
  }
  return new ApiError(500, "internal_error", "An unexpected error occurred");
}

/** The app's single error handler: every failure becomes a problem body. */
export const onError: ErrorHandler = (error) => {
  const apiError = toApiError(error);
  if (apiError.status === 500) console.error("unhandled error", error);
  return problemResponse(apiError);
};
