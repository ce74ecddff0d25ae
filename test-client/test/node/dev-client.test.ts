import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort, startGroup, stopGroup } from "../support/processes";

// `npm run dev:client` (which first makes sure .dev.vars chooses a backend, the Map
// backend by default, then runs `wrangler dev -c test-client/wrangler.toml -c wrangler.toml`)
// runs here as a user runs it, on a free port instead of 8788.
let dev: ChildProcess;
let base: string;
let output = "";

async function waitUntilReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) throw new Error(`wrangler dev exited with ${dev.exitCode}:\n${output}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer at ${url} in time:\n${output}`);
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const args = ["run", "dev:client", "--", "--port", String(port)];
  dev = startGroup("npm", args, (text) => (output += text));
  await waitUntilReady(`${base}/`, Date.now() + 45_000);
}, 60_000);

afterAll(async () => {
  if (dev !== undefined) await stopGroup(dev);
});

it("serves the test client, which reaches the KV worker over the binding", async () => {
  const response = await fetch(`${base}/test_all`);
  const body = (await response.json()) as { message: string; target: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body).toMatchObject({ message: "All 8 workflows passed", target: "service binding KV" });
});

it("passes six concurrent /test_overwrite runs", async () => {
  const responses = await Promise.all(Array.from({ length: 6 }, () => fetch(`${base}/test_overwrite`)));
  const bodies = (await Promise.all(responses.map((r) => r.json()))) as { message: string }[];
  expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  expect(bodies.every((b) => b.message === "Overwrite test passed")).toBe(true);
});
