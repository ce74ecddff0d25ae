import type { TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { InvalidJSONValue, JSONParsed, JSONValue } from "hono/utils/types";
import { type ApiError, problemBody } from "../problems";
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

/**
 * The security headers of every answer: no sniffing, no referrer, no framing,
 * HTTPS only, same-origin reads, nothing runs (`default-src 'none'`), no
 * caching. An HTML page sets its own Content-Security-Policy.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "Cache-Control": "no-store",
};

/** A JSON response from ready JSON text, with the security headers from the start. */
export function jsonText(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "application/json", ...SECURITY_HEADERS, ...headers },
  });
}

/**
 * A JSON answer of `body`, with the security headers from the start, typed as
 * Hono's `c.json` types its answers (what `hc<AppType>` and the OpenAPI checks
 * read). Unlike `c.json`, it leaves the frame no header to add afterwards: in
 * workerd, setting seven headers on a made Response cost more CPU than the
 * rest of a write's answer.
 */
export function jsonAnswer<T extends JSONValue | object | InvalidJSONValue, S extends ContentfulStatusCode = 200>(
  body: T,
  status: S = 200 as S,
  headers: Record<string, string> = {},
): Response & TypedResponse<JSONParsed<T>, S, "json"> {
  return jsonText(JSON.stringify(body), status, headers) as Response & TypedResponse<JSONParsed<T>, S, "json">;
}

/** The HTTP response of an error: its problem body, with the security headers. */
export function problemResponse(error: ApiError): Response {
  return new Response(JSON.stringify(problemBody(error)), {
    status: error.status,
    headers: { ...SECURITY_HEADERS, ...error.headers, "Content-Type": "application/problem+json" },
  });
}
