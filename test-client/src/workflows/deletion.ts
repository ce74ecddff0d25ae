import { isKeyNotFound } from "./checks";
import type { Workflow } from "./workflow";

/** set → exists true → delete → exists false → get 404. */
export const deletion: Workflow<Record<string, never>> = {
  name: "deletion",
  title: "Deletion",
  async run(session) {
    const key = session.key("item");
    await session.set("set", key, { stored_by: "edge-kv test client", workflow: "deletion" });
    await session.exists("exists after set", key, true);
    await session.deleteExisting("delete", key);
    await session.exists("exists after delete", key, false);
    await session.get("get after delete", key, 404, isKeyNotFound);
    return {
      details: `Key '${key}' was stored, found, deleted, then reported missing (exists false, get 404)`,
      fields: {},
    };
  },
};
