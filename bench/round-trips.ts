import { type BenchRequest, jsonRequest, send, withBearer, withIdempotencyKey } from "./http-request";
import { type CommandCounts, commandsBetween } from "./upstash/command-stats";
import type { UpstashCall } from "./upstash/counting-proxy";

/** One API call whose traffic to Upstash is counted. */
export interface Probe {
  /** Route as the OpenAPI document names it, e.g. "GET /get/{key}". */
  route: string;
  /** What this call does, e.g. "hit". */
  variant: string;
  /** Held to "one HTTP request to Upstash" (single-key calls and batches). */
  mustBeOne: boolean;
  /** Needs the admin token (store-wide operations). */
  admin?: boolean;
  /** A write route that takes an Idempotency-Key: probed again with a fresh key, and retried with it. */
  retryable?: boolean;
  /** How the call uses an Idempotency-Key (none when absent). */
  idempotency?: Idempotency;
  /** Requests that prepare the call (not counted). */
  setup: (key: string) => BenchRequest[];
  call: (key: string) => BenchRequest;
}

/**
 * How a probed call uses an `Idempotency-Key`: not at all, a key of its own,
 * or the key of the same request made just before (a retry, answered from the
 * stored outcome).
 */
export type Idempotency = "none" | "fresh" | "replay";

/** What one API call cost in traffic to Upstash and in Redis work. */
export interface CountedCall {
  route: string;
  call: string;
  status: number;
  mustBeOne: boolean;
  idempotency: Idempotency;
  /** The answer carried `Idempotent-Replayed: true`. */
  replayed: boolean;
  /** The same call without an Idempotency-Key, when this one sends one. */
  withoutKey?: string;
  httpRequests: number;
  /**
   * Requests of the same call in the first pass, on a Redis that may not have
   * the scripts cached yet (a first EVALSHA answers NOSCRIPT and is retried as EVAL).
   */
  firstPassHttpRequests: number;
  /** Upstash endpoint of each request (`/`, `/pipeline`, `/multi-exec`). */
  endpoints: string[];
  /** Redis commands the requests carried, by name (EVALSHA counts once). */
  commandsSent: string[];
  /** Commands redis-server executed, scripts' inner commands included. */
  commandsExecuted: CommandCounts;
}

export interface RoundTripResult {
  calls: CountedCall[];
  /** Routes of /openapi.json that no probe covers. */
  unprobedRoutes: string[];
}

const VALUE = { n: 1, text: "round trip" };
const kv = (key: string) => `/v1/kv/${encodeURIComponent(key)}`;
const compatSet = (key: string) => jsonRequest("POST", "/set", { key, value: VALUE });
const v1Put = (key: string) => jsonRequest("PUT", kv(key), VALUE);
const none = () => [];
const BATCH_SIZE = 100;

function batchOf(key: string): BenchRequest {
  const ops = Array.from({ length: BATCH_SIZE }, (_, i) => {
    const name = `${key}:${i % 20}`;
    switch (i % 5) {
      case 0:
        return { op: "put", key: name, value: VALUE };
      case 1:
        return { op: "incr", key: `${name}:n` };
      case 2:
        return { op: "delete", key: `${name}:gone` };
      default:
        return { op: "get", key: name };
    }
  });
  return jsonRequest("POST", "/v1/batch", { ops });
}

/** 5 `present` checks, then 10 ops (a put of each checked key, an incr of 5 counters), as the bench's txn scenario. */
function txnOf(key: string): BenchRequest {
  const five = [0, 1, 2, 3, 4];
  return jsonRequest("POST", "/v1/txn", {
    checks: five.map((i) => ({ key: `${key}:${i}`, present: true })),
    ops: [
      ...five.map((i) => ({ op: "put", key: `${key}:${i}`, value: VALUE })),
      ...five.map((i) => ({ op: "incr", key: `${key}:n:${i}` })),
    ],
  });
}

/** An import of `lines` keys (NDJSON with the export's header line). */
function importOf(key: string, lines: number): BenchRequest {
  const header = JSON.stringify({ format: "edge-kv/1", revision: 0, exported_at: 0 });
  const body = Array.from({ length: lines }, (_, i) => JSON.stringify({ key: `${key}:${i}`, value: VALUE }));
  return {
    method: "POST",
    path: "/v1/import",
    headers: { "Content-Type": "application/x-ndjson" },
    body: `${[header, ...body].join("\n")}\n`,
  };
}

const IMPORT_LINES = 10;

