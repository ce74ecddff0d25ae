/** One request to the KV worker's compatible API. */
export interface KvRequest {
  method: "GET" | "POST" | "DELETE";
  /** Path with any key already percent-encoded, e.g. `/get/a%2Fb`. */
  path: string;
  /** Raw body text, sent as `application/json`. */
  body?: string;
  /** Sent as the `Idempotency-Key` header: a retry of the write then applies once. */
  idempotencyKey?: string;
  /**
   * For a body that streams without end (the change feed): reading stops as soon as this
   * is true of the text read so far, or when the timeout passes, and the reply holds what
   * was read. Without it the body is read to its end.
   */
  readUntil?: (bodySoFar: string) => boolean;
}

/** The KV worker's answer, read in full. */
export interface KvReply {
  status: number;
  /** Media type of the body, lower-cased, without parameters ("" when absent). */
  mediaType: string;
  body: string;
  /** The KV worker's `X-Request-Id`, to find the request in its logs; null when absent. */
  requestId: string | null;
  /** The `ETag` header (a v1 read's version, quoted); null when absent. */
  etag: string | null;
}

/** Sends one request to the KV worker. Rejects with KvUnreachableError only. */
export type Transport = (request: KvRequest) => Promise<KvReply>;

/** The part of `fetch` (global, or a service binding's) that transports use. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  body: ReadableStream<Uint8Array> | null;
}>;

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
    const requestHeaders: Record<string, string> = { ...headers };
    if (request.body !== undefined) requestHeaders["Content-Type"] = "application/json";
    if (request.idempotencyKey !== undefined) requestHeaders["Idempotency-Key"] = request.idempotencyKey;
    // A stream read ends at the timeout with what came; any other request fails then.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    let reply: KvReply;
    try {
      const response = await fetchFn(base + request.path, {
        method: request.method,
        headers: requestHeaders,
        signal: abort.signal,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const contentType = response.headers.get("content-type") ?? "";
      const [type = ""] = contentType.split(";");
      const mediaType = type.trim().toLowerCase();
      const requestId = response.headers.get("x-request-id");
      const etag = response.headers.get("etag");
      const text =
        request.readUntil === undefined || response.body === null
          ? await response.text()
          : await readStream(response.body, request.readUntil, () => timedOut);
      reply = { status: response.status, mediaType, body: redactToken(text, token), requestId, etag };
    } catch (error) {
      throw new KvUnreachableError(redactToken(describeFailure(error, timeoutMs), token));
    } finally {
      clearTimeout(timer);
    }
    if (reply.status >= 500 && !isJsonMediaType(reply.mediaType)) {
      const snippet = reply.body.trim().slice(0, GATEWAY_SNIPPET_CHARS);
      throw new KvUnreachableError(`HTTP ${reply.status} from something other than the KV worker: ${snippet}`);
    }
    return reply;
  };
}

/** Reads a streamed body until `done` holds of the text, it ends, or `timedOut` (the read was aborted). */
async function readStream(
  body: ReadableStream<Uint8Array>,
  done: (text: string) => boolean,
  timedOut: () => boolean,
): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
      if (done(text)) return text;
    }
  } catch (error) {
    if (timedOut()) return text;
    throw error;
  } finally {
    reader.cancel().catch(() => {});
  }
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
