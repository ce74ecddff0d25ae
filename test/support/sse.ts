/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/** What a watch stream delivered: events, comment lines, and the `retry` field. */
export interface SseReader {
  events: SseEvent[];
  comments: string[];
  /** The last `id` field seen, with or without an event (what EventSource would send as Last-Event-ID). */
  lastEventId: string | null;
  /** Reads until `done` holds for what arrived (or the stream ends, or `ms` pass); then stops reading. */
  until(done: (events: SseEvent[]) => boolean, ms?: number): Promise<SseEvent[]>;
  /** Stops reading and closes the stream. */
  close(): Promise<void>;
  /** True once the server ended the stream. */
  ended: boolean;
}

/** Reads a `text/event-stream` response as EventSource would parse it. */
export function readSse(response: Response): SseReader {
  if (response.body === null) throw new Error("no event stream");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const state: SseReader = {
    events: [],
    comments: [],
    lastEventId: null,
    ended: false,
    async until(done, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!done(state.events) && !state.ended) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`timed out with ${state.events.length} events: ${JSON.stringify(state.events.slice(-3))}`);
        const chunk = await Promise.race([
          reader.read(),
          new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), left)),
        ]);
        if (chunk === "timeout") continue;
        if (chunk.done) {
          state.ended = true;
          break;
        }
        buffer += chunk.value;
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let id: string | null = null;
          const data: string[] = [];
          let comment = false;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) {
              state.comments.push(line.slice(1).trim());
              comment = true;
            } else if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("id: ")) {
              id = line.slice(4);
              state.lastEventId = id;
            } else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length > 0) state.events.push({ event, id, data: data.join("\n") });
          else if (!comment && event !== "message") state.events.push({ event, id, data: "" });
          end = buffer.indexOf("\n\n");
        }
      }
      return state.events;
    },
    async close() {
      await reader.cancel().catch(() => undefined);
    },
  };
  return state;
}
