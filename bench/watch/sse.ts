/** One Server-Sent Event, stamped with when its last byte arrived. */
export interface TimedEvent {
  event: string;
  id: string | null;
  data: string;
  /** performance.now() when the chunk that completed the event was read. */
  receivedAt: number;
}

/**
 * Splits a `text/event-stream` into events as chunks arrive (the fields the
 * worker sends: `event`, `id`, `data`; comment lines and `retry` are skipped).
 * Each event is stamped with the arrival time of the chunk that completed it.
 */
export class SseParser {
  private buffer = "";

  /** Feeds a decoded chunk read at `receivedAt`; returns the events it completed. */
  feed(chunk: string, receivedAt: number): TimedEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const events: TimedEvent[] = [];
    for (let end = this.buffer.indexOf("\n\n"); end !== -1; end = this.buffer.indexOf("\n\n")) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = "message";
      let id: string | null = null;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon === 0) continue;
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "id") id = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0) events.push({ event, id, data: data.join("\n"), receivedAt });
    }
    return events;
  }
}
