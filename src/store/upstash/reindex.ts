import type { LoadedScript, UpstashGateway } from "./gateway";
import type { KeyLayout } from "./layout";
import { arrayReply, integerReply, stringReply } from "./reply";

const SCAN_COUNT = "1000";

/** A SCAN MATCH pattern matching the prefix literally, then anything. */
function globFor(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
}

/**
 * Walks the namespace with SCAN and adds every string key outside the
 * reserved part to the ordered index (keys written by the older services or
 * by redis-cli). One SCAN and at most one script call per page.
 */
export async function reindexNamespace(
  gateway: UpstashGateway,
  script: LoadedScript,
  layout: KeyLayout,
): Promise<number> {
  let cursor = "0";
  let added = 0;
  do {
    const reply = arrayReply(
      await gateway.command(["scan", cursor, "match", globFor(layout.namespace), "count", SCAN_COUNT]),
      "SCAN",
    );
    cursor = stringReply(reply[0], "SCAN cursor");
    const candidates = arrayReply(reply[1], "SCAN keys")
      .map((key) => stringReply(key, "SCAN key"))
      .filter((key) => key.startsWith(layout.namespace) && !key.startsWith(layout.reservedNamespace));
    if (candidates.length > 0) {
      const reply = await gateway.run(
        script,
        [layout.index],
        [layout.namespace, layout.reservedNamespace, ...candidates],
      );
      added += integerReply(reply, "reindex");
    }
  } while (cursor !== "0");
  return added;
}
