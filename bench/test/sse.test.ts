import { describe, expect, it } from "vitest";
import { SseParser } from "../watch/sse";

// What GET /v1/watch sends: a retry field, events, a keep-alive comment.
const STREAM =
  "retry: 1000\n\n" +
  'event: put\nid: 7\ndata: {"key":"a","version":7}\n\n' +
  ": keep-alive\n\n" +
  'event: delete\nid: 8\ndata: {"key":"b","version":8}\n\n' +
  "event: reset\nid: 20\ndata: first\ndata: second\n\n";

describe("SseParser", () => {
  it("reads each event whole, however the stream is cut, stamped with the chunk that completed it", () => {
    for (const size of [1, 2, 3, 7, 50, STREAM.length]) {
      const parser = new SseParser();
      const events = [];
      for (let at = 0; at < STREAM.length; at += size) events.push(...parser.feed(STREAM.slice(at, at + size), at));
      expect(events.map(({ event, id, data }) => ({ event, id, data }))).toEqual([
        { event: "put", id: "7", data: '{"key":"a","version":7}' },
        { event: "delete", id: "8", data: '{"key":"b","version":8}' },
        { event: "reset", id: "20", data: "first\nsecond" },
      ]);
      // The put's last byte is its blank line's second newline.
      const putEnd = STREAM.indexOf("\n\n", STREAM.indexOf("event: put")) + 1;
      expect(events[0]?.receivedAt).toBe(Math.floor(putEnd / size) * size);
    }
  });

  it("reads lines ended by CRLF as the same events", () => {
    const events = new SseParser().feed(STREAM.replaceAll("\n", "\r\n"), 0);
    expect(events.map((event) => event.id)).toEqual(["7", "8", "20"]);
  });

  it("keeps an event that has not ended for the next chunk", () => {
    const parser = new SseParser();
    expect(parser.feed('event: put\nid: 1\ndata: {"key":"a"}\n', 1)).toEqual([]);
    expect(parser.feed("\n", 2)).toEqual([{ event: "put", id: "1", data: '{"key":"a"}', receivedAt: 2 }]);
  });
});
