import { standardContext } from "../workflows/runtime";
import { runSuite } from "../workflows/suite";
import { httpTransport } from "../workflows/transport";
import { parseSmokeArgs, USAGE, UsageError } from "./args";
import { formatReport, paletteFor } from "./format";

/** Runs the smoke command; resolves to the exit status. */
async function main(): Promise<number> {
  let options;
  try {
    options = parseSmokeArgs(process.argv.slice(2), process.env);
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
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ target: options.url, ...report }, null, 2)}\n`);
  } else {
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(`${formatReport(report, options.url, elapsed, paletteFor(colour))}\n`);
  }
  return report.outcome === "passed" ? 0 : 1;
}

process.exitCode = await main();
