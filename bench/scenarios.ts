import { type BenchRequest, jsonRequest, withBearer } from "./http-request";

/** Which of the worker's APIs a scenario drives. */
export type ApiFamily = "compat" | "v1";

/** One benchmarked workload: what each connection sends, in a loop. */
export interface Scenario {
  id: string;
  /** What a reader of the table sees. */
  title: string;
  api: ApiFamily;
  /** Sent once, in order, before any measuring (creates the keys that are read). */
  seed: BenchRequest[];
  /** Each connection sends these in order, over and over. */
  cycle: BenchRequest[];
  /** Every response must have one of these statuses. */
  expectedStatuses: number[];
  /** Served by the bare Hono reference too (its four routes: compat GET and SET, v1 GET and PUT). */
  onBareHono: boolean;
  /** Held to "Map backend at or above 0.90× bare Hono" (the GET and SET targets). */
  bareHonoTarget: boolean;
}

/** Keys read by the hit scenarios; the cycle walks through all of them. */
const KEY_COUNT = 100;
/** A small, typical JSON value (about 80 bytes of JSON). */
const VALUE = { user: "u-1234", plan: "pro", quota: 5000, tags: ["alpha", "beta"], active: true };
const BATCH_SIZE = 100;
/** A transaction: this many `present` checks, and twice as many ops (a put on each checked key, an incr of as many counters). */
const TXN_CHECKS = 5;
/** The scenario held to issue 14's target (a txn of 10 ops on Upstash ≤ 1.25× the direct client's same script). */
export const TXN_SCENARIO_ID = "v1.txn";
/** Of every 10 requests in a mixed cycle, these positions write (80/20 read/write). */
const MIXED_WRITE_POSITIONS = new Set([4, 9]);

const indexes = (count: number) => Array.from({ length: count }, (_, i) => i);
const hitKey = (i: number) => `bench:hit:${i}`;
const missKey = (i: number) => `bench:miss:${i}`;
const writeKey = (i: number) => `bench:write:${i}`;
const path = (prefix: string, key: string) => prefix + encodeURIComponent(key);

const compatGet = (key: string): BenchRequest => ({ method: "GET", path: path("/get/", key) });
const compatSet = (key: string) => jsonRequest("POST", "/set", { key, value: VALUE });
const v1Get = (key: string): BenchRequest => ({ method: "GET", path: path("/v1/kv/", key) });
const v1Put = (key: string) => jsonRequest("PUT", path("/v1/kv/", key), VALUE);

/** 80/20: eight reads of existing keys, then two writes (that keep them existing), per ten. */
function mixedCycle(read: (key: string) => BenchRequest, write: (key: string) => BenchRequest): BenchRequest[] {
  return indexes(KEY_COUNT).map((i) => (MIXED_WRITE_POSITIONS.has(i % 10) ? write(hitKey(i)) : read(hitKey(i))));
}

function batchBody(offset: number) {
  return {
    ops: indexes(BATCH_SIZE).map((i) =>
      MIXED_WRITE_POSITIONS.has(i % 10)
        ? { op: "put", key: writeKey((offset + i) % KEY_COUNT), value: VALUE }
        : { op: "get", key: hitKey((offset + i) % KEY_COUNT) },
    ),
  };
}

const txnPutKey = (group: number, i: number) => `bench:txn:${group}:put:${i}`;
const txnCounterKey = (group: number, i: number) => `bench:txn:${group}:n:${i}`;

/**
 * One transaction of the txn cycle: every check holds (the put keys are
 * seeded and never deleted), so each run does the whole work, as a replay of
 * its script with the same arguments does too.
 */
export function txnBody(group: number) {
  return {
    checks: indexes(TXN_CHECKS).map((i) => ({ key: txnPutKey(group, i), present: true })),
    ops: [
      ...indexes(TXN_CHECKS).map((i) => ({ op: "put", key: txnPutKey(group, i), value: VALUE })),
      ...indexes(TXN_CHECKS).map((i) => ({ op: "incr", key: txnCounterKey(group, i) })),
    ],
  };
}

/** Groups of keys the txn cycle goes through (each request its own group). */
const TXN_GROUPS = 10;

