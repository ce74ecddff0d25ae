import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAsDeployed, buildBareHono } from "../build";
import { type Fleet, startFleet } from "../fleet";
import type { BenchRequest } from "../http-request";
import { allScenarios, type Scenario } from "../scenarios";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;
let fleet: Fleet;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-kv-bench-test-"));
  const kv = await buildAsDeployed(ROOT, join(dir, "worker"));
  const bareHono = await buildBareHono(ROOT, join(dir, "bare-hono"), kv);
  fleet = await startFleet({ dir, builds: { kv, bareHono }, upstash: null });
});

afterAll(async () => {
  await fleet?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** What a client of the scenarios sees of an answer: status, the headers that describe the body, the body. */
async function answer(origin: string, request: BenchRequest) {
  const response = await fetch(origin + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return {
    request: `${request.method} ${request.path}`,
    status: response.status,
    contentType: response.headers.get("content-type"),
    etag: response.headers.get("etag"),
    body: await response.text(),
  };
}

describe("bare Hono reference", () => {
  it("answers every request of the Map scenarios it serves exactly as edge-kv does", async () => {
    const scenarios = allScenarios(fleet.tokens.write);
    const scenario = (id: string): Scenario => {
      const found = scenarios.find((candidate) => candidate.id === id);
      if (found === undefined) throw new Error(`no scenario ${id}`);
      return found;
    };
    // One request of each kind, in an order that makes both statuses of PUT (201 create, 200 replace) appear.
    const requests = [
      scenario("compat.set").cycle[0],
      scenario("compat.get-hit").seed[0],
      scenario("compat.get-hit").cycle[0],
      scenario("compat.get-miss").cycle[0],
      scenario("v1.put").cycle[0],
      scenario("v1.put").cycle[1],
      scenario("v1.get-hit").seed[0],
      scenario("v1.get-hit").cycle[0],
      scenario("v1.get-miss").cycle[0],
    ].filter((request): request is BenchRequest => request !== undefined);
    expect(requests).toHaveLength(9);

    const kv = [];
    const hono = [];
    for (const request of requests) {
      kv.push(await answer(fleet.origins["kv-memory"] ?? "", request));
      hono.push(await answer(fleet.origins["bare-hono"] ?? "", request));
    }
    expect(hono).toEqual(kv);
    expect(new Set(kv.map((a) => a.status))).toEqual(new Set([200, 201, 404]));
  });

  it("is served only for the scenarios whose routes it has", () => {
    const unserved = allScenarios("token").filter((scenario) => !scenario.onBareHono);
    expect(unserved.map((scenario) => scenario.id)).toEqual(["v1.batch", "v1.txn"]);
    for (const scenario of allScenarios("token").filter((s) => s.bareHonoTarget))
      expect(scenario.onBareHono).toBe(true);
  });
});
