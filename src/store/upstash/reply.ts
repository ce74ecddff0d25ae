import { StorageUnavailableError } from "../../problems";

/** The error for a reply of the wrong shape (a broken bridge or proxy, not a missing key). */
export function unexpected(what: string, value: unknown): StorageUnavailableError {
  const shown = JSON.stringify(value) ?? String(value);
  return new StorageUnavailableError(`Unexpected reply from Upstash for ${what}: ${shown.slice(0, 100)}`);
}

/** The reply as an array, or a StorageUnavailableError. */
export function arrayReply(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw unexpected(what, value);
  return value;
}

/** The reply as a string, or a StorageUnavailableError. */
export function stringReply(value: unknown, what: string): string {
  if (typeof value !== "string") throw unexpected(what, value);
  return value;
}

/** The reply as an integer, or a StorageUnavailableError. */
export function integerReply(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw unexpected(what, value);
  return value;
}

/** A deadline as the scripts answer it: -1 for none. */
export function deadlineReply(value: unknown, what: string): number | null {
  const at = integerReply(value, what);
  return at === -1 ? null : at;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The JSON text of a value read from Redis. The store writes JSON text, which
 * comes back as is (big integers keep their digits, "123" stays a string); a
 * plain string another client wrote (`redis-cli SET k hello`) reads back as
 * that string, JSON-encoded.
 */
export function jsonTextOf(raw: string): string {
  return isJson(raw) ? raw : JSON.stringify(raw);
}
