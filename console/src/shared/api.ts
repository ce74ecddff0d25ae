// The console's client of the v1 API: every call goes to this origin, keys are
// percent-encoded in every path, the token travels in the Authorization header,
// and every write carries a fresh Idempotency-Key.
import { asciiJson } from "./json-text";

/** An answer as it came: status, headers and the body as text (numbers stay exact). */
export interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/** An error answer of the API (RFC 9457 problem details), or a failure to reach it (status 0). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = "Problem";
  }
}

/** One entry of a listing page. */
export interface ListedKey {
  key: string;
  version: number;
  expires_at: number | null;
  metadata: Record<string, unknown> | null;
}

/** A listing page. */
export interface KeyPage {
  keys: ListedKey[];
  cursor: string | null;
  complete: boolean;
}

/** A key as read: the value's JSON text exactly as stored, its version, expiry (unix ms) and metadata text. */
export interface StoredKey {
  key: string;
  valueText: string;
  version: string;
  expiresAt: number | null;
  metadataText: string | null;
}

/** How a write treats the key's expiry. */
export type ExpiryChoice = { kind: "keep" } | { kind: "none" } | { kind: "ttl"; seconds: string };

/** What a write may require of the key's current state. */
export type Precondition = { ifMatch: string } | { ifNoneMatch: "*" };

/** A request as the console or the docs page sends it. */
export interface Outgoing {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A random version 4 UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The key as one path segment: `/`, `?`, `#`, `%`, spaces and every non-ASCII letter percent-encoded. */
export function keyPath(key: string): string {
  try {
    return `/v1/kv/${encodeURIComponent(key)}`;
  } catch {
    throw new Problem(400, "invalid_key", "The key is not well-formed Unicode text");
  }
}

const WRITE_METHODS = new Set(["PUT", "POST", "PATCH", "DELETE"]);

/** Sends a request to this origin with the token; never throws for an HTTP status, only when the service is unreachable. */
export async function send(request: Outgoing, token: string | null): Promise<Answer> {
  const headers = new Headers(request.headers);
  if (token !== null && token !== "") headers.set("Authorization", `Bearer ${token}`);
  if (WRITE_METHODS.has(request.method) && !headers.has("Idempotency-Key")) {
    headers.set("Idempotency-Key", newIdempotencyKey());
  }
  if (request.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  let response: Response;
  try {
    response = await fetch(request.path, {
      method: request.method,
      headers,
      body: request.body,
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    throw new Problem(0, "network_error", `The service could not be reached (${String(error)})`);
  }
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    text: await response.text(),
  };
}

/** The problem an error answer carries, from its problem+json body when it has one. */
export function problemOf(answer: Answer): Problem {
  try {
    const body = JSON.parse(answer.text) as { code?: unknown; detail?: unknown; title?: unknown };
    const code = typeof body.code === "string" ? body.code : `http_${answer.status}`;
    const detail = typeof body.detail === "string" ? body.detail : typeof body.title === "string" ? body.title : "";
    return new Problem(answer.status, code, detail || answer.statusText);
  } catch {
    return new Problem(answer.status, `http_${answer.status}`, answer.text.slice(0, 200) || answer.statusText);
  }
}

/** A client bound to one token (or none, where the service allows anonymous access). */
export class KvClient {
  constructor(readonly token: string | null) {}

  private async call(request: Outgoing): Promise<Answer> {
    const answer = await send(request, this.token);
    if (answer.status >= 400) throw problemOf(answer);
    return answer;
  }

  /** One page of the keys under `prefix`, in the store's order. */
  async list(prefix: string, cursor: string | null, limit: number): Promise<KeyPage> {
    const query = new URLSearchParams({ prefix, limit: String(limit) });
    if (cursor !== null) query.set("cursor", cursor);
    const answer = await this.call({ method: "GET", path: `/v1/kv?${query}` });
    return JSON.parse(answer.text) as KeyPage;
  }

  /** The key's value text, version, expiry and metadata. */
  async read(key: string): Promise<StoredKey> {
    const answer = await this.call({ method: "GET", path: keyPath(key) });
    const expires = answer.headers.get("KV-Expires-At");
    return {
      key,
      valueText: answer.text,
      version: (answer.headers.get("ETag") ?? "").replace(/^W\//, "").replaceAll('"', ""),
      expiresAt: expires === null || expires === "" ? null : Number(expires),
      metadataText: answer.headers.get("KV-Metadata"),
    };
  }

  /** Writes the value (JSON text) under the precondition; metadata null clears it. Answers the new version. */
  async write(
    key: string,
    valueText: string,
    options: { precondition: Precondition; expiry: ExpiryChoice; metadataText: string | null },
  ): Promise<string> {
    const query = new URLSearchParams();
    if (options.expiry.kind === "keep") query.set("keep_ttl", "1");
    if (options.expiry.kind === "ttl") query.set("ttl", options.expiry.seconds);
    const headers: Record<string, string> = {};
    if ("ifMatch" in options.precondition) headers["If-Match"] = `"${options.precondition.ifMatch}"`;
    else headers["If-None-Match"] = "*";
    // Header values must be Latin-1: non-ASCII characters go as JSON \u escapes, the same object.
    if (options.metadataText !== null) headers["KV-Metadata"] = asciiJson(options.metadataText);
    const search = query.size > 0 ? `?${query}` : "";
    const answer = await this.call({ method: "PUT", path: `${keyPath(key)}${search}`, headers, body: valueText });
    return String((JSON.parse(answer.text) as { version: number }).version);
  }

  /** Deletes the key if it is still at `version`. */
  async remove(key: string, version: string): Promise<void> {
    await this.call({ method: "DELETE", path: keyPath(key), headers: { "If-Match": `"${version}"` } });
  }

  /** Adds `by` to an integer value. */
  async increment(key: string, by: number): Promise<void> {
    await this.call({ method: "POST", path: `${keyPath(key)}/incr`, body: JSON.stringify({ by }) });
  }
}

/** What `GET /` says about the service: which backend serves, and its status. */
export async function serviceHealth(): Promise<{ backend: string; status: string } | null> {
  try {
    const answer = await send({ method: "GET", path: "/" }, null);
    const body = JSON.parse(answer.text) as { backend?: unknown; status?: unknown };
    return { backend: String(body.backend ?? "unknown"), status: String(body.status ?? "unknown") };
  } catch {
    return null;
  }
}
