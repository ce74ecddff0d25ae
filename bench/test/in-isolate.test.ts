import { expect, it } from "vitest";
import { measureInIsolate } from "../in-isolate/run";

it("measures edge-kv and bare Hono, each in its own isolate, on the four Map scenarios, every answer as the scenario expects", async () => {
  // An answer with a status the scenario does not expect fails the run (the isolate answers 500).
  const figures = await measureInIsolate({ count: 50, rounds: 1, only: [] });
  expect(figures.map((figure) => figure.scenario)).toEqual([
    "GET /get/{key} (hit)",
    "POST /set",
    "GET /v1/kv/{key} (hit)",
    "PUT /v1/kv/{key}",
  ]);
  // Timings are not asserted (the machine is shared): only that each was taken.
  for (const figure of figures) {
    expect([figure.loopUs, figure.bareHonoUs, figure.kvUs].every(Number.isFinite)).toBe(true);
  }
});
