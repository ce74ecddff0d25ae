import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the figures of every run are appended, one JSON line each (.data/ is git-ignored). */
export const FIGURES_FILE = fileURLToPath(new URL("../../../.data/reliability-figures.jsonl", import.meta.url));

/** Records one measured figure: printed, and appended to FIGURES_FILE for the README. */
export function recordFigure(name: string, values: Record<string, number | string | boolean>): void {
  const line = JSON.stringify({ name, ...values, at: new Date().toISOString() });
  console.info(`[figure] ${line}`);
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${line}\n`);
}
