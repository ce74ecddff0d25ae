import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { RedisServer } from "./redis-server";

/** A running control server. */
export interface RedisControl {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  close(): Promise<void>;
}

/**
 * A small HTTP server that lets code that cannot spawn processes (tests in
 * workerd) stop and start a redis-server, and that offers an endpoint that
 * never answers (to prove that callers bound their waits):
 * - `POST /redis/stop`, `/redis/kill`, `/redis/start`: 204 once done;
 * - anything under `/hang/`: the request is held open until the client gives up.
 * Listens on 127.0.0.1 only.
 */
export async function startRedisControl(redis: RedisServer): Promise<RedisControl> {
  const held = new Set<Socket>();
  const actions: Record<string, () => Promise<void>> = {
    "/redis/stop": () => redis.stop(),
    "/redis/kill": () => redis.kill(),
    "/redis/start": () => redis.start(),
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://control").pathname;
    if (path.startsWith("/hang/") || path === "/hang") {
      held.add(request.socket);
      request.socket.once("close", () => held.delete(request.socket));
      return;
    }
    const action = request.method === "POST" ? actions[path] : undefined;
    if (action === undefined) {
      response.writeHead(404).end();
      return;
    }
    action().then(
      () => response.writeHead(204).end(),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of held) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
