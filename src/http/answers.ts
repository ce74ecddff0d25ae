import { metadataHeader } from "../rules/json";
import { etagOf } from "../rules/preconditions";
import type { Entry } from "../store/types";

/**
 * JSON text of `fields` with members whose values are JSON text already (a
 * stored value, a big counter) spliced in verbatim, so no number is re-encoded.
 */
export function jsonWithRaw(fields: Record<string, unknown>, raw: Record<string, string>): string {
  const base = JSON.stringify(fields);
  const spliced = Object.entries(raw).map(([name, text]) => `${JSON.stringify(name)}:${text}`);
  if (spliced.length === 0) return base;
  return base === "{}" ? `{${spliced.join(",")}}` : `${base.slice(0, -1)},${spliced.join(",")}}`;
}

/** The headers describing a stored entry: ETag, expiry and metadata. */
export function entryHeaders(entry: Pick<Entry, "version" | "expiresAt" | "metadata">): Record<string, string> {
  const headers: Record<string, string> = { ETag: etagOf(entry.version) };
  if (entry.expiresAt !== null) headers["KV-Expires-At"] = String(entry.expiresAt);
  if (entry.metadata !== null) headers["KV-Metadata"] = metadataHeader(entry.metadata);
  return headers;
}

/** A JSON response from ready JSON text. */
export function jsonText(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "application/json", ...headers } });
}
