import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the figures of every run are appended, one JSON line each (.data/ is git-ignored). */
export const FIGURES_FILE = fileURLToPath(new URL("../../../.data/reliability-figures.jsonl", import.meta.url));

/**
 * Records one measured figure: appended to FIGURES_FILE for the README, and
 * printed unless `quiet` (tests that stay silent when they pass).
 */
export function recordFigure(
  name: string,
  values: Record<string, number | string | boolean>,
  { quiet = false }: { quiet?: boolean } = {},
): void {
  const line = JSON.stringify({ name, ...values, at: new Date().toISOString() });
  if (!quiet) console.info(`[figure] ${line}`);
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${line}\n`);
}
