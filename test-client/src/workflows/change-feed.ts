import { CheckError } from "./checks";
import { isObject, preview } from "./json";
import type { Workflow } from "./workflow";

/** One complete Server-Sent Event. */
interface FeedEvent {
  event: string;
  id: string;
  data: string;
}

/** The complete events of an SSE text (an event ends with a blank line); comments and `retry` are left out. */
export function feedEvents(text: string): FeedEvent[] {
  const blocks = text.replace(/\r\n?/g, "\n").split("\n\n");
  blocks.pop(); // not yet ended by a blank line
  const events: FeedEvent[] = [];
  for (const block of blocks) {
    const fields: Record<string, string> = {};
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
    }
    if (fields.data !== undefined)
      events.push({ event: fields.event ?? "message", id: fields.id ?? "", data: fields.data });
  }
  return events;
}

/** The version in an ETag (`"12"` → 12); a CheckError if there is none. */
function versionOf(etag: string | null): number {
  const match = /^(?:W\/)?"([0-9]+)"$/.exec(etag ?? "");
  if (match?.[1] === undefined) throw new CheckError(`expected an ETag holding the version, got ${preview(etag)}`);
  return Number(match[1]);
}

/**
 * set (compatible API) → GET /v1/kv gives its version → GET /v1/watch from just
 * before that version holds a `put` event for the key at that version → delete.
 */
export const changeFeed: Workflow<{ revision: number }> = {
  name: "change_feed",
  title: "Change feed",
  async run(session) {
    const key = session.key("watched");
    await session.set("set", key, { watched: true });
    const path = `/v1/kv/${encodeURIComponent(key)}`;
    const read = await session.call("read its version", { method: "GET", path }, 200, (reply) => {
      versionOf(reply.etag);
    });
    const version = versionOf(read.etag);
    const id = String(version);
    await session.call(
      "feed shows the write",
      {
        method: "GET",
        path: `/v1/watch?prefix=${encodeURIComponent(key)}&since=${version - 1}`,
        readUntil: (text) => feedEvents(text).some((event) => event.id === id),
      },
      200,
      (reply) => {
        if (reply.mediaType !== "text/event-stream") {
          throw new CheckError(`expected Content-Type text/event-stream, got '${reply.mediaType || "none"}'`);
        }
        const events = feedEvents(reply.body);
        const event = events.find((candidate) => candidate.id === id);
        if (event === undefined) {
          throw new CheckError(`no event with id ${id} before the timeout; got ${preview(events)}`);
        }
        const data: unknown = JSON.parse(event.data);
        if (event.event !== "put" || !isObject(data) || data.key !== key || data.version !== version) {
          throw new CheckError(`expected a put of ${preview(key)} at version ${version}, got ${preview(event)}`);
        }
      },
    );
    await session.deleteExisting("delete (cleanup)", key);
    return {
      details: `Key '${key}' set through POST /set appeared in GET /v1/watch as a put at revision ${version}`,
      fields: { revision: version },
    };
  },
};
