/**
 * A minimal Chrome DevTools Protocol client over WebSocket, enough to drive
 * V8's Profiler through workerd's inspector. Needs a global WebSocket: Node
 * 22+, or Node 20 with --experimental-websocket.
 */
export class CdpSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
    });
  }

  /** Opens a session on a debugger URL such as ws://127.0.0.1:9229/kv-memory. */
  static async connect(url: string): Promise<CdpSession> {
    if (typeof WebSocket === "undefined") {
      throw new Error(
        "profiling needs a global WebSocket: use Node 22+, or NODE_OPTIONS=--experimental-websocket on Node 20",
      );
    }
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`cannot open the inspector at ${url}`)), { once: true });
    });
    return new CdpSession(socket);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
  }

  close(): void {
    this.socket.close();
  }
}
