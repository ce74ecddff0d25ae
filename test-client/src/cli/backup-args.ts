import { parseArgs } from "node:util";
import { redactToken } from "../workflows/transport";
import { checkedToken, checkedUrl, npmBannerOnStdout, positiveInteger, UsageError } from "./args";

/** Exit statuses of `npm run export` and `npm run import`. */
export const EXIT = {
  /** Every key exported, or every line imported (or skipped as expired). */
  ok: 0,
  /** Import ran to the end of the file, but the service refused some lines (listed). */
  linesFailed: 1,
  /** The command line was wrong (or the input file is missing); nothing was sent. */
  usage: 2,
  /** Stopped before the end: a request failed, or a line is larger than a request may be. */
  stopped: 3,
} as const;

/** Settings both backup commands share. */
interface Connection {
  url: string;
  token: string;
  timeoutMs: number;
}

/** `npm run export` settings. */
export interface ExportOptions extends Connection {
  prefix: string;
  /** Writes to this file (through FILE.partial, renamed when complete) instead of stdout. */
  out?: string;
}

/** `npm run import` settings. */
export interface ImportOptions extends Connection {
  file: string;
  mode: "upsert" | "create_only";
  fromLine: number;
  maxRequestBytes: number;
  maxRequestLines: number;
  retries: number;
}

/** Bytes per import request by default: below the service's default KV_MAX_IMPORT_BYTES (10 MiB). */
export const DEFAULT_REQUEST_BYTES = 8 * 1024 * 1024;

/** Lines per import request by default: ten storage round trips, well under a Worker's subrequest limit. */
export const DEFAULT_REQUEST_LINES = 1000;

const TOKEN_HELP = `The bearer token comes from --token or, better, the KV_TOKEN environment
variable (npm run without -s prints the command line, and ps shows it to
other users). Output never contains the token.`;

/** Usage of `npm run export`. */
export const EXPORT_USAGE = `Usage: [KV_TOKEN=<token>] npm run -s export -- --url <KV worker URL> [--prefix <p>] [--out <file>] > backup.ndjson

Writes every live key (under --prefix) as NDJSON: a header line, then one line per key.

  --url      Base URL of the KV worker
  --token    Bearer token with read scope (or KV_TOKEN)
  --prefix   Only keys starting with this (default: all)
  --out      Write to this file (through <file>.partial, renamed when complete) instead of stdout
  --timeout  Milliseconds to wait for the answer to start (default: 30000)

${TOKEN_HELP}

Exit status: 0 exported, 2 usage error, 3 stopped (the output is incomplete).`;

/** Usage of `npm run import`. */
export const IMPORT_USAGE = `Usage: [KV_TOKEN=<token>] npm run -s import -- --url <KV worker URL> [options] backup.ndjson

Sends an export's lines to POST /v1/import, a request of at most --max-request-bytes
and --max-request-lines at a time, each with its own Idempotency-Key.

  --url                Base URL of the KV worker
  --token              Bearer token with write scope (or KV_TOKEN)
  --mode               upsert (default) or create_only (a key that exists is a failed line)
  --from-line          Start at this line of the file (default: 1); a stopped import names it
  --max-request-bytes  Body bytes per request (default: ${DEFAULT_REQUEST_BYTES}, below the service's 10 MiB)
  --max-request-lines  Lines per request (default: ${DEFAULT_REQUEST_LINES})
  --retries            Retries of a request that failed in transit or with 5xx (default: 3)
  --timeout            Milliseconds one request may take (default: 60000)

${TOKEN_HELP}

Exit status: 0 all imported, 1 some lines refused (listed), 2 usage error,
3 stopped (the message says --from-line N to resume).`;

/** Runs node:util's parseArgs, turning its errors into UsageError. */
function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function connection(
  values: { url?: string; token?: string; timeout?: string },
  env: Record<string, string | undefined>,
  defaultTimeoutMs: number,
): Connection {
  const token =
    values.token === undefined ? checkedToken(env.KV_TOKEN ?? "", "KV_TOKEN") : checkedToken(values.token, "--token");
  const url = checkedUrl(values.url).replace(/\/+$/, "");
  return { url, token, timeoutMs: positiveInteger(values.timeout, "--timeout", defaultTimeoutMs) };
}

/** Parses `npm run export`'s command line; `null` means --help. Throws UsageError. */
export function parseExportArgs(
  argv: string[],
  env: Record<string, string | undefined>,
  stdoutIsTty: boolean,
): ExportOptions | null {
  const { values } = asUsage(() =>
    parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        prefix: { type: "string" },
        out: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }),
  );
  if (values.help === true) return null;
  const options: ExportOptions = { ...connection(values, env, 30_000), prefix: values.prefix ?? "" };
  if (values.out !== undefined) {
    if (values.out === "") throw new UsageError("--out needs a file name");
    options.out = values.out;
  } else if (npmBannerOnStdout(env, stdoutIsTty, "export")) {
    throw new UsageError(
      "npm printed its own lines into stdout ahead of the backup: run `npm run -s export -- ...` or give --out FILE",
    );
  }
  return options;
}

/** Parses `npm run import`'s command line; `null` means --help. Throws UsageError. */
export function parseImportArgs(argv: string[], env: Record<string, string | undefined>): ImportOptions | null {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        mode: { type: "string" },
        "from-line": { type: "string" },
        "max-request-bytes": { type: "string" },
        "max-request-lines": { type: "string" },
        retries: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help === true) return null;
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError("the file to import is required (the last argument)");
  if (extra.length > 0) throw new UsageError(`one file at a time, got also '${extra.join("', '")}'`);
  const mode = values.mode ?? "upsert";
  if (mode !== "upsert" && mode !== "create_only") {
    throw new UsageError(`--mode must be upsert or create_only, got '${String(mode)}'`);
  }
  const retries = values.retries;
  if (retries !== undefined && !/^[0-9]{1,2}$/.test(retries)) {
    throw new UsageError(`--retries must be a whole number from 0 to 99, got '${retries}'`);
  }
  return {
    ...connection(values, env, 60_000),
    file,
    mode,
    fromLine: positiveInteger(values["from-line"], "--from-line", 1),
    maxRequestBytes: positiveInteger(values["max-request-bytes"], "--max-request-bytes", DEFAULT_REQUEST_BYTES),
    maxRequestLines: positiveInteger(values["max-request-lines"], "--max-request-lines", DEFAULT_REQUEST_LINES),
    retries: retries === undefined ? 3 : Number(retries),
  };
}

/** `text` with every token the command line or KV_TOKEN could hold replaced, for messages of a crash. */
export function redactTokens(text: string, argv: string[], env: Record<string, string | undefined>): string {
  const tokens = [(env.KV_TOKEN ?? "").trim()];
  argv.forEach((arg, index) => {
    if (arg === "--token") tokens.push((argv[index + 1] ?? "").trim());
    else if (arg.startsWith("--token=")) tokens.push(arg.slice("--token=".length).trim());
  });
  return tokens.reduce((redacted, token) => redactToken(redacted, token), text);
}

/**
 * Runs a backup command's `main` as the process: its answer is the exit status;
 * an unexpected error is reported with every token redacted, and stops (3).
 */
export async function runBackupCommand(name: "export" | "import", main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${name}: unexpected error: ${redactTokens(text, process.argv, process.env)}\n`);
    process.exitCode = EXIT.stopped;
  }
}
