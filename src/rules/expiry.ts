import { ApiError } from "../problems";

/** The longest TTL accepted, in seconds (ten years). */
export const MAX_TTL_SECONDS = 315_360_000;

/** When an entry expires after a write. */
export type Expiry =
  /** No expiry: clears any earlier one (Redis SET semantics). */
  | { kind: "none" }
  /** Expires at this unix time in milliseconds: live before it, gone from it on. */
  | { kind: "at"; at: number }
  /** Keeps the expiry the entry already has (none if it is new). */
  | { kind: "keep" };

/** True when an entry with deadline `at` (unix ms, null for none) has expired at `now`. */
export function hasExpired(at: number | null, now: number): boolean {
  return at !== null && at <= now;
}

/** Expiry `seconds` from `now` (the schemas have checked the range and precision). */
export function expiryAfter(seconds: number, now: number): Expiry {
  return { kind: "at", at: now + Math.round(seconds * 1000) };
}

/** Expiry at unix time `seconds`, which must lie in the future (and within ten years). */
export function expiryAt(seconds: number, now: number): Expiry {
  const at = Math.round(seconds * 1000);
  const refuse = (why: string, extras = {}) =>
    new ApiError("invalid_expires_at", {
      detail: `'expires_at' ${why}, got ${seconds}`,
      extras: { field: "expires_at", ...extras },
    });
  if (!Number.isFinite(at) || at <= now) throw refuse("must be a unix time in seconds in the future");
  if (at - now > MAX_TTL_SECONDS * 1000) {
    throw refuse(`must be at most ${MAX_TTL_SECONDS} seconds ahead`, {
      limit: Math.floor(now / 1000) + MAX_TTL_SECONDS,
    });
  }
  return { kind: "at", at };
}

/** The choices a request can make about expiry; at most one may be set. */
export interface ExpiryChoice {
  ttl?: number | null | undefined;
  expires_at?: number | undefined;
  keep_ttl?: boolean | undefined;
  persist?: boolean | undefined;
}

const EXPIRY_CHOICES = ["ttl", "expires_at", "keep_ttl", "persist"] as const;

/**
 * The one expiry a request chose, or `fallback` when it chose none (null: a
 * choice is required). Choosing more than one is a 400. A `ttl` of null is no
 * choice, as the older services read it.
 */
export function chosenExpiry(choice: ExpiryChoice, now: number, fallback: Expiry | null): Expiry {
  const chosen = EXPIRY_CHOICES.filter(
    (name) => choice[name] !== undefined && choice[name] !== null && choice[name] !== false,
  );
  if (chosen.length > 1) {
    throw new ApiError("conflicting_expiry", { detail: `Choose one of ${chosen.join(", ")}, not several` });
  }
  if (typeof choice.ttl === "number") return expiryAfter(choice.ttl, now);
  if (choice.expires_at !== undefined) return expiryAt(choice.expires_at, now);
  if (choice.keep_ttl === true) return { kind: "keep" };
  if (choice.persist === true) return { kind: "none" };
  if (fallback === null) {
    throw new ApiError("missing_expiry", { detail: "Give one of 'ttl', 'expires_at' or 'persist'" });
  }
  return fallback;
}
