import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { jsonWithRaw } from "../http/answers";
import { type AppEnv, headers, query, route } from "../http/route";
import { ApiError } from "../problems";
import { WatchHeaders, WatchQuery } from "../schemas";
import type { Change } from "../store/types";

/** Changes read from the log at a time. */
const PAGE = 500;

/** Milliseconds a browser waits before it reconnects (the SSE `retry` field). */
const RECONNECT_MS = 1000;

function sinceOf(lastEventId: string | undefined, since: number | undefined): number | undefined {
  if (lastEventId === undefined) return since;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(lastEventId.trim())) {
    throw new ApiError("invalid_since", {
      detail: `Last-Event-ID must be a revision (a whole number from 0), got '${lastEventId.slice(0, 40)}'`,
      extras: { header: "Last-Event-ID" },
    });
  }
  return Number(lastEventId);
}

/** The text of one SSE event. */
function sseEvent(event: string, id: string, data: string): string {
  return `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;
}

function changeData(change: Change, values: boolean): string {
  if (change.type === "delete") return JSON.stringify({ key: change.key, version: change.version });
  const raw: Record<string, string> = { metadata: change.metadata ?? "null" };
  if (values) raw.value = change.json ?? "null";
  return jsonWithRaw({ key: change.key, version: change.version, expires_at: change.expiresAt }, raw);
}

/**
 * `GET /v1/watch`: the change feed of a prefix over Server-Sent Events, from
 * any revision the change log still holds, resumable with Last-Event-ID.
 */
export const watchRoutes = new Hono<AppEnv>().get(
  "/v1/watch",
  route({
    scope: "read",
    tag: "v1",
    summary: "Watch the changes of a prefix as Server-Sent Events, from any revision",
    description:
      "One event per change of a key under the prefix, in revision order: `event: put` or `delete`, `id: <revision>`, " +
      'data {"key","version","expires_at","metadata"} (and "value" with values=1). A transaction\'s changes share its ' +
      "revision and arrive together. Resume with Last-Event-ID (EventSource sends it) or since: nothing is skipped or " +
      "repeated. When the log no longer holds the revision asked for, one `event: reset` names the oldest revision it " +
      "holds and the current one; re-read the keys (export or listing) and apply only newer versions. No event is sent " +
      "when a key expires (the put that set its expiry says when). A comment line comes after KV_WATCH_KEEPALIVE_MS " +
      "(default 15 s) without events; on Upstash the stream ends after KV_WATCH_MAX_POLLS reads of the log and the " +
      "client reconnects.",
    responses: { 200: { description: "The event stream", mediaType: "text/event-stream" } },
    errors: ["invalid_since"],
  }),
  query(WatchQuery, { prefix: (q) => q.prefix ?? "" }),
  headers(WatchHeaders, ["invalid_since"]),
  async (c) => {
    const { prefix = "", since, values = false } = c.req.valid("query");
    const store = c.get("store");
    const { watch } = c.get("setup").config;
    const asked = sinceOf(c.req.valid("header")["Last-Event-ID"], since);
    const current = await store.revision();
    if (asked !== undefined && asked > current) {
      throw new ApiError("invalid_since", {
        detail: `Revision ${asked} is ahead of the store's current revision ${current}: it comes from another store, or from a Map backend since restarted`,
        extras: { revision: current },
      });
    }
    let after = asked ?? current;
    // Each read of the Upstash log is a subrequest; the Map backend reads memory.
    const maxPolls = store.backend === "upstash" ? watch.maxPolls : Number.POSITIVE_INFINITY;
    return streamSSE(c, async (stream) => {
      // The start revision as the stream's first id: a client that reconnects before any
      // event arrives resumes from it rather than from whatever is current by then.
      await stream.write(`retry: ${RECONNECT_MS}\nid: ${after}\n\n`);
      let quietSince = Date.now();
      for (let polls = 0; polls < maxPolls && !stream.aborted && !stream.closed; polls++) {
        const page = await store.changes(after, PAGE);
        if (page.trimmedBefore !== null) {
          const data = JSON.stringify({ oldest_revision: page.trimmedBefore, revision: page.revision });
          await stream.write(sseEvent("reset", String(page.revision), data));
          after = page.revision;
          quietSince = Date.now();
          continue;
        }
        // One write per revision: a transaction's events arrive together.
        let text = "";
        for (const [index, change] of page.changes.entries()) {
          if (change.key.startsWith(prefix))
            text += sseEvent(change.type, String(change.revision), changeData(change, values));
          const next = page.changes[index + 1];
          if (next === undefined || next.revision !== change.revision) {
            if (text !== "") {
              await stream.write(text);
              quietSince = Date.now();
            }
            text = "";
            after = change.revision;
          }
        }
        if (Date.now() - quietSince >= watch.keepAliveMs) {
          await stream.write(": keep-alive\n\n");
          quietSince = Date.now();
        }
        if (page.changes.length === 0) await store.waitForChange(after, Math.min(watch.pollMs, watch.keepAliveMs));
      }
    });
  },
);
