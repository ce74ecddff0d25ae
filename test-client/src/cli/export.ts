import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { UsageError } from "./args";
import { EXIT, EXPORT_USAGE, type ExportOptions, parseExportArgs, runBackupCommand } from "./backup-args";
import { authHeaders, failedAnswer, networkFailure, RequestFailed } from "./backup-http";
import { ndjsonLines } from "./ndjson-lines";
import { keysPerSecond, startProgress } from "./progress";

/** The export format this command reads and import writes back. */
const FORMAT = "edge-kv/1";

/** What an export's first line says. */
interface ExportHeader {
  format: string;
  revision: number;
}

const ERROR_LINE_START = Buffer.from('{"error":');

/** Writes a chunk and waits until it is handed on: one chunk in flight, however fast the service sends. */
function write(out: Writable, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(data, (error) => {
      if (error) reject(new RequestFailed(`the output cannot be written: ${error.message}`, null, false));
      else resolve();
    });
  });
}

function headerOf(line: Buffer): ExportHeader {
  let header: Partial<ExportHeader>;
  try {
    header = JSON.parse(line.toString("utf8"));
  } catch {
    throw new RequestFailed("the export's first line is not JSON", 200, false);
  }
  if (header.format !== FORMAT || typeof header.revision !== "number") {
    throw new RequestFailed(`the export's first line does not name the format ${FORMAT}`, 200, false);
  }
  return { format: header.format, revision: header.revision };
}

/**
 * Streams GET /v1/export to `out` a chunk at a time, line by line, holding back
 * the service's `{"error": …}` line (its way to say the export broke off) and
 * refusing a last line without its newline (the connection was cut).
 */
async function exportTo(options: ExportOptions, out: Writable, started: number) {
  const url = `${options.url}/v1/export?prefix=${encodeURIComponent(options.prefix)}`;
  let response: Response;
  // The timeout covers the wait for the answer to start; a long export then streams as long as it takes.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException("timeout", "TimeoutError")), options.timeoutMs);
  try {
    response = await fetch(url, {
      headers: { ...authHeaders(options.token), Accept: "application/x-ndjson" },
      signal: abort.signal,
    });
  } catch (error) {
    throw networkFailure(error, options.timeoutMs, options.token);
  } finally {
    clearTimeout(timer);
  }
  if (response.status !== 200 || response.body === null) throw await failedAnswer(response, options.token);
  const progress = startProgress(process.stderr, "export", null, started);
  let header: ExportHeader | null = null;
  let keys = 0;
  try {
    for await (const batch of ndjsonLines(response.body)) {
      if (batch.unterminated) throw new RequestFailed("the export ended in the middle of a line", 200, true);
      const kept: Buffer[] = [];
      for (const line of batch.lines) {
        if (header === null) {
          header = headerOf(line);
        } else if (line.subarray(0, ERROR_LINE_START.length).equals(ERROR_LINE_START)) {
          // The lines before it are good: they go out, the error line does not.
          await write(out, Buffer.concat(kept));
          const { error } = JSON.parse(line.toString("utf8")) as { error: { code?: string; detail?: string } };
          throw new RequestFailed(`the service stopped the export: ${error.code}: ${error.detail}`, 200, true);
        } else keys++;
        kept.push(line, Buffer.from("\n"));
      }
      await write(out, Buffer.concat(kept));
      progress.update(keys, 0);
    }
  } catch (error) {
    if (error instanceof RequestFailed) throw error;
    throw networkFailure(error, options.timeoutMs, options.token);
  } finally {
    progress.stop();
  }
  if (header === null) throw new RequestFailed("the export answered no header line", 200, true);
  return { keys, revision: header.revision };
}

/** Runs the export command; resolves to the exit status. */
async function main(): Promise<number> {
  let options: ExportOptions | null;
  try {
    options = parseExportArgs(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`export: ${error.message}\n\n${EXPORT_USAGE}\n`);
    return EXIT.usage;
  }
  if (options === null) {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return EXIT.ok;
  }
  const started = performance.now();
  const partial = options.out === undefined ? null : `${options.out}.partial`;
  const out = partial === null ? process.stdout : createWriteStream(partial);
  // Write errors reach `write`'s callback; this keeps them from also crashing the process.
  out.on("error", () => {});
  try {
    if (partial !== null) {
      // A file that cannot be opened fails here, before any request.
      await once(out, "ready").catch((error: Error) => {
        throw new RequestFailed(`the output cannot be written: ${error.message}`, null, false);
      });
    }
    const { keys, revision } = await exportTo(options, out, started);
    if (partial !== null && options.out !== undefined) {
      await finished(out.end());
      await rename(partial, options.out);
    }
    const seconds = (performance.now() - started) / 1000;
    const under = options.prefix === "" ? "" : ` under '${options.prefix}'`;
    process.stderr.write(
      `export: ${keys} keys${under} at revision ${revision} in ${seconds.toFixed(1)} s ` +
        `(${keysPerSecond(keys, started)} keys/s)\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    if (partial !== null) {
      await finished(out.end()).catch(() => {});
      await rm(partial, { force: true });
    }
    const what = partial === null ? "the output is incomplete" : "nothing was written";
    process.stderr.write(`export: stopped, ${what}: ${error.message}\n`);
    return EXIT.stopped;
  }
}

await runBackupCommand("export", main);
