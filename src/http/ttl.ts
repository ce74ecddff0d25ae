import { isExactNumber } from "./json";
import { ApiError } from "./problem";

/** The longest TTL accepted, in seconds (ten years). */
export const MAX_TTL_SECONDS = 315_360_000;

/**
 * Reads a body's TTL field: absent or null means no TTL; otherwise a positive
 * whole number of seconds up to MAX_TTL_SECONDS, or a 400 naming the field.
 */
export function ttlSecondsFrom(value: unknown, field = "ttl"): number | null {
  if (value === undefined || value === null) return null;
  const bad = (why: string): ApiError =>
    new ApiError(400, "invalid_ttl", `'${field}' ${why}`, { field, limit: MAX_TTL_SECONDS });
  if (isExactNumber(value)) throw bad(`is larger than ${MAX_TTL_SECONDS} seconds`);
  if (typeof value !== "number") throw bad(`must be a whole number of seconds, got ${typeof value}`);
  if (!Number.isInteger(value)) throw bad(`must be a whole number of seconds, got ${value}`);
  if (value <= 0) throw bad(`must be positive, got ${value}`);
  if (value > MAX_TTL_SECONDS) throw bad(`is larger than ${MAX_TTL_SECONDS} seconds`);
  return value;
}
