/** One HTTP request a bench scenario sends. */
export interface BenchRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query, percent-encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The same request with a JSON body. */
export function jsonRequest(method: BenchRequest["method"], path: string, body: unknown): BenchRequest {
  return { method, path, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

/** The same request carrying `Authorization: Bearer <token>`. */
export function withBearer(request: BenchRequest, token: string): BenchRequest {
  return { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } };
}

/** The same request carrying `Idempotency-Key: <key>`. */
export function withIdempotencyKey(request: BenchRequest, key: string): BenchRequest {
  return { ...request, headers: { ...request.headers, "Idempotency-Key": key } };
}

/** Sends one request with fetch and returns its status, headers and body text. */
export async function send(
  origin: string,
  request: BenchRequest,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(origin + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
