import { ApiError } from "../problems";
import { isWellFormed } from "./keys";

interface CursorState {
  /** The listing's prefix: a cursor only continues the listing it came from. */
  p: string;
  /** The last key returned. */
  a: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function isCursorState(value: unknown): value is CursorState {
  if (typeof value !== "object" || value === null) return false;
  const state = value as Record<string, unknown>;
  return typeof state.a === "string" && typeof state.p === "string";
}

function invalidCursor(detail: string): ApiError {
  return new ApiError("invalid_cursor", { detail, extras: { field: "cursor" } });
}

/** An opaque cursor that resumes a listing of `prefix` after `lastKey`. */
export function encodeCursor(prefix: string, lastKey: string): string {
  return toBase64Url(encoder.encode(JSON.stringify({ p: prefix, a: lastKey } satisfies CursorState)));
}

/**
 * The key a cursor resumes after. A cursor is refused (400 `invalid_cursor`)
 * unless it is one this API could have returned for a listing of `prefix`: a
 * well-formed key that starts with the prefix.
 */
export function decodeCursor(cursor: string, prefix: string): string {
  let state: unknown;
  try {
    state = JSON.parse(decoder.decode(fromBase64Url(cursor)));
  } catch {
    state = null;
  }
  if (!isCursorState(state)) throw invalidCursor("The cursor is not one this API returned");
  if (state.p !== prefix) throw invalidCursor("The cursor belongs to a listing with another prefix");
  if (!state.a.startsWith(prefix) || !isWellFormed(state.a)) {
    throw invalidCursor("The cursor does not name a key of this listing");
  }
  return state.a;
}
