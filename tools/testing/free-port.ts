import { createServer } from "node:net";

/**
 * Asks the OS for a TCP port that is free on 127.0.0.1 right now. The port is
 * released before returning, so a caller binds it soon after (and retries on a
 * rare collision).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
