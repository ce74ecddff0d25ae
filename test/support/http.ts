import { env, exports } from "cloudflare:workers";
import app from "../../src/index";

/** Sends one request to a KV worker and returns its response. */
export type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** The deployed entry point with the bindings of wrangler.toml. */
export const workerFetch: Fetch = (path, init) => exports.default.fetch(new Request(`http://kv${path}`, init));

/** The same app with some bindings replaced (another backend, other limits). */
export function appFetch(overrides: Partial<Record<keyof Env, string>>): Fetch {
  const bindings = { ...env, ...overrides } as Env;
  return async (path, init) => app.fetch(withContentLength(new Request(`http://kv${path}`, init), init), bindings);
}

/**
 * A request as it arrives over HTTP: a fixed body carries Content-Length.
 * (A Request built in-process has none; the worker's own entry adds it.)
 */
function withContentLength(request: Request, init: RequestInit | undefined): Request {
  const body = init?.body;
  if (typeof body !== "string" || request.headers.has("content-length")) return request;
  const headers = new Headers(request.headers);
  headers.set("content-length", String(new TextEncoder().encode(body).byteLength));
  return new Request(request, { headers });
}

/** A key no other test uses. */
export function uniqueKey(label = "k"): string {
  return `${label}-${crypto.randomUUID()}`;
}

/** A JSON request init for `method` with `body` serialised. */
export function jsonInit(method: string, body: unknown): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

/** The v1 path of a key, percent-encoded. */
export function kv(key: string): string {
  return `/v1/kv/${encodeURIComponent(key)}`;
}

/** `PUT /v1/kv/{key}` with `value` as its JSON body (and a query such as `?ttl=1`). */
export function putJson(
  f: Fetch,
  key: string,
  value: unknown,
  headers: Record<string, string> = {},
  query = "",
): Promise<Response> {
  return f(`${kv(key)}${query}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(value),
  });
}

/** Reads a problem body, checking its media type and required members. */
export async function problemOf(
  response: Response,
): Promise<{ status: number; title: string; detail: string; code: string }> {
  if (!response.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`not a problem body: ${response.headers.get("content-type")} ${await response.text()}`);
  }
  const body = (await response.json()) as { status: number; title: string; detail: string; code: string };
  if (body.status !== response.status || typeof body.detail !== "string" || typeof body.code !== "string") {
    throw new Error(`malformed problem body: ${JSON.stringify(body)}`);
  }
  return body;
}

/**
 * An NDJSON answer's text, read as bytes: workerd prints a warning when
 * `text()` meets a media type it does not take for text, and NDJSON is one.
 */
export async function ndjsonText(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer());
}

/** An NDJSON answer's lines, each parsed. */
export async function ndjsonLines(res: Response): Promise<Record<string, unknown>[]> {
  return (await ndjsonText(res))
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The store's revision now, as the header line of an (empty) export tells it. */
export async function storeRevision(f: Fetch): Promise<number> {
  const header = (await ndjsonText(await f("/v1/export?prefix=none"))).match(/"revision":([0-9]+)/)?.[1];
  if (header === undefined) throw new Error("the export named no revision");
  return Number(header);
}
