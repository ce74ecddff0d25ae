import { Redis } from "@upstash/redis/cloudflare";
import { bounded } from "./bounded";

/** How to reach Upstash (or the local bridge). */
export interface UpstashSettings {
  url: string;
  token: string;
  /** Bound on one store call, the EVAL fallback included. */
  timeoutMs: number;
}

/** A Lua script run with EVALSHA, falling back to EVAL when Redis answers NOSCRIPT. */
export interface LoadedScript {
  exec(keys: string[], args: string[]): Promise<unknown>;
}

/**
 * The store's only way to Upstash: the unmodified `@upstash/redis` client with
 * raw replies (no automatic deserialization), one HTTP request per call (no
 * auto-pipelining), no retries, and every call bounded in time.
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
      // Never resend: a request whose answer was lost may have run, and a write
      // sent twice would apply twice. The caller gets a 503 (outcome unknown).
      // (`retry: false` would still send twice: the client reads it as one retry.)
      retry: { retries: 0, backoff: () => 0 },
      // A function: the client then aborts (throws) instead of faking a result.
      signal: () => AbortSignal.timeout(settings.timeoutMs),
    });
  }

  /** Prepares a script; its SHA-1 is computed once. */
  script(source: string): LoadedScript {
    return this.redis.createScript(source);
  }

  /** One plain Redis command; the raw reply. */
  command(args: [string, ...string[]]): Promise<unknown> {
    return bounded(args[0].toUpperCase(), this.settings.timeoutMs, () => this.redis.exec(args));
  }

  /** One script call (EVALSHA; EVAL once after NOSCRIPT); the raw reply. */
  run(script: LoadedScript, keys: string[], args: string[]): Promise<unknown> {
    return bounded("EVALSHA", this.settings.timeoutMs, () => script.exec(keys, args));
  }
}
