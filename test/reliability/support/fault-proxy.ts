import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP proxy in front of the bridge that can refuse chosen calls, as a failing Upstash would. */
export interface FaultProxy {
  /** Base URL for UPSTASH_REDIS_REST_URL. */
  readonly url: string;
  /** Answers the next `count` calls with HTTP 500 without forwarding them (nothing reaches Redis). */
  failNext(count: number): void;
  /** Forwards the next `count` calls, then drops the connection instead of answering (Redis did run them). */
  dropAnswerOfNext(count: number): void;
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
    const drop = drops > 0;
    if (drop) drops--;
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (drop) {
          answer.resume();
          answer.on("end", () => req.socket.destroy());
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
    dropAnswerOfNext: (count) => {
      drops = count;
    },
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
