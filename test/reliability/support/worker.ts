import { Miniflare } from "miniflare";
import { kvWorkerBundle, ROOT } from "../../../tools/testing/kv-worker-bundle";

/** The KV worker running in workerd, reached over plain HTTP. */
export interface RunningWorker {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:34567`. */
  readonly url: string;
  /** Lines the worker wrote to its log (its `console.log` access lines) since it started. */
  readonly logLines: number;
  /** Stops workerd: the isolate and everything it held in memory are gone. */
  dispose(): Promise<void>;
}

/**
 * Starts the KV worker (src/index.ts bundled by esbuild, wrangler.toml's vars
 * overridden by `bindings`) in workerd through Miniflare, on a direct socket
 * so requests skip Miniflare's entry worker.
 */
export async function startKvWorker(bindings: Record<string, string>): Promise<RunningWorker> {
  const bundle = await kvWorkerBundle();
  let lines = 0;
  const mf = new Miniflare({
    name: "edge-kv",
    modules: [{ type: "ESModule", path: `${ROOT}.reliability-kv-worker.mjs`, contents: bundle.contents }],
    compatibilityDate: bundle.compatibilityDate,
    compatibilityFlags: bundle.compatibilityFlags,
    bindings: { ...bundle.vars, ...bindings },
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (chunk: Buffer) => {
        for (const byte of chunk) if (byte === 0x0a) lines++;
      });
      stderr.resume();
    },
  });
  await mf.ready;
  const url = (await mf.unsafeGetDirectURL()).toString().replace(/\/$/, "");
  return {
    url,
    get logLines() {
      return lines;
    },
    dispose: () => mf.dispose(),
  };
}
