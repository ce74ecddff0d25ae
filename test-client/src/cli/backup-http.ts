import { redactToken } from "../workflows/transport";

/** A request to the KV worker failed: no answer, or an answer other than success. */
export class RequestFailed extends Error {
  override readonly name = "RequestFailed";
  constructor(
    message: string,
    /** The HTTP status, or null when no answer came. */
    readonly status: number | null,
    /** True when sending the same request again may succeed (no answer, 5xx, 409 in flight, 429). */
    readonly retryable: boolean,
    /** Seconds the service asked to wait (Retry-After), when it did. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** The headers every backup request carries. */
export function authHeaders(token: string): Record<string, string> {
  return token === "" ? {} : { Authorization: `Bearer ${token}` };
}

/** Why `fetch` rejected, in words, without the token. */
export function networkFailure(error: unknown, timeoutMs: number, token: string): RequestFailed {
  let text = String(error);
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") text = `no answer within ${timeoutMs} ms`;
    else text = error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  }
  return new RequestFailed(redactToken(text, token), null, true);
}

/** An answer other than success as a RequestFailed naming its status, problem code and detail. */
export async function failedAnswer(response: Response, token: string): Promise<RequestFailed> {
  const body = await response.text().catch(() => "");
  let described = body.trim().slice(0, 300);
  try {
    const problem = JSON.parse(body) as { code?: unknown; detail?: unknown };
    if (typeof problem.detail === "string") {
      described = typeof problem.code === "string" ? `${problem.code}: ${problem.detail}` : problem.detail;
    }
  } catch {
    // Not a problem body (a proxy's page): the start of the text says enough.
  }
  const retryAfter = Number(response.headers.get("retry-after"));
  const retryable = response.status >= 500 || response.status === 409 || response.status === 429;
  return new RequestFailed(
    redactToken(`HTTP ${response.status}${described === "" ? "" : ` ${described}`}`, token),
    response.status,
    retryable,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}
