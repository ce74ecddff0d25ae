import { ApiError } from "./problem";

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

/** An opaque cursor that resumes a listing of `prefix` after `lastKey`. */
export function encodeCursor(prefix: string, lastKey: string): string {
  return toBase64Url(encoder.encode(JSON.stringify({ p: prefix, a: lastKey } satisfies CursorState)));
}

/** The key a cursor resumes after; 400 if it is malformed or from another prefix's listing. */
export function decodeCursor(cursor: string, prefix: string): string {
  let state: unknown;
  try {
    state = JSON.parse(decoder.decode(fromBase64Url(cursor)));
  } catch {
    state = null;
  }
  const valid =
    typeof state === "object" &&
    state !== null &&
    typeof (state as CursorState).a === "string" &&
    typeof (state as CursorState).p === "string";
  if (!valid) throw new ApiError(400, "invalid_cursor", "The cursor is not one this API returned");
  if ((state as CursorState).p !== prefix) {
    throw new ApiError(400, "invalid_cursor", "The cursor belongs to a listing with another prefix");
  }
  return (state as CursorState).a;
}
