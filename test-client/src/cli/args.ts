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
export const USAGE = `Usage: [KV_TOKEN=<token>] npm run -s smoke -- --url <KV worker URL> [--timeout <ms>] [--json]

Runs the test client's workflows against a KV worker and exits non-zero if any fails.

  --url      Base URL of the KV worker, e.g. http://127.0.0.1:8787 or https://edge-kv.example.workers.dev
  --timeout  Milliseconds each request may take (default: 10000)
  --json     Print the full report as JSON instead of one line per step

The bearer token, when the KV worker needs one, comes from the KV_TOKEN
environment variable only: on the command line npm would print it, and other
users of the machine could read it with ps. Output never contains it.
\`npm run -s\` keeps npm's own lines off stdout, so --json output is JSON alone.

Exit status: 0 all workflows passed, 1 a workflow failed or the worker could not be reached, 2 usage error.`;

/** RFC 6750's b64token, the syntax of the tokens the KV worker accepts. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function readArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      // Declared only to be refused with a clear message (parseSmokeArgs).
      token: { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

/** Parses the command line; `null` means --help. Throws UsageError. */
export function parseSmokeArgs(argv: string[], env: Record<string, string | undefined>): SmokeOptions | null {
  let values: ReturnType<typeof readArgs>["values"];
  try {
    ({ values } = readArgs(argv));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return null;
  if (values.token !== undefined) {
    throw new UsageError("--token is not accepted: put the token in the KV_TOKEN environment variable instead");
  }
  const token = (env.KV_TOKEN ?? "").trim();
  if (token !== "" && !BEARER_TOKEN.test(token)) {
    throw new UsageError("KV_TOKEN is not a bearer token (letters, digits and -._~+/, then optional '=')");
  }
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
  return { url: values.url, token, timeoutMs, json: values.json };
}
