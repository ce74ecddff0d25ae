import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../tools/testing/free-port";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** A `wrangler dev` started the way a user starts it, on a free port. */
export interface WranglerDev {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What wrangler printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` (which runs wrangler.toml's [build], so the console is
 * built as for a user) with `--var NAME:value` settings, and waits until both
 * the worker (`GET /`) and the static assets (`GET /console/`) answer.
 */
export async function startWranglerDev(vars: Record<string, string>): Promise<WranglerDev> {
  const port = await freePort();
  const inspectorPort = await freePort();
  // Each instance keeps its local state in its own directory: two started at once in the
  // project's .wrangler/state would open one SQLite file together (SQLITE_BUSY at start-up).
  const state = mkdtempSync(join(tmpdir(), "edge-kv-wrangler-state-"));
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)];
  args.push("--persist-to", state);
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  let printed = "";
  const child: ChildProcess = spawn(`${ROOT}node_modules/.bin/wrangler`, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const collect = (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.once("exit", (code, signal) => {
    if (!stopping) console.error(`wrangler dev on port ${port} exited early (${code ?? signal}):\n${printed}`);
  });
  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  const stop = async () => {
    stopping = true;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${printed}`);
    }
    try {
      const [worker, assets] = await Promise.all([fetch(`${url}/`), fetch(`${url}/console/`)]);
      if (worker.ok && assets.ok) return { url, output: () => printed, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer at ${url} within ${READY_TIMEOUT_MS} ms:\n${printed}`);
}
