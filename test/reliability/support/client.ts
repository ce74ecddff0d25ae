import { Agent, request } from "node:http";
import { headersOf } from "./fault-proxy";
import { WRITE_TOKEN } from "./stack";

/** One HTTP answer, body read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** What a request sends. */
export interface Sent {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * Sends one request with the write token (unless `headers` has its own
 * Authorization; an empty one sends none) over keep-alive connections, and
 * reads the whole answer. Network failures reject.
 */
export function call(base: string, path: string, sent: Sent = {}): Promise<Answer> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { Authorization: `Bearer ${WRITE_TOKEN}`, ...sent.headers };
  if (headers.Authorization === "") delete headers.Authorization;
  if (sent.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(sent.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: sent.method ?? "GET",
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: headersOf(res.headers),
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(sent.body);
  });
}

/** A JSON request. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): Sent {
  return { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** Runs `task` for every item with at most `width` in flight; results in order. */
export async function pool<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by every lane: each item is taken by exactly one lane.
  const queue = items.entries();
  const lane = async () => {
    for (const [index, item] of queue) results[index] = await task(item, index);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
