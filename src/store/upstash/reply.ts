import { StorageUnavailableError } from "../errors";

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
