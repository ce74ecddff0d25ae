import { hasValue } from "./checks";
import type { Workflow } from "./workflow";

/** A stored `null` reads back as 200 `{"value": null}` and exists; it is not "missing". */
export const nullValue: Workflow<Record<string, never>> = {
  name: "null_value",
  title: "Null value",
  async run(session) {
    const key = session.key("null");
    await session.set("set null", key, null);
    await session.get("get null", key, 200, hasValue(null));
    await session.exists("exists with null value", key, true);
    await session.deleteExisting("delete", key);
    return { details: `Key '${key}' holding null read back as {"value":null} and existed`, fields: {} };
  },
};
