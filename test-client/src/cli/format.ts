import { describeExpected, type Step } from "../workflows/step";
import type { SuiteReport } from "../workflows/suite";

/** ANSI styling, or none. */
export interface Palette {
  pass(text: string): string;
  fail(text: string): string;
  dim(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;

/** Colours for a terminal; plain text otherwise. */
export function paletteFor(colour: boolean): Palette {
  if (!colour) return { pass: (t) => t, fail: (t) => t, dim: (t) => t };
  return { pass: ansi(32), fail: ansi(31), dim: ansi(2) };
}

function stepLine(step: Step, palette: Palette): string {
  const mark = step.pass ? palette.pass("PASS") : palette.fail("FAIL");
  const actual = step.actual_status === null ? "no answer" : String(step.actual_status);
  const expected = step.pass ? "" : `, expected ${describeExpected(step.expected_status)}`;
  const where = palette.dim(`(${step.method} ${step.path} → ${actual}${expected}, ${step.duration_ms} ms)`);
  const line = `  ${mark}  ${step.workflow}: ${step.step}  ${where}`;
  if (step.error === undefined) return line;
  const requestId = step.request_id === undefined ? "" : palette.dim(` [X-Request-Id ${step.request_id}]`);
  return `${line}\n        ${step.error}${requestId}`;
}

/** The report as text: one line per step, then one per workflow, then the verdict. */
export function formatReport(report: SuiteReport, url: string, elapsedMs: number, palette: Palette): string {
  const lines = [`edge-kv smoke test of ${url}`, ""];
  for (const step of report.steps) lines.push(stepLine(step, palette));
  lines.push("");
  for (const workflow of report.workflows) {
    const mark = workflow.outcome === "passed" ? palette.pass("PASS") : palette.fail("FAIL");
    lines.push(`  ${mark}  ${workflow.workflow}: ${workflow.message}`);
  }
  const seconds = (elapsedMs / 1000).toFixed(1);
  const verdict =
    report.outcome === "passed"
      ? palette.pass(report.message)
      : palette.fail(
          report.outcome === "unreachable" ? `${report.message} (the KV worker could not be reached)` : report.message,
        );
  lines.push("", `${verdict} in ${seconds} s`);
  return lines.join("\n");
}