function compatScenarios(): Scenario[] {
  const seed = indexes(KEY_COUNT).map((i) => compatSet(hitKey(i)));
  return [
    {
      id: "compat.get-hit",
      title: "GET /get/{key} (hit)",
      api: "compat",
      seed,
      cycle: indexes(KEY_COUNT).map((i) => compatGet(hitKey(i))),
      expectedStatuses: [200],
      onBareHono: true,
      bareHonoTarget: true,
    },
    {
      id: "compat.get-miss",
      title: "GET /get/{key} (miss, 404)",
      api: "compat",
      seed: [],
      cycle: indexes(KEY_COUNT).map((i) => compatGet(missKey(i))),
      expectedStatuses: [404],
      onBareHono: true,
      bareHonoTarget: false,
    },
    {
      id: "compat.set",
      title: "POST /set",
      api: "compat",
      seed: [],
      cycle: indexes(KEY_COUNT).map((i) => compatSet(writeKey(i))),
      expectedStatuses: [200],
      onBareHono: true,
      bareHonoTarget: true,
    },
    {
      id: "compat.mixed",
      title: "80% GET /get + 20% POST /set",
      api: "compat",
      seed,
      cycle: mixedCycle(compatGet, compatSet),
      expectedStatuses: [200],
      onBareHono: true,
      bareHonoTarget: false,
    },
  ];
}

function v1Scenarios(): Scenario[] {
  const seed = indexes(KEY_COUNT).map((i) => v1Put(hitKey(i)));
  return [
    {
      id: "v1.get-hit",
      title: "GET /v1/kv/{key} (hit)",
      api: "v1",
      seed,
      cycle: indexes(KEY_COUNT).map((i) => v1Get(hitKey(i))),
      expectedStatuses: [200],
      onBareHono: true,
      bareHonoTarget: true,
    },
    {
      id: "v1.get-miss",
      title: "GET /v1/kv/{key} (miss, 404)",
      api: "v1",
      seed: [],
      cycle: indexes(KEY_COUNT).map((i) => v1Get(missKey(i))),
      expectedStatuses: [404],
      onBareHono: true,
      bareHonoTarget: false,
    },
    {
      id: "v1.put",
      title: "PUT /v1/kv/{key}",
      api: "v1",
      seed: [],
      cycle: indexes(KEY_COUNT).map((i) => v1Put(writeKey(i))),
      expectedStatuses: [200, 201],
      onBareHono: true,
      bareHonoTarget: true,
    },
    {
      id: "v1.mixed",
      title: "80% GET + 20% PUT /v1/kv/{key}",
      api: "v1",
      seed,
      cycle: mixedCycle(v1Get, v1Put),
      expectedStatuses: [200],
      onBareHono: true,
      bareHonoTarget: false,
    },
    {
      id: "v1.batch",
      title: `POST /v1/batch (${BATCH_SIZE} ops: 80 get, 20 put)`,
      api: "v1",
      seed,
      cycle: indexes(10).map((i) => jsonRequest("POST", "/v1/batch", batchBody(i * 10))),
      expectedStatuses: [200],
      onBareHono: false,
      bareHonoTarget: false,
    },
    {
      id: TXN_SCENARIO_ID,
      title: `POST /v1/txn (${TXN_CHECKS} checks, ${2 * TXN_CHECKS} ops: ${TXN_CHECKS} put, ${TXN_CHECKS} incr)`,
      api: "v1",
      seed: indexes(TXN_GROUPS).flatMap((group) => indexes(TXN_CHECKS).map((i) => v1Put(txnPutKey(group, i)))),
      cycle: indexes(TXN_GROUPS).map((group) => jsonRequest("POST", "/v1/txn", txnBody(group))),
      expectedStatuses: [200],
      onBareHono: false,
      bareHonoTarget: false,
    },
  ];
}

/**
 * Every scenario, compatible API first, each request authenticated with
 * `token` (a write token, which reads too), as production callers are.
 */
export function allScenarios(token: string): Scenario[] {
  const authenticated = (requests: BenchRequest[]) => requests.map((request) => withBearer(request, token));
  return [...compatScenarios(), ...v1Scenarios()].map((scenario) => ({
    ...scenario,
    seed: authenticated(scenario.seed),
    cycle: authenticated(scenario.cycle),
  }));
}
