import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceSlices } from "../cold-start/perfetto";
import { type StartupPhases, startupPhases } from "../cold-start/phases";
import { workerdConfigText } from "../workerd/capnp-config";
import { startWorkerd } from "../workerd/serve";

// A worker whose top level spins a known time (workerd's clock advances at top
// level, outside any request) and whose first request computes for a while:
// the phases read from workerd's trace must put each where it belongs.
const SPIN_MS = 60;
const CALIBRATION_WORKER = `
const begun = Date.now();
while (Date.now() - begun < ${SPIN_MS});
const evaluatedMs = Date.now() - begun;
export default {
  async fetch() {
    let sum = 0;
    for (let i = 0; i < 2e7; i++) sum += i % 7;
    return Response.json({ evaluatedMs, sum });
  },
};
`;

let dir: string;
let phases: StartupPhases;
let evaluatedMs: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-kv-cold-start-test-"));
  await writeFile(join(dir, "spin.js"), CALIBRATION_WORKER);
  const configPath = join(dir, "workerd.capnp");
  await writeFile(
    configPath,
    workerdConfigText([
      {
        name: "spin",
        modules: [{ name: "spin.js", path: "spin.js" }],
        compatibilityDate: "2026-04-01",
        compatibilityFlags: [],
        textBindings: {},
      },
    ]),
  );
  const trace = join(dir, "trace.pftrace");
  const workerd = await startWorkerd({ configPath, socketNames: ["spin"], perfettoTrace: trace });
  try {
    const response = await fetch(`http://127.0.0.1:${workerd.ports.get("spin")}/`);
    ({ evaluatedMs } = (await response.json()) as { evaluatedMs: number });
  } finally {
    await workerd.stop();
  }
  phases = startupPhases(traceSlices(new Uint8Array(await readFile(trace))));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe("start-up phases from workerd's Perfetto trace", () => {
  it("times the module's top-level evaluation as the module itself saw it", () => {
    expect(evaluatedMs).toBeGreaterThanOrEqual(SPIN_MS);
    expect(phases.evaluateMs).not.toBeNull();
    // The trace has µs resolution, Date.now() ms: within 3 ms of each other.
    expect(Math.abs((phases.evaluateMs ?? 0) - evaluatedMs)).toBeLessThan(3);
  });

  it("puts the evaluation inside the isolate's start, beside the compile step", () => {
    const { makeWorkerMs, compileMs, evaluateMs } = phases;
    expect(compileMs).not.toBeNull();
    expect(makeWorkerMs).toBeGreaterThan((compileMs ?? 0) + (evaluateMs ?? 0));
  });

  it("keeps the first request's work out of the evaluation and in the first request", () => {
    expect(phases.firstRequestMs).toBeGreaterThan(2);
    expect(phases.evaluateMs).toBeLessThan(evaluatedMs + 3);
  });
});
