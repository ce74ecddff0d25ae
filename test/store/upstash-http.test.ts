import { describe } from "vitest";
import { describeCompatApi } from "../http/compat-suite";
import { describeFeatures } from "../http/features-suite";
import { describeV1Api } from "../http/v1-suite";
import { appFetch, type Fetch } from "../support/http";
import { sharedBridge, uniquePrefix, upstashContext, upstashSettings } from "../support/upstash";

// The HTTP suites written for the Map backend, run unchanged against the
// Upstash backend through the bridge to a real redis-server. Each suite run
// gets its own KV_PREFIX; no tokens are configured, so anonymous access is
// allowed explicitly.
const { bridge, skipReason } = upstashContext();
if (bridge === null) console.warn(`upstash HTTP suites skipped: ${skipReason}`);

/** The app on the Upstash backend, in a namespace of its own. */
function upstashApp(settings: Record<string, string> = {}): Fetch {
  return appFetch({
    ...upstashSettings(sharedBridge(), uniquePrefix("http")),
    KV_ALLOW_ANONYMOUS: "true",
    ...settings,
  });
}

describe.skipIf(bridge === null)("HTTP API on the upstash backend", () => {
  describeCompatApi("upstash via bridge", async () => upstashApp());
  describeV1Api("upstash via bridge", async () => upstashApp());
  describeFeatures("upstash via bridge", async (settings) => upstashApp(settings));
});
