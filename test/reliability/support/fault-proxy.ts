import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Answer } from "./client";

/** node:http's header object as a fetch Headers. */
export function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * An HTTP proxy that can refuse chosen calls: in front of the bridge, as a
 * failing Upstash would; in front of the KV worker, as a network that loses
 * the worker's answer on its way to the client.
 */
export interface FaultProxy {
  /** Base URL for UPSTASH_REDIS_REST_URL (or for the client, in front of a worker). */
  readonly url: string;
  /** Answers the next `count` calls with HTTP 500 without forwarding them (nothing reaches Redis). */
  failNext(count: number): void;
  /**
   * Passes `skip` calls on untouched, then forwards the next `count` calls and
   * drops the connection instead of answering (the target did run them).
   */
  dropAnswerOfNext(count: number, skip?: number): void;
  /** The answers received but not passed on so far, oldest first. */
  readonly dropped: readonly Answer[];
  /** Calls still to fail. */
  readonly pendingFaults: number;
  /** Calls failed so far. */
  readonly injected: number;
  /** Calls forwarded so far. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/** Starts a fault-injecting proxy on 127.0.0.1 forwarding to `target` (the bridge). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let pending = 0;
  let drops = 0;
  let skips = 0;
  const dropped: Answer[] = [];
  let injected = 0;
  let forwarded = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (pending > 0) {
      pending--;
      injected++;
      req.resume();
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "ERR injected fault" }));
      return;
    }
    forwarded++;
    const drop = skips === 0 && drops > 0;
    if (skips > 0) skips--;
    else if (drop) drops--;
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (drop) {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => {
            dropped.push({
              status: answer.statusCode ?? 0,
              headers: headersOf(answer.headers),
              text: Buffer.concat(chunks).toString("utf8"),
            });
            req.socket.destroy();
          });
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  };
  const server = createServer(forward);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext: (count) => {
      pending = count;
    },
    dropAnswerOfNext: (count, skip = 0) => {
      drops = count;
      skips = count === 0 ? 0 : skip;
    },
    dropped,
    get pendingFaults() {
      return pending;
    },
    get injected() {
      return injected;
    },
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