const PROBES: Probe[] = [
  { route: "GET /", variant: "health", mustBeOne: false, setup: none, call: () => ({ method: "GET", path: "/" }) },
  { route: "POST /set", variant: "new key", mustBeOne: true, retryable: true, setup: none, call: compatSet },
  {
    route: "POST /set",
    variant: "with ttl",
    mustBeOne: true,
    setup: none,
    call: (k) => jsonRequest("POST", "/set", { key: k, value: VALUE, ttl: 60 }),
  },
  {
    route: "GET /get/{key}",
    variant: "hit",
    mustBeOne: true,
    setup: (k) => [compatSet(k)],
    call: (k) => ({ method: "GET", path: `/get/${encodeURIComponent(k)}` }),
  },
  {
    route: "GET /get/{key}",
    variant: "miss",
    mustBeOne: true,
    setup: none,
    call: (k) => ({ method: "GET", path: `/get/${encodeURIComponent(k)}` }),
  },
  {
    route: "DELETE /delete/{key}",
    variant: "existing",
    mustBeOne: true,
    retryable: true,
    setup: (k) => [compatSet(k)],
    call: (k) => ({ method: "DELETE", path: `/delete/${encodeURIComponent(k)}` }),
  },
  {
    route: "GET /exists/{key}",
    variant: "existing",
    mustBeOne: true,
    setup: (k) => [compatSet(k)],
    call: (k) => ({ method: "GET", path: `/exists/${encodeURIComponent(k)}` }),
  },
  { route: "PUT /v1/kv/{key}", variant: "create", mustBeOne: true, retryable: true, setup: none, call: v1Put },
  {
    route: "PUT /v1/kv/{key}",
    variant: "replace, ttl",
    mustBeOne: true,
    setup: (k) => [v1Put(k)],
    call: (k) => jsonRequest("PUT", `${kv(k)}?ttl=60`, VALUE),
  },
  {
    route: "PUT /v1/kv/{key}",
    variant: "If-None-Match: *",
    mustBeOne: true,
    setup: none,
    call: (k) => ({ ...v1Put(k), headers: { "Content-Type": "application/json", "If-None-Match": "*" } }),
  },
  {
    route: "PUT /v1/kv/{key}",
    variant: "If-Match (stale)",
    mustBeOne: true,
    setup: (k) => [v1Put(k)],
    call: (k) => ({ ...v1Put(k), headers: { "Content-Type": "application/json", "If-Match": '"1"' } }),
  },
  {
    route: "PUT /v1/kv/{key}",
    variant: "with metadata",
    mustBeOne: true,
    setup: none,
    call: (k) => ({ ...v1Put(k), headers: { "Content-Type": "application/json", "KV-Metadata": '{"owner":"bench"}' } }),
  },
  {
    route: "GET /v1/kv/{key}",
    variant: "hit",
    mustBeOne: true,
    setup: (k) => [v1Put(k)],
    call: (k) => ({ method: "GET", path: kv(k) }),
  },
  {
    route: "GET /v1/kv/{key}",
    variant: "miss",
    mustBeOne: true,
    setup: none,
    call: (k) => ({ method: "GET", path: kv(k) }),
  },
  {
    route: "HEAD /v1/kv/{key}",
    variant: "hit",
    mustBeOne: true,
    setup: (k) => [v1Put(k)],
    call: (k) => ({ method: "HEAD", path: kv(k) }),
  },
  {
    route: "DELETE /v1/kv/{key}",
    variant: "existing",
    mustBeOne: true,
    retryable: true,
    setup: (k) => [v1Put(k)],
    call: (k) => ({ method: "DELETE", path: kv(k) }),
  },
  {
    route: "PATCH /v1/kv/{key}",
    variant: "set ttl",
    mustBeOne: true,
    retryable: true,
    setup: (k) => [v1Put(k)],
    call: (k) => ({ ...jsonRequest("PUT", kv(k), { ttl: 60 }), method: "PATCH" }),
  },
  {
    route: "POST /v1/kv/{key}/incr",
    variant: "by 5",
    mustBeOne: true,
    retryable: true,
    setup: none,
    call: (k) => jsonRequest("POST", `${kv(k)}/incr`, { by: 5 }),
  },
  {
    route: "GET /v1/kv",
    variant: "prefix, limit 100",
    mustBeOne: true,
    setup: (k) => [v1Put(`${k}:a`), v1Put(`${k}:b`)],
    call: (k) => ({ method: "GET", path: `/v1/kv?prefix=${encodeURIComponent(k)}&limit=100` }),
  },
  {
    route: "POST /v1/batch",
    variant: `${BATCH_SIZE} ops (get, put, delete, incr)`,
    mustBeOne: true,
    retryable: true,
    setup: none,
    call: batchOf,
  },
  {
    route: "POST /v1/txn",
    variant: "5 checks, 10 ops (put, incr)",
    mustBeOne: true,
    retryable: true,
    setup: (k) => [0, 1, 2, 3, 4].map((i) => v1Put(`${k}:${i}`)),
    call: txnOf,
  },
  {
    route: "POST /v1/import",
    variant: `${IMPORT_LINES} lines`,
    mustBeOne: true,
    retryable: true,
    setup: none,
    call: (k) => importOf(k, IMPORT_LINES),
  },
  {
    route: "GET /v1/export",
    variant: "prefix of 2 keys",
    mustBeOne: false,
    setup: (k) => [v1Put(`${k}:a`), v1Put(`${k}:b`)],
    call: (k) => ({ method: "GET", path: `/v1/export?prefix=${encodeURIComponent(k)}` }),
  },
  {
    route: "POST /v1/admin/reindex",
    variant: "store-wide",
    mustBeOne: false,
    admin: true,
    setup: none,
    call: () => ({ method: "POST", path: "/v1/admin/reindex" }),
  },
  {
    route: "GET /openapi.json",
    variant: "document",
    mustBeOne: false,
    setup: none,
    call: () => ({ method: "GET", path: "/openapi.json" }),
  },
  {
    route: "GET /docs",
    variant: "page",
    mustBeOne: false,
    setup: none,
    call: () => ({ method: "GET", path: "/docs" }),
  },
];

