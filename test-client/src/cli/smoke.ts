import { writeFile } from "node:fs/promises";
import { standardContext } from "../workflows/runtime";
import { runSuite } from "../workflows/suite";
import { httpTransport, redactToken } from "../workflows/transport";
import { parseSmokeArgs, type SmokeOptions, USAGE, UsageError } from "./args";
import { formatReport, paletteFor } from "./format";

/** Runs the smoke command; resolves to the exit status. */
async function main(): Promise<number> {
  let options: SmokeOptions | null;
  try {
    options = parseSmokeArgs(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`smoke: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const transport = httpTransport((url, init) => fetch(url, init), {
    baseUrl: options.url,
    token: options.token,
    timeoutMs: options.timeoutMs,
  });
  const started = performance.now();
  const report = await runSuite(standardContext(transport));
  const elapsed = performance.now() - started;
  const colour = options.out === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const output = options.json
    ? JSON.stringify({ target: options.url, ...report }, null, 2)
    : formatReport(report, options.url, elapsed, paletteFor(colour));
  // The transport already keeps the token out of bodies and errors; this also covers the rest.
  const text = `${redactToken(output, options.token)}\n`;
  if (options.out === undefined) process.stdout.write(text);
  else {
    await writeFile(options.out, text);
    process.stdout.write(`${report.message}; report written to ${options.out}\n`);
  }
  return report.outcome === "passed" ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  // Even a crash's message goes through the redaction.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`smoke: unexpected error: ${redactToken(text, (process.env.KV_TOKEN ?? "").trim())}\n`);
  process.exitCode = 1;
}
