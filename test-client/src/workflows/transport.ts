/** One request to the KV worker's compatible API. */
export interface KvRequest {
  method: "GET" | "POST" | "DELETE";
  /** Path with any key already percent-encoded, e.g. `/get/a%2Fb`. */
  path: string;
  /** Raw body text, sent as `application/json`. */
  body?: string;
}

/** The KV worker's answer, read in full. */
export interface KvReply {
  status: number;
  /** Media type of the body, lower-cased, without parameters ("" when absent). */
  mediaType: string;
  body: string;
  /** The KV worker's `X-Request-Id`, to find the request in its logs; null when absent. */
  requestId: string | null;
}

/** Sends one request to the KV worker. Rejects with KvUnreachableError only. */
export type Transport = (request: KvRequest) => Promise<KvReply>;

/** The part of `fetch` (global, or a service binding's) that transports use. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** The KV worker could not be reached, or did not answer in time. */
export class KvUnreachableError extends Error {
  override readonly name = "KvUnreachableError";
}

/** Options of an HTTP transport. */
export interface HttpTransportOptions {
  /** Base URL of the KV worker; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when not empty. */
  token?: string;
  /** Milliseconds one request may take, body included. */
  timeoutMs?: number;
}

/** What stands in for the bearer token wherever it would be shown. */
export const TOKEN_PLACEHOLDER = "[KV_TOKEN]";

/**
 * Replaces every occurrence of `token` in `text` with TOKEN_PLACEHOLDER. A
 * b64token needs no escaping in JSON, so this also holds for JSON text.
 */
export function redactToken(text: string, token: string): string {
  return token === "" ? text : text.split(token).join(TOKEN_PLACEHOLDER);
}

const DEFAULT_TIMEOUT_MS = 10_000;
const GATEWAY_SNIPPET_CHARS = 200;

/**
 * A transport over a `fetch` function. Network errors, timeouts, and 5xx
 * answers that are not JSON (a dev proxy or an edge error page answering for
 * a KV worker it could not reach) become KvUnreachableError. The token never
 * comes back out: a reply body or error that quotes it (a server echoing the
 * Authorization header) has it replaced by TOKEN_PLACEHOLDER, since reports
 * show bodies and errors.
 */
export function httpTransport(fetchFn: FetchLike, options: HttpTransportOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const token = options.token ?? "";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token !== "") headers.Authorization = `Bearer ${token}`;
  return async (request) => {
    const init = {
      method: request.method,
      headers: request.body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
      ...(request.body === undefined ? {} : { body: request.body }),
    };
    let reply: KvReply;
    try {
      const response = await fetchFn(base + request.path, init);
      const contentType = response.headers.get("content-type") ?? "";
      const [type = ""] = contentType.split(";");
      const mediaType = type.trim().toLowerCase();
      const requestId = response.headers.get("x-request-id");
      const body = redactToken(await response.text(), token);
      reply = { status: response.status, mediaType, body, requestId };
    } catch (error) {
      throw new KvUnreachableError(redactToken(describeFailure(error, timeoutMs), token));
    }
    if (reply.status >= 500 && !isJsonMediaType(reply.mediaType)) {
      const snippet = reply.body.trim().slice(0, GATEWAY_SNIPPET_CHARS);
      throw new KvUnreachableError(`HTTP ${reply.status} from something other than the KV worker: ${snippet}`);
    }
    return reply;
  };
}

/** True for `application/json` and `application/*+json`. */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return `no answer within ${timeoutMs} ms`;
    const detail = error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
    return detail || error.name;
  }
  return String(error);
}
