import { hasValue, isKeyNotFound } from "./checks";
import type { Workflow } from "./workflow";

/** Milliseconds waited for a 1 s TTL to pass: a little over one second. */
export const TTL_WAIT_MS = 1_200;

/** set with ttl 1 → get 200 → wait → get 404 → exists false. */
export const ttl: Workflow<Record<string, never>> = {
  name: "ttl",
  title: "TTL expiry",
  async run(session) {
    const key = session.key("expiring");
    await session.set("set with ttl 1", key, "short-lived", 1);
    await session.get("get before expiry", key, 200, hasValue("short-lived"));
    await session.sleep(TTL_WAIT_MS);
    await session.get("get after expiry", key, 404, isKeyNotFound);
    await session.exists("exists after expiry", key, false);
    return { details: `Key '${key}' set with ttl 1 was readable, then missing ${TTL_WAIT_MS} ms later`, fields: {} };
  },
};
