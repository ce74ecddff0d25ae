import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** How to get Chromium when it is missing (Debian/Ubuntu). */
export const CHROMIUM_INSTALL_HINT =
  "chromium is not on PATH: install it with `sudo apt-get install -y chromium`, or point CHROMIUM_BIN at a Chromium binary";

// Without these, Chromium reaches for Google's hosts at every start (this machine has no network).
// Playwright adds --headless and a fresh temporary --user-data-dir of its own.
const QUIET_FLAGS = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary to drive: CHROMIUM_BIN, else `chromium` or `chromium-browser` on PATH; null when none. */
export function findChromium(): string | null {
  const override = process.env.CHROMIUM_BIN;
  if (override !== undefined && override !== "") return isExecutable(override) ? override : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      if (dir !== "" && isExecutable(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

/**
 * Why the browser tests cannot run here, or null when they can. With CI=true a
 * missing Chromium is an error, never a skip.
 */
export function chromiumMissing(): string | null {
  if (findChromium() !== null) return null;
  if (process.env.CI === "true") throw new Error(`${CHROMIUM_INSTALL_HINT} (CI=true: the browser tests may not skip)`);
  console.warn(`\n[browser tests skipped] ${CHROMIUM_INSTALL_HINT}\n`);
  return CHROMIUM_INSTALL_HINT;
}

/** Starts Debian's Chromium, headless with a fresh profile, through playwright-core (not Playwright's own browser build). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === null) throw new Error(CHROMIUM_INSTALL_HINT);
  const args = [...QUIET_FLAGS];
  // Chromium refuses to run as root with its sandbox on.
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  return chromium.launch({ executablePath, args, headless: true });
}
