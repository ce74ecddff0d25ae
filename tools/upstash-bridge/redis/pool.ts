import { RedisConnection, RedisUnavailableError } from "./connection";
import type { RedisEndpoint } from "./url";

/** Sizes and time bounds of a connection pool. */
export interface PoolOptions {
  /** Connections open at most at once; further requests wait for one. */
  maxConnections: number;
  /** Bound on opening one connection. */
  connectTimeoutMs: number;
  /** Bound on one request's use of a connection; past it the connection is dropped. */
  requestTimeoutMs: number;
}

/**
 * Connections to one redis-server, each lent to one request at a time (so two
 * requests' commands never interleave on a connection, MULTI/EXEC included).
 * Broken connections are dropped and replaced on demand: after Redis restarts,
 * the next request simply opens a new one.
 */
export class ConnectionPool {
  private readonly idle: RedisConnection[] = [];
  private readonly waiters: Array<() => void> = [];
  private open = 0;
  private shutDown = false;

  constructor(
    private readonly endpoint: RedisEndpoint,
    private readonly options: PoolOptions,
  ) {}

  /** Runs `work` with a connection of its own, then returns the connection to the pool. */
  async use<T>(work: (connection: RedisConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    const timer = setTimeout(() => connection.close(), this.options.requestTimeoutMs);
    try {
      return await work(connection);
    } finally {
      clearTimeout(timer);
      this.release(connection);
    }
  }

  /** Closes every connection; later requests fail. */
  close(): void {
    this.shutDown = true;
    for (const connection of this.idle.splice(0)) connection.close();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async acquire(): Promise<RedisConnection> {
    for (;;) {
      if (this.shutDown) throw new RedisUnavailableError("The bridge is shutting down");
      const idle = this.idle.pop();
      if (idle !== undefined) {
        if (!idle.closed) return idle;
        continue;
      }
      if (this.open < this.options.maxConnections) return this.connect();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private async connect(): Promise<RedisConnection> {
    this.open++;
    let connection: RedisConnection;
    try {
      connection = await RedisConnection.open(this.endpoint, this.options.connectTimeoutMs);
    } catch (error) {
      this.open--;
      this.wakeOne();
      throw error;
    }
    connection.onClose(() => {
      this.open--;
      const index = this.idle.indexOf(connection);
      if (index !== -1) this.idle.splice(index, 1);
      this.wakeOne();
    });
    return connection;
  }

  private release(connection: RedisConnection): void {
    if (connection.closed) return;
    if (this.shutDown) {
      connection.close();
      return;
    }
    this.idle.push(connection);
    this.wakeOne();
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }
}
