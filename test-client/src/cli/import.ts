import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { UsageError } from "./args";
import { EXIT, IMPORT_USAGE, type ImportOptions, parseImportArgs, runBackupCommand } from "./backup-args";
import { authHeaders, failedAnswer, networkFailure, RequestFailed } from "./backup-http";
import { isBlank, ndjsonLines } from "./ndjson-lines";
import { keysPerSecond, type Progress, startProgress } from "./progress";

/** The format an export's first line names. */
const FORMAT = "edge-kv/1";

/** Failed lines kept to print at the end; beyond that they are only counted. */
const PRINTED_FAILURES = 1000;

/** Longest wait before a retry, whatever Retry-After says. */
const MAX_RETRY_WAIT_MS = 10_000;

/** Lines gathered for one POST /v1/import. */
interface Request {
  lines: Buffer[];
  /** The file line number of each of `lines`. */
  fileLines: number[];
  /** Body bytes: the lines and a newline after each. */
  bytes: number;
  /** File bytes read up to the end of the last line (for progress). */
  endPosition: number;
}

/** What the service answers an import request. */
interface ImportAnswer {
  imported: number;
  skipped: number;
  failed: { line: number; code: string; detail: string }[];
  failed_not_listed: number;
}

/** The import stopped before the end of the file; `line` is where to resume. */
class Stopped extends Error {
  override readonly name = "Stopped";
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
  }
}

function isImportAnswer(body: unknown): body is ImportAnswer {
  if (typeof body !== "object" || body === null) return false;
  const answer = body as Record<string, unknown>;
  return (
    typeof answer.imported === "number" &&
    typeof answer.skipped === "number" &&
    Array.isArray(answer.failed) &&
    typeof answer.failed_not_listed === "number"
  );
}

/** A first line that is an export's header (skipped), or null when line 1 is data. */
function headerFormat(line: Buffer): string | null {
  try {
    const data: unknown = JSON.parse(line.toString("utf8"));
    if (typeof data === "object" && data !== null && !Array.isArray(data) && "format" in data) {
      return String(data.format);
    }
  } catch {
    // Not JSON: a data line, which the service will report.
  }
  return null;
}

/** Sends an export's lines to POST /v1/import a request at a time and keeps the score. */
class Importer {
  imported = 0;
  skipped = 0;
  failed = 0;
  readonly failures: string[] = [];
  private readonly runId = randomUUID();
  private sent = 0;
  private readonly started = performance.now();

  constructor(
    private readonly options: ImportOptions,
    private readonly progress: Progress,
  ) {}

  get keysDone(): number {
    return this.imported + this.skipped + this.failed;
  }

  /** Sends one request (retrying it with the same Idempotency-Key) and counts its answer. */
  async send(request: Request): Promise<void> {
    const idempotencyKey = `edge-kv-import-${this.runId}-${this.sent++}`;
    const body = Buffer.concat(request.lines.flatMap((line) => [line, Buffer.from("\n")]));
    let answer: ImportAnswer | undefined;
    for (let attempt = 0; answer === undefined; attempt++) {
      try {
        answer = await this.post(body, idempotencyKey);
      } catch (error) {
        if (!(error instanceof RequestFailed)) throw error;
        const first = request.fileLines[0] ?? 0;
        if (!error.retryable || attempt >= this.options.retries) {
          const hint =
            error.status === 413 ? " (lower --max-request-bytes below the service's KV_MAX_IMPORT_BYTES)" : "";
          throw new Stopped(
            first,
            `the request for lines ${first}–${request.fileLines.at(-1)} failed: ${error.message}${hint}`,
          );
        }
        const waitMs = error.retryAfterSeconds === null ? 500 * 2 ** attempt : error.retryAfterSeconds * 1000;
        await sleep(Math.min(waitMs, MAX_RETRY_WAIT_MS));
      }
    }
    this.imported += answer.imported;
    this.skipped += answer.skipped;
    this.failed += answer.failed.length + answer.failed_not_listed;
    for (const failure of answer.failed) {
      if (this.failures.length >= PRINTED_FAILURES) break;
      const line = request.fileLines[failure.line - 1] ?? `request line ${failure.line}`;
      // The service numbers lines within the request: its "Line N: " prefix goes, and a
      // "Line N" within the sentence becomes the file's number.
      const detail = failure.detail.replace(/^Line [0-9]+:\s*/, "").replace(/^Line [0-9]+\b/, `Line ${line}`);
      this.failures.push(`line ${line}: ${failure.code}: ${detail}`);
    }
    if (answer.failed_not_listed > 0) {
      this.failures.push(
        `lines ${request.fileLines[0]}–${request.fileLines.at(-1)}: ${answer.failed_not_listed} more failed lines not listed by the service`,
      );
    }
    this.progress.update(this.keysDone, request.endPosition);
  }

