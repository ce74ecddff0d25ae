import { parseArgs } from "node:util";

/** The smoke command's settings. */
export interface SmokeOptions {
  url: string;
  token: string;
  timeoutMs: number;
  json: boolean;
}

/** The command line was wrong; the message says how. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Usage text for --help and usage errors. */
export const USAGE = `Usage: npm run smoke -- --url <KV worker URL> [--token <token>] [--timeout <ms>] [--json]

Runs the test client's workflows against a KV worker and exits non-zero if any fails.

  --url      Base URL of the KV worker, e.g. http://127.0.0.1:8787 or https://edge-kv.example.workers.dev
  --token    Bearer token sent to the KV worker (default: the KV_TOKEN environment variable)
  --timeout  Milliseconds each request may take (default: 10000)
  --json     Print the full report as JSON instead of one line per step

Exit status: 0 all workflows passed, 1 a workflow failed or the worker could not be reached, 2 usage error.`;

/** Parses the command line; `null` means --help. Throws UsageError. */
export function parseSmokeArgs(argv: string[], env: Record<string, string | undefined>): SmokeOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return null;
  if (values.url === undefined) throw new UsageError("--url is required");
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got '${values.url}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--url must use http or https, got '${url.protocol}'`);
  }
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(`--timeout must be a positive whole number of milliseconds, got '${values.timeout}'`);
  }
  return { url: values.url, token: values.token ?? env.KV_TOKEN ?? "", timeoutMs, json: values.json };
}
