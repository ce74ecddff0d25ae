// What the "test-client" project's global setup hands to its tests.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake KV server (test/support/liar.ts); append `/<mode>`. */
    liarBaseUrl: string;
    /** A URL where nothing listens. */
    deadUrl: string;
  }
}
