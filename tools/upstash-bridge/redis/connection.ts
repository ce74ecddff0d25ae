import { connect, type Socket } from "node:net";
import { encodeCommand } from "../resp/encode";
import { RespParser } from "../resp/parser";
import type { RespValue } from "../resp/types";
import type { RedisEndpoint } from "./url";

/** Redis could not be reached, or the connection broke mid-request. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

interface Waiting {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/**
 * One RESP2 connection to redis-server. Commands written together are
 * pipelined; replies come back in order. Any socket failure fails every
 * waiting command and closes the connection for good.
 */
export class RedisConnection {
  private readonly waiting: Waiting[] = [];
  private readonly parser = new RespParser();
  private closedBy: Error | null = null;
  private readonly closeListeners: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (error) => this.fail(new RedisUnavailableError(`Redis connection failed: ${error.message}`)));
    socket.on("close", () => this.fail(new RedisUnavailableError("Redis closed the connection")));
  }

  /** Opens a connection (AUTH and SELECT included), failing after `timeoutMs`. */
  static async open(endpoint: RedisEndpoint, timeoutMs: number): Promise<RedisConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: endpoint.host, port: endpoint.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new RedisUnavailableError(`Redis at ${endpoint.host}:${endpoint.port} did not answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(socket);
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(
          new RedisUnavailableError(`Redis at ${endpoint.host}:${endpoint.port} is unreachable: ${error.message}`),
        );
      });
    });
    const connection = new RedisConnection(socket);
    const setup: Buffer[][] = [];
    if (endpoint.password !== null) {
      const auth = endpoint.username === null ? [endpoint.password] : [endpoint.username, endpoint.password];
      setup.push(["AUTH", ...auth].map((arg) => Buffer.from(arg)));
    }
    if (endpoint.db !== 0) setup.push([Buffer.from("SELECT"), Buffer.from(String(endpoint.db))]);
    if (setup.length > 0) {
      const replies = await connection.send(setup);
      const refused = replies.find((reply) => reply.kind === "error");
      if (refused !== undefined && refused.kind === "error") {
        connection.close();
        throw new RedisUnavailableError(`Redis refused the connection setup: ${refused.message}`);
      }
    }
    return connection;
  }

  get closed(): boolean {
    return this.closedBy !== null;
  }

  /** Calls `listener` once when the connection closes. */
  onClose(listener: () => void): void {
    if (this.closedBy !== null) listener();
    else this.closeListeners.push(listener);
  }

  /** Sends the commands in one write; resolves with one reply per command, in order. */
  send(commands: readonly (readonly Buffer[])[]): Promise<RespValue[]> {
    if (this.closedBy !== null) return Promise.reject(this.closedBy);
    const replies = commands.map(
      () => new Promise<RespValue>((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  /** Closes the connection; waiting commands fail. */
  close(): void {
    this.fail(new RedisUnavailableError("Connection closed by the bridge"));
  }

  private receive(chunk: Buffer): void {
    let replies: RespValue[];
    try {
      replies = this.parser.push(chunk);
    } catch (error) {
      this.fail(new RedisUnavailableError(error instanceof Error ? error.message : String(error)));
      return;
    }
    for (const reply of replies) {
      const waiting = this.waiting.shift();
      if (waiting === undefined) {
        this.fail(new RedisUnavailableError("Redis sent a reply nobody asked for"));
        return;
      }
      waiting.resolve(reply);
    }
  }

  private fail(error: Error): void {
    if (this.closedBy !== null) return;
    this.closedBy = error;
    this.socket.destroy();
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
