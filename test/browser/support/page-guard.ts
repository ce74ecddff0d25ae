import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Where screenshots go: docs/images/ with SAVE_SCREENSHOTS=1 (`npm run
 * screenshots`), otherwise .data/screenshots/ (git-ignored), so that a plain
 * test run does not rewrite the committed pictures.
 */
export const SCREENSHOT_DIR = join(ROOT, process.env.SAVE_SCREENSHOTS === "1" ? "docs/images" : ".data/screenshots");

/** A page watched for everything that must not happen in it. */
export interface GuardedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions, CSP violations and requests to other origins, as text. */
  problems: string[];
  /** CSP violations alone (also counted in `problems`). */
  cspViolations: string[];
  /** Asserts that nothing went wrong, then closes the page's context. */
  finish(): Promise<void>;
}

// Chromium logs every answer of status >= 400 as "Failed to load resource". An
// API error the console handled and showed is expected; the same line for any
// other path (a missing asset) is a failure.
function isHandledApiError(text: string, url: string, base: string): boolean {
  if (!text.startsWith("Failed to load resource: the server responded with a status of")) return false;
  const path = url.startsWith(base) ? url.slice(base.length) : "";
  return /^\/(v1\/|set$|get\/|delete\/|exists\/)/.test(path);
}

/** Opens a fresh context and page on `base` (its own sessionStorage), with every listener attached. */
export async function openGuardedPage(browser: Browser, base: string): Promise<GuardedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: base });
  const page = await context.newPage();
  const problems: string[] = [];
  const cspViolations: string[] = [];
  const origin = new URL(base).origin;
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (isHandledApiError(message.text(), message.location().url, base)) return;
    problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && new URL(url).origin !== origin) problems.push(`request to another origin: ${url}`);
  });
  await page.exposeBinding("__reportCspViolation", (_source, text: string) => {
    cspViolations.push(text);
    problems.push(`CSP violation: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
      report(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return {
    page,
    context,
    problems,
    cspViolations,
    finish: async () => {
      await context.close();
      expect(problems, "console errors, CSP violations or requests to other origins").toEqual([]);
    },
  };
}

/** Runs axe-core on the page as it is and fails on any serious or critical violation. */
export async function expectNoSeriousAxeViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
  expect(serious, `axe on the ${screen} screen`).toEqual([]);
}

/** Saves a screenshot of the whole page, or of one element, as `<name>.png` in SCREENSHOT_DIR. */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  if ("goto" in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}
