import { type BenchRequest, jsonRequest, send, withBearer } from "./http-request";
import { type CommandCounts, commandsBetween } from "./upstash/command-stats";
import type { UpstashCall } from "./upstash/counting-proxy";

/** One API call whose traffic to Upstash is counted. */
interface Probe {
  /** Route as the OpenAPI document names it, e.g. "GET /get/{key}". */
  route: string;
  /** What this call does, e.g. "hit". */
  variant: string;
  /** Held to "one HTTP request to Upstash" (single-key calls and batches). */
  mustBeOne: boolean;
  /** Needs the admin token (store-wide operations). */
  admin?: boolean;
  /** Requests that prepare the call (not counted). */
  setup: (key: string) => BenchRequest[];
  call: (key: string) => BenchRequest;
}

/** What one API call cost in traffic to Upstash and in Redis work. */
export interface CountedCall {
  route: string;
  call: string;
  status: number;
  mustBeOne: boolean;
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

const PROBES: Probe[] = [
  { route: "GET /", variant: "health", mustBeOne: false, setup: none, call: () => ({ method: "GET", path: "/" }) },
  { route: "POST /set", variant: "new key", mustBeOne: true, setup: none, call: compatSet },
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
  { route: "PUT /v1/kv/{key}", variant: "create", mustBeOne: true, setup: none, call: v1Put },
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
    setup: (k) => [v1Put(k)],
    call: (k) => ({ method: "DELETE", path: kv(k) }),
  },
  {
    route: "PATCH /v1/kv/{key}",
    variant: "set ttl",
    mustBeOne: true,
    setup: (k) => [v1Put(k)],
    call: (k) => ({ ...jsonRequest("PUT", kv(k), { ttl: 60 }), method: "PATCH" }),
  },
  {
    route: "POST /v1/kv/{key}/incr",
    variant: "by 5",
    mustBeOne: true,
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
    setup: none,
    call: batchOf,
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
  seen: UpstashCall[];
  ran: CommandCounts;
}

async function runProbe(probe: Probe, key: string, options: CountOptions): Promise<ProbeOutcome> {
  const token = probe.admin ? options.adminToken : options.writeToken;
  for (const request of probe.setup(key)) await send(options.origin, withBearer(request, token));
  options.takeCalls();
  const before = await options.readCommandStats();
  const { status, text } = await send(options.origin, withBearer(probe.call(key), token));
  const after = await options.readCommandStats();
  return { status, text, seen: options.takeCalls(), ran: commandsBetween(before, after) };
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
  for (const [index, probe] of PROBES.entries()) {
    firstPass.set(probe, (await runProbe(probe, `bench:rt:${run}:first:${index}`, options)).seen.length);
  }
  for (const [index, probe] of PROBES.entries()) {
    const { status, text, seen, ran } = await runProbe(probe, `bench:rt:${run}:${index}`, options);
    if (routeMissing(status, text)) continue;
    probed.add(probe.route);
    calls.push({
      route: probe.route,
      call: `${probe.route} (${probe.variant})`,
      status,
      mustBeOne: probe.mustBeOne,
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
