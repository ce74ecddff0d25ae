import { hasValue, valueMember } from "./checks";
import type { JsonValue } from "./json";
import type { Workflow } from "./workflow";

/** set → exists → overwrite (another JSON type) → get returns the new value; then delete. */
export const overwrite: Workflow<{ final_value: JsonValue }> = {
  name: "overwrite",
  title: "Overwrite",
  async run(session) {
    // A space and a non-ASCII letter: the key must travel percent-encoded.
    const key = session.key("item ü");
    const replacement = { replaced: true, list: [1, 2, 3] };
    await session.set("set", key, "original value");
    await session.exists("exists after set", key, true);
    await session.set("overwrite", key, replacement);
    const reply = await session.get("get after overwrite", key, 200, hasValue(replacement));
    await session.deleteExisting("delete (cleanup)", key);
    return {
      details: `Key '${key}' was stored, overwritten with an object, and read back with the new value`,
      fields: { final_value: valueMember(reply) },
    };
  },
};