  private async post(body: Buffer, idempotencyKey: string): Promise<ImportAnswer> {
    const { url, token, timeoutMs, mode } = this.options;
    let response: Response;
    try {
      response = await fetch(`${url}/v1/import?mode=${mode}`, {
        method: "POST",
        headers: {
          ...authHeaders(token),
          "Content-Type": "application/x-ndjson",
          "Idempotency-Key": idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status !== 200) throw await failedAnswer(response, token);
      const answer: unknown = await response.json();
      if (!isImportAnswer(answer))
        throw new RequestFailed("HTTP 200 with an answer that is not an import's", 200, false);
      return answer;
    } catch (error) {
      if (error instanceof RequestFailed) throw error;
      throw networkFailure(error, timeoutMs, token);
    }
  }

  rate(): number {
    return keysPerSecond(this.keysDone, this.started);
  }

  seconds(): string {
    return ((performance.now() - this.started) / 1000).toFixed(1);
  }
}

/** Reads the file a chunk at a time and sends its lines in requests within the budgets. */
async function importFile(options: ImportOptions, importer: Importer): Promise<number> {
  let pending: Request = { lines: [], fileLines: [], bytes: 0, endPosition: 0 };
  let lineNumber = 0;
  let position = 0;
  const flush = async () => {
    if (pending.lines.length > 0) await importer.send(pending);
    pending = { lines: [], fileLines: [], bytes: 0, endPosition: position };
  };
  for await (const batch of ndjsonLines(createReadStream(options.file))) {
    for (const line of batch.lines) {
      lineNumber++;
      position += line.length + (batch.unterminated ? 0 : 1);
      if (lineNumber < options.fromLine || isBlank(line)) continue;
      if (lineNumber === 1) {
        const format = headerFormat(line);
        if (format !== null && format !== FORMAT) {
          throw new UsageError(`line 1 names the format '${format.slice(0, 40)}', not ${FORMAT}`);
        }
        if (format !== null) continue;
      }
      const size = line.length + 1;
      if (size > options.maxRequestBytes) {
        await flush();
        throw new Stopped(
          lineNumber,
          `line ${lineNumber} is ${size} bytes, more than --max-request-bytes (${options.maxRequestBytes}) allows in one request`,
        );
      }
      if (pending.bytes + size > options.maxRequestBytes || pending.lines.length >= options.maxRequestLines) {
        await flush();
      }
      pending.lines.push(line);
      pending.fileLines.push(lineNumber);
      pending.bytes += size;
      pending.endPosition = position;
    }
  }
  await flush();
  return lineNumber;
}

/** Runs the import command; resolves to the exit status. */
async function main(): Promise<number> {
  let options: ImportOptions | null;
  let size: number;
  try {
    options = parseImportArgs(process.argv.slice(2), process.env);
    if (options === null) {
      process.stdout.write(`${IMPORT_USAGE}\n`);
      return EXIT.ok;
    }
    const file = await stat(options.file).catch(() => null);
    if (file === null || !file.isFile()) throw new UsageError(`'${options.file}' is not a file that can be read`);
    size = file.size;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`import: ${error.message}\n\n${IMPORT_USAGE}\n`);
    return EXIT.usage;
  }
  const progress = startProgress(process.stderr, "import", size);
  const importer = new Importer(options, progress);
  let outcome: { lines: number } | Stopped | UsageError;
  try {
    outcome = { lines: await importFile(options, importer) };
  } catch (error) {
    if (!(error instanceof Stopped) && !(error instanceof UsageError)) throw error;
    outcome = error;
  } finally {
    progress.stop();
  }
  if (importer.failures.length > 0) process.stdout.write(`${importer.failures.join("\n")}\n`);
  if (outcome instanceof UsageError) {
    process.stderr.write(`import: ${outcome.message}\n`);
    return EXIT.usage;
  }
  const counts = `${importer.imported} imported, ${importer.skipped} skipped (expired), ${importer.failed} failed`;
  const timing = `in ${importer.seconds()} s (${importer.rate()} keys/s)`;
  if (outcome instanceof Stopped) {
    process.stderr.write(
      `import: stopped at line ${outcome.line}: ${outcome.message}\n` +
        `import: ${counts} before it ${timing}; resume with --from-line ${outcome.line}\n`,
    );
    return EXIT.stopped;
  }
  process.stderr.write(`import: ${counts} from ${outcome.lines} lines of ${options.file} ${timing}\n`);
  return importer.failed > 0 ? EXIT.linesFailed : EXIT.ok;
}

await runBackupCommand("import", main);
