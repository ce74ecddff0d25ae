import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A Redis command as the Upstash REST protocol carries it, e.g. ["get", "k"]. */
export type RestCommand = [string, ...Array<string | number | boolean>];

/** One HTTP request the worker made to Upstash, as the proxy saw it. */
export interface UpstashCall {
  /** `/`, `/pipeline` or `/multi-exec`. */
  endpoint: string;
  /** The Redis commands it carried, in order (empty when the body was not valid). */
  commands: RestCommand[];
  /** Their names (upper case). */
  names: string[];
}

/** A counting HTTP proxy in front of the bridge. */
export interface CountingProxy {
  /** Base URL to give the worker as UPSTASH_REDIS_REST_URL. */
  url: string;
  /** Returns the calls seen since the last take, and forgets them. */
  take(): UpstashCall[];
  close(): Promise<void>;
}

function isCommand(value: unknown): value is RestCommand {
  return Array.isArray(value) && typeof value[0] === "string";
}

/** Reads an Upstash REST body: one command (`/`) or an array of them (`/pipeline`, `/multi-exec`). */
export function callOf(endpoint: string, body: string): UpstashCall {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { endpoint, commands: [], names: ["<unparseable body>"] };
  }
  const items: unknown[] = endpoint === "/" ? [parsed] : Array.isArray(parsed) ? parsed : [parsed];
  return {
    endpoint,
    commands: items.filter(isCommand),
    names: items.map((item) => (isCommand(item) ? item[0].toUpperCase() : "<malformed>")),
  };
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on("data", (chunk: Buffer) => chunks.push(chunk));
    message.on("end", () => resolve(Buffer.concat(chunks)));
    message.on("error", reject);
  });
}

/**
 * Starts a proxy on 127.0.0.1 that forwards every request to `targetUrl` (the
 * bridge) unchanged and records each one: which endpoint, which commands.
 * Counting at the HTTP boundary is exactly what a round trip to Upstash is.
 */
export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const basePath = target.pathname.replace(/\/+$/, "");
  let calls: UpstashCall[] = [];
  const server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const path = incoming.url ?? "/";
    const endpoint = path.split("?")[0]!.slice(basePath.length) || "/";
    calls.push(callOf(endpoint, body.toString("utf8")));
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: basePath + endpoint,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", (error) => {
      outgoing.writeHead(502, { "Content-Type": "application/json" });
      outgoing.end(JSON.stringify({ error: `counting proxy: ${error.message}` }));
    });
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    take() {
      const seen = calls;
      calls = [];
      return seen;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
