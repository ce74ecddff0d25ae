/** A bridge in front of a redis-server started for the test run. */
export interface BridgeEndpoint {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token: string;
}

/**
 * What test/global-setup.ts hands to the workers-pool tests through Vitest's
 * `provide`/`inject` (values must be plain JSON).
 */
export interface UpstashTestContext {
  /** The shared bridge (each test uses its own KV_PREFIX); null when redis-server is missing outside CI. */
  bridge: BridgeEndpoint | null;
  /** A second bridge whose redis-server the failure tests stop and start (AOF, fsync always). */
  faultBridge: BridgeEndpoint | null;
  /** Control server of the fault redis-server: POST /redis/stop, /redis/start; /hang/ never answers. */
  controlUrl: string | null;
  /** A URL where nothing listens. */
  deadUrl: string;
  /** Why the Upstash tests are skipped, when `bridge` is null. */
  skipReason: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    upstash: UpstashTestContext;
  }
}
