/** The test client's bindings (test-client/wrangler.toml). */
export interface ClientEnv {
  /** Service binding to the KV worker (`edge-kv`). */
  KV: Pick<Fetcher, "fetch">;
  /** Base URL of a KV worker to test over HTTP(S) instead of the binding; empty for the binding. */
  KV_URL?: string;
  /** Secret sent as `Authorization: Bearer <KV_TOKEN>` on every KV request; empty for none. */
  KV_TOKEN?: string;
}
