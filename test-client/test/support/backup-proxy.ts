import { createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does to the next POST /v1/import it receives. */
export type ImportFault =
  /** Forwards it. */
  | "pass"
  /** Answers 503 with a problem body; the worker never sees it. */
  | "fail"
  /** Forwards it, lets the worker apply it, then cuts the connection instead of answering. */
  | "lose-answer"
  /** Answers 401 quoting the Authorization header it got (a hostile server). */
  | "echo-auth";

/** A proxy in front of a KV worker that can break import requests. */
export interface BackupProxy {
  readonly url: string;
  /** Faults for the next import requests, in order; once used up, `then` applies to the rest. */
  plan(faults: ImportFault[], then?: ImportFault): void;
  /** Import requests seen, and the Idempotency-Key of each. */
  readonly imports: { idempotencyKey: string | undefined; fault: ImportFault }[];
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards everything to `target`. */
export async function startBackupProxy(target: string): Promise<BackupProxy> {
  const upstream = new URL(target);
  let queue: ImportFault[] = [];
  let rest: ImportFault = "pass";
  const imports: BackupProxy["imports"] = [];
  const server = createServer((incoming, outgoing) => {
    const isImport = incoming.method === "POST" && (incoming.url ?? "").startsWith("/v1/import");
    const fault: ImportFault = isImport ? (queue.shift() ?? rest) : "pass";
    if (isImport) {
      const key = incoming.headers["idempotency-key"];
      imports.push({ idempotencyKey: Array.isArray(key) ? key[0] : key, fault });
    }
    if (fault === "fail" || fault === "echo-auth") {
      incoming.resume();
      incoming.on("end", () => {
        const status = fault === "fail" ? 503 : 401;
        const detail =
          fault === "fail" ? "Storage is unavailable" : `Refused 'Authorization: ${incoming.headers.authorization}'`;
        outgoing.writeHead(status, { "Content-Type": "application/problem+json" });
        outgoing.end(JSON.stringify({ status, title: "Refused", code: "storage_unavailable", detail }));
      });
      return;
    }
    const proxied = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (answer) => {
        if (fault === "lose-answer") {
          answer.resume();
          answer.on("end", () => outgoing.socket?.destroy());
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on("error", () => outgoing.socket?.destroy());
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    imports,
    plan(faults, then = "pass") {
      queue = [...faults];
      rest = then;
      imports.length = 0;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
