import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** Polls until `read` satisfies `check` (Playwright-core has no auto-waiting assertions). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  return last;
}

/** The names of the keys the listing shows, in order. */
export function listedKeys(page: Page): Promise<string[]> {
  return page.locator("tbody th button").allTextContents();
}

/** Types a prefix into the Prefix field, submits it from the keyboard, and waits for `count` keys. */
export async function searchPrefix(page: Page, prefix: string, count: number): Promise<string[]> {
  const field = page.getByLabel("Prefix");
  await field.fill(prefix);
  await field.press("Enter");
  return eventually(
    () => listedKeys(page),
    (keys) => keys.length === count && keys.every((key) => key.startsWith(prefix)),
    `${count} keys under ${prefix}`,
  );
}

/** The listing's button for a key: its accessible name is the key itself. */
export function keyButton(page: Page, key: string): Locator {
  return page.getByRole("button", { name: key, exact: true });
}

/** Opens a key from the listing and waits for its value to load. */
export async function openKey(page: Page, key: string): Promise<void> {
  await keyButton(page, key).click();
  await page.getByRole("heading", { name: `Key: ${key}`, exact: true }).waitFor();
  await eventually(
    () => page.locator(".version strong").textContent(),
    (text) => text !== "…",
    "the version",
  );
}

/** Waits for the status line to say `pattern`. */
export async function statusSays(page: Page, pattern: RegExp): Promise<void> {
  await eventually(
    () => page.getByRole("status").textContent(),
    (text) => pattern.test(text ?? ""),
    `status ${pattern}`,
  );
}

/** Waits for the alert region to say `pattern`, and answers its whole text. */
export async function alertSays(page: Page, pattern: RegExp): Promise<string> {
  return eventually(
    async () => (await page.getByRole("alert").textContent()) ?? "",
    (text) => pattern.test(text),
    `alert ${pattern}`,
  );
}

/** Signs in with a token through the Token field. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The token as the page keeps it: sessionStorage only. */
export async function storedTokens(page: Page): Promise<{ session: string | null; local: number }> {
  return page.evaluate(() => ({ session: sessionStorage.getItem("edge-kv.token"), local: localStorage.length }));
}

/** Asserts the Save button's state. */
export async function expectSaveEnabled(page: Page, enabled: boolean): Promise<void> {
  expect(await page.getByRole("button", { name: "Save", exact: true }).isEnabled()).toBe(enabled);
}
