import type { Expiry } from "../store/types";
import { ApiError } from "./problem";
import { MAX_TTL_SECONDS } from "./ttl";

function invalid(field: string, why: string): ApiError {
  return new ApiError(400, `invalid_${field}`, `'${field}' ${why}`, { field });
}

/** Expiry `seconds` from `now`: positive, at most ten years, at most millisecond precision. */
export function expiryAfter(seconds: number, now: number, field = "ttl"): Expiry {
  const ms = seconds * 1000;
  if (!Number.isFinite(ms) || ms < 1) throw invalid(field, "must be a positive number of seconds");
  if (seconds > MAX_TTL_SECONDS) throw invalid(field, `must be at most ${MAX_TTL_SECONDS} seconds`);
  if (Math.abs(ms - Math.round(ms)) > 1e-6) throw invalid(field, "has more than millisecond precision");
  return { kind: "at", at: now + Math.round(ms) };
}

/** Expiry at unix time `seconds`, which must lie in the future (and within ten years). */
export function expiryAt(seconds: number, now: number, field = "expires_at"): Expiry {
  const at = Math.round(seconds * 1000);
  if (!Number.isFinite(at) || at <= now) throw invalid(field, "must be a unix time in seconds in the future");
  if (at - now > MAX_TTL_SECONDS * 1000) throw invalid(field, `must be at most ${MAX_TTL_SECONDS} seconds ahead`);
  return { kind: "at", at };
}

/** The choices a request can make about expiry; at most one may be set. */
export interface ExpiryChoice {
  ttl?: number | undefined;
  expires_at?: number | undefined;
  keep_ttl?: boolean | undefined;
  persist?: boolean | undefined;
}

/**
 * The one expiry a request chose, or `fallback` when it chose none. Choosing
 * more than one is a 400.
 */
export function chosenExpiry(choice: ExpiryChoice, now: number, fallback: Expiry | null): Expiry {
  const chosen = Object.entries(choice).filter(([, value]) => value !== undefined && value !== false);
  if (chosen.length > 1) {
    throw new ApiError(
      400,
      "conflicting_expiry",
      `Choose one of ${chosen.map(([name]) => name).join(", ")}, not several`,
    );
  }
  if (choice.ttl !== undefined) return expiryAfter(choice.ttl, now);
  if (choice.expires_at !== undefined) return expiryAt(choice.expires_at, now);
  if (choice.keep_ttl === true) return { kind: "keep" };
  if (choice.persist === true) return { kind: "none" };
  if (fallback === null) {
    throw new ApiError(400, "missing_expiry", "Give one of 'ttl', 'expires_at' or 'persist'");
  }
  return fallback;
}
