import { hasValue, isKeyNotFound } from "./checks";
import type { Workflow } from "./workflow";

/** Seconds the key lives: long enough that a busy machine still reads it before it expires. */
const TTL_SECONDS = 2;

/** Milliseconds waited for the TTL to pass: a little over it. */
export const TTL_WAIT_MS = TTL_SECONDS * 1_000 + 200;

/** set with a 2 s ttl → get 200 → wait → get 404 → exists false. */
export const ttl: Workflow<Record<string, never>> = {
  name: "ttl",
  title: "TTL expiry",
  async run(session) {
    const key = session.key("expiring");
    await session.set(`set with ttl ${TTL_SECONDS}`, key, "short-lived", TTL_SECONDS);
    await session.get("get before expiry", key, 200, hasValue("short-lived"));
    await session.sleep(TTL_WAIT_MS);
    await session.get("get after expiry", key, 404, isKeyNotFound);
    await session.exists("exists after expiry", key, false);
    return {
      details: `Key '${key}' set with ttl ${TTL_SECONDS} was readable, then missing ${TTL_WAIT_MS} ms later`,
      fields: {},
    };
  },
};
