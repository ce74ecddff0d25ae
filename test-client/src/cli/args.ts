import { parseArgs } from "node:util";

/** The smoke command's settings. */
export interface SmokeOptions {
  url: string;
  token: string;
  timeoutMs: number;
  json: boolean;
  /** Writes the report to this file instead of stdout. */
  out?: string;
}

/** The command line was wrong; the message says how. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Usage text for --help and usage errors. */
export const USAGE = `Usage: [KV_TOKEN=<token>] npm run -s smoke -- --url <KV worker URL> [--timeout <ms>] [--json] [--out <file>]

Runs the test client's workflows against a KV worker and exits non-zero if any fails.

  --url      Base URL of the KV worker, e.g. http://127.0.0.1:8787 or https://edge-kv.example.workers.dev
  --timeout  Milliseconds each request may take (default: 10000)
  --json     Print the full report as JSON instead of one line per step
  --out      Write the report to this file instead of stdout

The bearer token, when the KV worker needs one, comes from the KV_TOKEN
environment variable only: on the command line npm would print it, and other
users of the machine could read it with ps. Output never contains it.
\`npm run -s\` keeps npm's own lines off stdout, so --json output is JSON alone; without
-s, --json with stdout redirected is refused (npm's banner would be in the file) unless --out is given.

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
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

/** Parses the command line; `null` means --help. Throws UsageError. */
export function parseSmokeArgs(
  argv: string[],
  env: Record<string, string | undefined>,
  isTty = false,
): SmokeOptions | null {
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
  const token = checkedToken(env.KV_TOKEN ?? "", "KV_TOKEN");
  const url = checkedUrl(values.url);
  const timeoutMs = positiveInteger(values.timeout, "--timeout", 10_000);
  if (values.out !== undefined && values.out === "") throw new UsageError("--out needs a file name");
  if (values.json && values.out === undefined && npmBannerOnStdout(env, isTty, "smoke")) {
    throw new UsageError(
      "npm printed its own lines into stdout ahead of the JSON: run `npm run -s smoke -- ...` or give --out FILE",
    );
  }
  return { url, token, timeoutMs, json: values.json, ...(values.out === undefined ? {} : { out: values.out }) };
}

/** A bearer token from `source` (trimmed; "" when none); throws UsageError, never quoting it, when malformed. */
export function checkedToken(value: string, source: string): string {
  const token = value.trim();
  if (token !== "" && !BEARER_TOKEN.test(token)) {
    throw new UsageError(`${source} is not a bearer token (letters, digits and -._~+/, then optional '=')`);
  }
  return token;
}

/** The --url value, checked to be an absolute http(s) URL. Throws UsageError. */
export function checkedUrl(value: string | undefined): string {
  if (value === undefined) throw new UsageError("--url is required");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got '${value}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--url must use http or https, got '${url.protocol}'`);
  }
  return value;
}

/** A whole number above zero from `flag`'s value, or `fallback` when the flag is absent. Throws UsageError. */
export function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(number) || number <= 0) {
    throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
  }
  return number;
}

/**
 * True when npm has already printed its banner (`> edge-kv@… name` and the command line)
 * into a redirected stdout: `npm run` without `-s` does so before the script starts.
 */
export function npmBannerOnStdout(
  env: Record<string, string | undefined>,
  stdoutIsTty: boolean,
  script: string,
): boolean {
  // npm_lifecycle_event names the script npm runs: a command started by another script (npm test) is not it.
  return (
    env.npm_command === "run" &&
    env.npm_lifecycle_event === script &&
    env.npm_config_loglevel !== "silent" &&
    !stdoutIsTty
  );
}
