import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wranglerSettings } from "../../tools/testing/kv-worker-bundle";
import { buildAsDeployed, buildBareHono, type DeployedBuild } from "../build";
import { type Fleet, startFleet } from "../fleet";
import type { BenchRequest } from "../http-request";
import { allScenarios, type Scenario } from "../scenarios";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;
let fleet: Fleet;
let builds: Record<"kv" | "bareHono" | "bareHonoHeaders", DeployedBuild>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-kv-bench-test-"));
  const kv = await buildAsDeployed(ROOT, join(dir, "worker"));
  const bareHono = await buildBareHono(ROOT, join(dir, "bare-hono"), kv);
  const bareHonoHeaders = await buildBareHono(ROOT, join(dir, "bare-hono-headers"), kv, "headers");
  builds = { kv, bareHono, bareHonoHeaders };
  fleet = await startFleet({ dir, builds, upstash: null });
});

afterAll(async () => {
  await fleet?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Headers that describe the body or the connection, compared as `seen` or not at all. */
const BODY_HEADERS = new Set(["content-type", "content-length", "etag", "date", "connection", "keep-alive"]);

/** An answer's other headers (what edge-kv adds to every answer), a request id by its form. */
function answerHeadersOf(response: Response): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (BODY_HEADERS.has(name)) continue;
    found[name] = name === "x-request-id" && /^[0-9a-f-]{36}$/.test(value) ? "a UUID" : value;
  }
  return found;
}

/** What a client of the scenarios sees of an answer: status, the headers that describe the body, the body. */
async function answer(origin: string, request: BenchRequest) {
  const response = await fetch(origin + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return {
    seen: {
      request: `${request.method} ${request.path}`,
      status: response.status,
      contentType: response.headers.get("content-type"),
      etag: response.headers.get("etag"),
      body: await response.text(),
    },
    answerHeaders: answerHeadersOf(response),
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

    const kv: Awaited<ReturnType<typeof answer>>[] = [];
    const hono: typeof kv = [];
    const honoWithHeaders: typeof kv = [];
    for (const request of requests) {
      kv.push(await answer(fleet.origins["kv-memory"] ?? "", request));
      hono.push(await answer(fleet.origins["bare-hono"] ?? "", request));
      honoWithHeaders.push(await answer(fleet.origins["bare-hono-headers"] ?? "", request));
    }
    const seen = (answers: typeof kv) => answers.map((a) => a.seen);
    expect(seen(hono)).toEqual(seen(kv));
    expect(seen(honoWithHeaders)).toEqual(seen(kv));
    expect(new Set(kv.map((a) => a.seen.status))).toEqual(new Set([200, 201, 404]));
    // edge-kv's answer headers (security headers, a fresh request id): the same on the variant that sends them, none on plain bare Hono.
    expect(kv[0]?.answerHeaders).toMatchObject({ "x-content-type-options": "nosniff", "x-request-id": "a UUID" });
    expect(honoWithHeaders.map((a) => a.answerHeaders)).toEqual(kv.map((a) => a.answerHeaders));
    for (const a of hono) expect(a.answerHeaders).toEqual({});
  });

  it("is bundled as edge-kv is: wrangler.toml's minify and keep_names", async () => {
    const { bundling } = wranglerSettings();
    for (const build of [builds.kv, builds.bareHono, builds.bareHonoHeaders]) {
      expect(build.bundling).toEqual(bundling);
      // esbuild's keepNames helper (it sets a function's "name") is in a bundle only when names are kept.
      const [entry = ""] = build.modules;
      const bundle = await readFile(join(build.outdir, entry), "utf8");
      expect(/"name",\s*\{\s*value\b/.test(bundle)).toBe(bundling.keepNames);
    }
  });

  it("is served only for the scenarios whose routes it has", () => {
    const unserved = allScenarios("token").filter((scenario) => !scenario.onBareHono);
    expect(unserved.map((scenario) => scenario.id)).toEqual(["v1.batch", "v1.txn"]);
    for (const scenario of allScenarios("token").filter((s) => s.bareHonoTarget))
      expect(scenario.onBareHono).toBe(true);
  });
});
