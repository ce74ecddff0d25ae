import { type Config, ConfigError } from "../../config";
import { UpstashGateway } from "./gateway";
import { UpstashStore } from "./store";

/**
 * Opens the Upstash backend from the configuration. Throws a ConfigError
 * naming UPSTASH_REDIS_REST_URL or UPSTASH_REDIS_REST_TOKEN when one is
 * missing or unusable. Opening does no I/O.
 */
export function openUpstashStore(config: Config): UpstashStore {
  const { url, token, timeoutMs } = config.upstash;
  if (url === "") {
    throw new ConfigError(
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_URL is not set; the upstash backend needs it (`wrangler secret put UPSTASH_REDIS_REST_URL`)",
    );
  }
  if (!/^https?:\/\/[^\s/?#]+/.test(url)) {
    throw new ConfigError("UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_URL must be an http(s) URL");
  }
  if (token === "") {
    throw new ConfigError(
      "UPSTASH_REDIS_REST_TOKEN",
      "UPSTASH_REDIS_REST_TOKEN is not set; the upstash backend needs it (`wrangler secret put UPSTASH_REDIS_REST_TOKEN`)",
    );
  }
  try {
    return new UpstashStore(new UpstashGateway({ url, token, timeoutMs }), config.prefix);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError("UPSTASH_REDIS_REST_URL", `The Upstash client refused UPSTASH_REDIS_REST_URL: ${reason}`);
  }
}
