import { jsonRequest, send, withBearer } from "../http-request";
import { quantile, round } from "../stats";
import type { UpstashCall } from "../upstash/counting-proxy";
import { SseParser, type TimedEvent } from "./sse";

/** Latency quantiles, ms. */
export interface Quantiles {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What a watcher saw of one backend's writes. */
export interface FeedLatency {
  backend: "memory" | "upstash";
  /** KV_WATCH_POLL_MS the worker ran with (Upstash; the Map backend is woken by the write itself). */
  pollMs: number | null;
  writes: number;
  /** Writes whose event arrived (once each, in revision order, is checked below). */
  delivered: number;
  /** Events of a key seen more than once. */
  repeated: number;
  /** Events that arrived out of revision order. */
  outOfOrder: number;
  /** Times the stream ended and the watcher resumed it with Last-Event-ID. */
  reconnects: number;
  /** Write acknowledged (its answer read) → its event read from the stream. Negative: the event came first. */
  ackToEvent: Quantiles;
  /** Write sent → its event read. */
  sentToEvent: Quantiles;
  /** Write sent → acknowledged. */
  write: Quantiles;
  /** Events that arrived before their write's answer. */
  eventsBeforeAck: number;
  seconds: number;
  /** Upstash only: requests the worker made while one watch sat idle (one per poll), per second. */
  idlePollsPerSecond?: number;
}

/** How one backend's delivery latency is measured. */
export interface FeedLatencyOptions {
  backend: FeedLatency["backend"];
  origin: string;
  token: string;
  /** Keys of this run live under this prefix (the watch's prefix). */
  prefix: string;
  writes: number;
  /** Mean pause between two writes' starts (uniform from 0 to twice this): the writes' phase against the poll is random. */
  meanGapMs: number;
  pollMs: number | null;
  /** Given for the counted Upstash worker: a second with the watch idle measures what polling costs. */
  idle?: { takeCalls: () => UpstashCall[]; seconds: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function quantiles(samples: number[]): Quantiles {
  return {
    p50Ms: round(quantile(samples, 0.5), 3),
    p99Ms: round(quantile(samples, 0.99), 3),
    maxMs: round(quantile(samples, 1), 3),
  };
}

/** A write of the run: when it was sent and acknowledged, and the version it got. */
interface TimedWrite {
  key: string;
  sentAt: number;
  ackedAt: number;
  version: number;
}

/**
 * A watcher on `prefix` from revision `since`, through a real HTTP connection:
 * reads events as they come and, when the worker ends the stream (Upstash ends
 * it after KV_WATCH_MAX_POLLS reads), resumes with Last-Event-ID.
 */
function watcher(options: { origin: string; token: string; prefix: string; since: number }) {
  const events: TimedEvent[] = [];
  const abort = new AbortController();
  let reconnects = 0;
  let lastId = String(options.since);
  let connected: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const run = (async () => {
    for (let attempt = 0; !abort.signal.aborted; attempt++) {
      if (attempt > 0) reconnects++;
      const response = await fetch(`${options.origin}/v1/watch?prefix=${encodeURIComponent(options.prefix)}`, {
        headers: { Authorization: `Bearer ${options.token}`, "Last-Event-ID": lastId },
        signal: abort.signal,
      });
      if (response.status !== 200 || response.body === null) {
        throw new Error(`GET /v1/watch answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      }
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        const receivedAt = performance.now();
        connected();
        for (const event of parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }), receivedAt)) {
          events.push(event);
          if (event.id !== null) lastId = event.id;
        }
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    events,
    ready,
    reconnects: () => reconnects,
    async stop() {
      abort.abort();
      await run;
    },
    /** Rejects if the watcher failed. */
    failed: run,
  };
}

async function timedWrite(origin: string, token: string, key: string, index: number): Promise<TimedWrite> {
  const sentAt = performance.now();
  const { status, text } = await send(
    origin,
    withBearer(jsonRequest("PUT", `/v1/kv/${encodeURIComponent(key)}`, { n: index }), token),
  );
  const ackedAt = performance.now();
  if (status !== 200 && status !== 201) throw new Error(`PUT ${key} answered ${status}: ${text.slice(0, 300)}`);
  return { key, sentAt, ackedAt, version: (JSON.parse(text) as { version: number }).version };
}

/**
 * Measures write acknowledged → event received on one backend: a watcher on a
 * fresh prefix, then `writes` PUTs under it started at random intervals (they
 * may overlap), each matched with its event by key. Bounded: it waits at most
 * two poll intervals and 5 s after the last write for the last events.
 */
export async function measureFeedLatency(options: FeedLatencyOptions): Promise<FeedLatency> {
  const { origin, token, prefix } = options;
  // The revision to watch from: the version of a write just outside the prefix.
  const start = await timedWrite(origin, token, `${prefix.replace(/:$/, "")}-start`, -1);
  const watch = watcher({ origin, token, prefix, since: start.version });
  const begun = performance.now();
  try {
    await Promise.race([watch.ready, watch.failed, sleep(10_000)]);
    let idlePollsPerSecond: number | undefined;
    if (options.idle !== undefined) {
      options.idle.takeCalls();
      await sleep(options.idle.seconds * 1000);
      idlePollsPerSecond = round(options.idle.takeCalls().length / options.idle.seconds, 2);
    }
    const pending: Array<Promise<TimedWrite>> = [];
    for (let i = 0; i < options.writes; i++) {
      await sleep(Math.random() * 2 * options.meanGapMs);
      pending.push(timedWrite(origin, token, `${prefix}${String(i).padStart(6, "0")}`, i));
    }
    const writes = await Promise.all(pending);
    const keys = new Set(writes.map((write) => write.key));
    const deadline = performance.now() + 2 * (options.pollMs ?? 0) + 5_000;
    const seenKeys = () => new Set(watch.events.map((event) => keyOf(event)).filter((key) => keys.has(key))).size;
    while (seenKeys() < keys.size && performance.now() < deadline) await Promise.race([sleep(10), watch.failed]);
    const seconds = (performance.now() - begun) / 1000;
    return summarize(options, writes, watch.events, watch.reconnects(), seconds, idlePollsPerSecond);
  } finally {
    await watch.stop();
  }
}

function keyOf(event: TimedEvent): string {
  try {
    return (JSON.parse(event.data) as { key?: string }).key ?? "";
  } catch {
    return "";
  }
}

function summarize(
  options: FeedLatencyOptions,
  writes: TimedWrite[],
  events: TimedEvent[],
  reconnects: number,
  seconds: number,
  idlePollsPerSecond: number | undefined,
): FeedLatency {
  const firstEvent = new Map<string, TimedEvent>();
  let repeated = 0;
  let outOfOrder = 0;
  let lastRevision = -1;
  for (const event of events) {
    if (event.event !== "put") continue;
    const key = keyOf(event);
    if (firstEvent.has(key)) repeated++;
    else firstEvent.set(key, event);
    const revision = Number(event.id);
    if (revision < lastRevision) outOfOrder++;
    lastRevision = revision;
  }
  const delivered = writes.flatMap((write) => {
    const event = firstEvent.get(write.key);
    return event === undefined ? [] : [{ write, event }];
  });
  const ackToEvent = delivered.map(({ write, event }) => event.receivedAt - write.ackedAt);
  return {
    backend: options.backend,
    pollMs: options.pollMs,
    writes: writes.length,
    delivered: delivered.length,
    repeated,
    outOfOrder,
    reconnects,
    ackToEvent: quantiles(ackToEvent),
    sentToEvent: quantiles(delivered.map(({ write, event }) => event.receivedAt - write.sentAt)),
    write: quantiles(writes.map((write) => write.ackedAt - write.sentAt)),
    eventsBeforeAck: ackToEvent.filter((ms) => ms < 0).length,
    seconds: round(seconds, 1),
    ...(idlePollsPerSecond === undefined ? {} : { idlePollsPerSecond }),
  };
}

/** Delivery latency on each backend the run serves. */
export interface ChangeFeedResult {
  memory: FeedLatency;
  upstash: FeedLatency | null;
}

/**
 * Measures both backends one after the other, each on a prefix of its own:
 * the Map worker (woken by the write itself), then the counted Upstash worker
 * (polling the log every KV_WATCH_POLL_MS; the counting proxy also gives what
 * an idle watch costs in requests).
 */
export async function measureChangeFeed(options: {
  memoryOrigin: string;
  upstash: { origin: string; takeCalls: () => UpstashCall[]; pollMs: number } | null;
  token: string;
  writes: number;
  idleSeconds: number;
}): Promise<ChangeFeedResult> {
  const run = Date.now();
  const memory = await measureFeedLatency({
    backend: "memory",
    origin: options.memoryOrigin,
    token: options.token,
    prefix: `bench:watch:${run}:memory:`,
    writes: options.writes,
    meanGapMs: 10,
    pollMs: null,
  });
  const { upstash } = options;
  if (upstash === null) return { memory, upstash: null };
  return {
    memory,
    upstash: await measureFeedLatency({
      backend: "upstash",
      origin: upstash.origin,
      token: options.token,
      prefix: `bench:watch:${run}:upstash:`,
      writes: options.writes,
      // About ten writes per poll interval.
      meanGapMs: upstash.pollMs / 10,
      pollMs: upstash.pollMs,
      idle: { takeCalls: upstash.takeCalls, seconds: options.idleSeconds },
    }),
  };
}
