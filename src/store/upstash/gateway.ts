import { Redis } from "@upstash/redis/cloudflare";
import { StorageUnavailableError } from "../../problems";

/** How to reach Upstash (or the local bridge). */
export interface UpstashSettings {
  url: string;
  token: string;
  /** Bound on each HTTP request to Upstash. */
  timeoutMs: number;
  /** A call that takes this long or longer is logged (KV_SLOW_STORAGE_MS). */
  slowMs: number;
}

/** The line a slow storage call writes (one JSON object per line, as the request log). */
export interface SlowStorageCallLine {
  msg: "slow storage call";
  level: "warn";
  /** The Redis command (EVALSHA for every script), never its keys or values. */
  command: string;
  durationMs: number;
  slowMs: number;
  /** True when the call failed or timed out (the request answered 503). */
  failed: boolean;
}

/** A Lua script run with EVALSHA, falling back to EVAL when Redis answers NOSCRIPT. */
export interface LoadedScript {
  exec(keys: string[], args: string[]): Promise<unknown>;
}

const MAX_DETAIL_LENGTH = 200;

/**
 * A short, safe description of a client error: the Upstash client appends the
 * whole command (values included) to its messages, which must not leak into
 * API answers.
 */
function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const commandAt = message.indexOf(", command was:");
  const withoutCommand = commandAt === -1 ? message : message.slice(0, commandAt);
  return withoutCommand.length > MAX_DETAIL_LENGTH ? `${withoutCommand.slice(0, MAX_DETAIL_LENGTH)}…` : withoutCommand;
}

/**
 * The store's only way to Upstash: the unmodified `@upstash/redis` client with
 * raw replies (no automatic deserialization), one HTTP request per call (no
 * auto-pipelining), no retries, and every request bounded in time. Whatever goes
 * wrong (timeout, network failure, HTTP error, Redis error) becomes a
 * StorageUnavailableError.
 */
export class UpstashGateway {
  private readonly redis: Redis;

  constructor(private readonly settings: UpstashSettings) {
    this.redis = new Redis({
      url: settings.url,
      token: settings.token,
      automaticDeserialization: false,
      enableAutoPipelining: false,
      enableTelemetry: false,
      // Replies as plain JSON strings, not base64: everything the store reads
      // back (JSON text, versions, keys) was written by it as UTF-8, and
      // decoding every string of every reply cost more CPU than the call's
      // own JSON (a transaction's reply holds dozens).
      responseEncoding: false,
      // Never resend: a request whose answer was lost may have run, and a write
      // sent twice would apply twice. The caller gets a 503 (outcome unknown).
      // (`retry: false` would still send twice: the client reads it as one retry.)
      retry: { retries: 0 },
      // A function, so that each request gets its own deadline; the client then
      // aborts (throws) instead of faking a result.
      signal: () => AbortSignal.timeout(settings.timeoutMs),
    });
  }

  /** Prepares a script; its SHA-1 is computed once. */
  script(source: string): LoadedScript {
    return this.redis.createScript(source);
  }

  /** One plain Redis command; the raw reply. */
  command(args: [string, ...string[]]): Promise<unknown> {
    return this.call(args[0].toUpperCase(), () => this.redis.exec(args));
  }

  /** One script call (EVALSHA; EVAL once after NOSCRIPT); the raw reply. */
  run(script: LoadedScript, keys: string[], args: string[]): Promise<unknown> {
    return this.call("EVALSHA", () => script.exec(keys, args));
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    let failed = true;
    try {
      const reply = await work();
      failed = false;
      return reply;
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new StorageUnavailableError(
        timedOut
          ? `Upstash did not answer ${what} within ${this.settings.timeoutMs} ms`
          : `Upstash ${what} failed: ${describe(error)}`,
        { cause: error },
      );
    } finally {
      const durationMs = Date.now() - started;
      if (durationMs >= this.settings.slowMs) {
        const line: SlowStorageCallLine = {
          msg: "slow storage call",
          level: "warn",
          command: what,
          durationMs,
          slowMs: this.settings.slowMs,
          failed,
        };
        console.log(JSON.stringify(line));
      }
    }
  }
}
