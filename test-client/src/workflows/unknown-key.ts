import { isKeyNotFound } from "./checks";
import type { Workflow } from "./workflow";

/** A key no one wrote: get 404, exists false, delete 404. */
export const unknownKey: Workflow<Record<string, never>> = {
  name: "unknown_key",
  title: "Unknown key",
  async run(session) {
    const key = session.key("never-written");
    await session.get("get unknown key", key, 404, isKeyNotFound);
    await session.exists("exists unknown key", key, false);
    await session.delete("delete unknown key", key, 404, isKeyNotFound);
    return { details: `Key '${key}' that was never written: get 404, exists false, delete 404`, fields: {} };
  },
};
