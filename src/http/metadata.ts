import type { Limits } from "../config";
import { ApiError } from "./problem";
import { refuseOverLimit } from "./size-limit";

const latin1Bytes = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Compact JSON text of a metadata object, refused with 400 unless it is a JSON
 * object and with 413 when over the limit (naming the limit and the size).
 */
export function metadataText(value: unknown, limits: Limits): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "invalid_metadata", "Metadata must be a JSON object", { field: "metadata" });
  }
  const text = JSON.stringify(value);
  refuseOverLimit(text, limits.maxMetadataBytes, "metadata_too_large", "The metadata");
  return text;
}

/**
 * The `KV-Metadata` request header as compact JSON text, or null when absent.
 * Header bytes arrive as Latin-1 characters; they are read back as UTF-8.
 */
export function metadataFromHeader(header: string | undefined, limits: Limits): string | null {
  if (header === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(latin1Bytes(header)));
  } catch {
    throw new ApiError(400, "invalid_metadata", "KV-Metadata must be a JSON object in UTF-8", {
      header: "KV-Metadata",
    });
  }
  return metadataText(parsed, limits);
}

/** Metadata JSON text made safe for a response header: non-ASCII characters escaped. */
export function metadataHeader(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