/**
 * Every write route that takes an Idempotency-Key, twice more: with a key of
 * its own (each pass's probe key is new, so is the Idempotency-Key), and as a
 * retry of the same request with the same key, made just before (its setup).
 */
export const IDEMPOTENCY_PROBES: Probe[] = PROBES.filter((probe) => probe.retryable).flatMap((probe) => {
  const keyed = (key: string, kind: string) => withIdempotencyKey(probe.call(key), `bench-${kind}:${key}`);
  return [
    {
      ...probe,
      variant: `${probe.variant}; Idempotency-Key`,
      idempotency: "fresh" as const,
      call: (key: string) => keyed(key, "fresh"),
    },
    {
      ...probe,
      variant: `${probe.variant}; retried with its Idempotency-Key`,
      idempotency: "replay" as const,
      setup: (key: string) => [...probe.setup(key), keyed(key, "replay")],
      call: (key: string) => keyed(key, "replay"),
    },
  ];
});

const ALL_PROBES = [...PROBES, ...IDEMPOTENCY_PROBES];

const callName = (probe: Probe) => `${probe.route} (${probe.variant})`;

function routeMissing(status: number, text: string): boolean {
  return status === 405 || (status === 404 && text.includes('"route_not_found"'));
}

/** Routes "METHOD /path" of the worker's OpenAPI document, or [] when it has none yet. */
async function documentedRoutes(origin: string): Promise<string[]> {
  const response = await fetch(`${origin}/openapi.json`);
  if (!response.ok) return [];
  const spec = (await response.json()) as { paths?: Record<string, Record<string, unknown>> };
  const methods = new Set(["get", "put", "post", "delete", "patch", "head"]);
  return Object.entries(spec.paths ?? {}).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => methods.has(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

interface ProbeOutcome {
  status: number;
  text: string;
  replayed: boolean;
  seen: UpstashCall[];
  ran: CommandCounts;
}

async function runProbe(probe: Probe, key: string, options: CountOptions): Promise<ProbeOutcome> {
  const token = probe.admin ? options.adminToken : options.writeToken;
  for (const request of probe.setup(key)) await send(options.origin, withBearer(request, token));
  options.takeCalls();
  const before = await options.readCommandStats();
  const { status, headers, text } = await send(options.origin, withBearer(probe.call(key), token));
  const after = await options.readCommandStats();
  const replayed = headers.get("idempotent-replayed") === "true";
  return { status, text, replayed, seen: options.takeCalls(), ran: commandsBetween(before, after) };
}

interface CountOptions {
  origin: string;
  writeToken: string;
  adminToken: string;
  takeCalls: () => UpstashCall[];
  readCommandStats: () => Promise<CommandCounts>;
}

/**
 * Makes each probe's call to the KV worker whose Upstash URL is the counting
 * proxy, and counts what reached the bridge for that call alone: HTTP
 * requests, the commands they carried, and what Redis executed. Every probe
 * runs twice on fresh keys; the second pass is the steady state reported.
 */
export async function countRoundTrips(options: CountOptions): Promise<RoundTripResult> {
  const calls: CountedCall[] = [];
  const probed = new Set<string>();
  const run = Date.now();
  const firstPass = new Map<Probe, number>();
  for (const [index, probe] of ALL_PROBES.entries()) {
    firstPass.set(probe, (await runProbe(probe, `bench:rt:${run}:first:${index}`, options)).seen.length);
  }
  for (const [index, probe] of ALL_PROBES.entries()) {
    const { status, text, replayed, seen, ran } = await runProbe(probe, `bench:rt:${run}:${index}`, options);
    if (routeMissing(status, text)) continue;
    probed.add(probe.route);
    const idempotency = probe.idempotency ?? "none";
    const plain = PROBES.find((p) => p.route === probe.route && p.retryable);
    calls.push({
      route: probe.route,
      call: callName(probe),
      status,
      mustBeOne: probe.mustBeOne,
      idempotency,
      replayed,
      ...(idempotency !== "none" && plain !== undefined ? { withoutKey: callName(plain) } : {}),
      httpRequests: seen.length,
      firstPassHttpRequests: firstPass.get(probe)!,
      endpoints: seen.map((call) => call.endpoint),
      commandsSent: seen.flatMap((call) => call.names),
      commandsExecuted: ran,
    });
  }
  const unprobedRoutes = (await documentedRoutes(options.origin)).filter((route) => !probed.has(route));
  return { calls, unprobedRoutes };
}
