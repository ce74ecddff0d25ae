import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "./support/chromium";
import {
  alertSays,
  eventually,
  expectSaveEnabled,
  keyButton,
  listedKeys,
  openKey,
  searchPrefix,
  signIn,
  statusSays,
  storedTokens,
} from "./support/console-actions";
import { KvApi, uniquePrefix } from "./support/kv-api";
import { expectNoSeriousAxeViolations, type GuardedPage, openGuardedPage, screenshot } from "./support/page-guard";
import { startWranglerDev, type WranglerDev } from "./support/wrangler-dev";

// Every flow of the console and /docs against `wrangler dev` on the Map backend:
// one instance open to anonymous access (as `npm run dev` serves), one with tokens.
const READ_TOKEN = "console-read-token-0123456789";
const WRITE_TOKEN = "console-write-token-0123456789";
const skipReason = chromiumMissing();

describe.skipIf(skipReason !== null)("the console on the Map backend", () => {
  let open: WranglerDev;
  let guarded: WranglerDev;
  let browser: Browser;
  let api: KvApi;
  const pages: GuardedPage[] = [];

  const newPage = async (base = open.url): Promise<Page> => {
    const guardedPage = await openGuardedPage(browser, base);
    pages.push(guardedPage);
    return guardedPage.page;
  };

  beforeAll(async () => {
    [open, guarded, browser] = await Promise.all([
      startWranglerDev({ STORAGE_BACKEND: "memory" }),
      startWranglerDev({ STORAGE_BACKEND: "memory", KV_READ_TOKENS: READ_TOKEN, KV_WRITE_TOKENS: WRITE_TOKEN }),
      launchChromium(),
    ]);
    api = new KvApi(open.url);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([open?.stop(), guarded?.stop()]);
  });

  // Every page must end without a console error, CSP violation or request to another origin.
  afterEach(async () => {
    const finished = pages.splice(0);
    for (const guardedPage of finished) await guardedPage.finish();
  });

  it("is served at /console/ under a strict CSP, while /, /docs, /openapi.json and the API answer from the worker", async () => {
    const redirect = await fetch(`${open.url}/console`, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("location")).toBe("/console/");
    const page = await fetch(`${open.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<style|\son[a-z]+=|style=/i);

    const health = await fetch(`${open.url}/`);
    expect(await health.json()).toMatchObject({ message: "KV Service is running", backend: "memory" });
    const openapi = await fetch(`${open.url}/openapi.json`);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
    const docs = await fetch(`${open.url}/docs`);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    expect(docs.headers.get("content-security-policy")).toContain("script-src 'self'");
    const listing = await fetch(`${open.url}/v1/kv?limit=1`);
    expect(listing.status).toBe(200);
    const unknown = await fetch(`${open.url}/console/no-such-file`);
    expect(unknown.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("enforces its CSP: an inline script added to the page is refused, and the guard sees it", async () => {
    const guardedPage = await openGuardedPage(browser, open.url);
    await guardedPage.page.goto("/console/");
    await guardedPage.page.getByRole("heading", { name: "Keys" }).waitFor();
    const ran = await guardedPage.page.evaluate(async () => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    expect(ran).toBe(false);
    await eventually(
      async () => guardedPage.cspViolations.length,
      (count) => count > 0,
      "a CSP violation report",
    );
    expect(guardedPage.cspViolations[0]).toMatch(/^script-src/);
    await guardedPage.context.close();
  });

  it("browses a prefix in order from the keyboard: key, version, expiry and metadata, for keys of any characters", async () => {
    const prefix = uniquePrefix("shop");
    const keys = [
      `${prefix}carts/ann`,
      `${prefix}a key with spaces`,
      `${prefix}q?x=1#frag%20`,
      `${prefix}ünïcode/ключ`,
      `${prefix}Ελληνικά/κλειδί`,
      `${prefix}%2F not decoded`,
    ];
    await api.put(keys[0] ?? "", '{"items":[{"sku":"A-1","qty":2}],"total":19.9}', { metadata: { owner: "ann" } });
    await api.put(keys[1] ?? "", '"spaces are fine"', { ttl: 600 });
    await api.put(keys[2] ?? "", "[1,2,3]");
    await api.put(keys[3] ?? "", '{"word":"ключ"}', { metadata: { lang: "ru" } });
    await api.put(keys[4] ?? "", "null");
    await api.put(keys[5] ?? "", "false");
    const page = await newPage();
    await page.goto("/console/");
    await page.getByText("No token needed here").waitFor();
    const shown = await searchPrefix(page, prefix, keys.length);
    expect(shown).toEqual(await api.keys(prefix));
    expect([...shown].sort()).toEqual([...keys].sort());

    const row = (key: string) => page.getByRole("row").filter({ has: keyButton(page, key) });
    const cells = async (key: string) => (await row(key).locator("td").allTextContents()).map((text) => text.trim());
    const first = await api.get(keys[0] ?? "");
    expect(await cells(keys[0] ?? "")).toEqual([first.version, "never", "yes"]);
    const [, expiry, metadata] = await cells(keys[1] ?? "");
    expect(expiry).toMatch(/^in (\d+ s|\d+ min)$/);
    expect(metadata).toBe("no");

    // Keyboard: focus the key's button and press Enter to open it.
    for (const key of keys) {
      await keyButton(page, key).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: `Key: ${key}`, exact: true }).waitFor();
      const expected = await api.get(key);
      await eventually(
        () => page.locator(".version strong").textContent(),
        (text) => text === expected.version,
        key,
      );
      expect(JSON.parse(await page.getByLabel("Value").inputValue())).toEqual(JSON.parse(expected.text));
    }
    await expectNoSeriousAxeViolations(page, "browse");
    await openKey(page, keys[0] ?? "");
    await screenshot(page, "console-keys");
  });

  it("loads the next page of a long listing with Load more", async () => {
    const prefix = uniquePrefix("page");
    const keys = Array.from({ length: 57 }, (_, index) => `${prefix}item-${String(index).padStart(3, "0")}`);
    for (const key of keys) await api.put(key, String(keys.indexOf(key)));
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, prefix, 50);
    expect(await page.locator("caption").textContent()).toBe("50 keys so far");
    await page.getByRole("button", { name: "Load more" }).click();
    const all = await eventually(
      () => listedKeys(page),
      (shown) => shown.length === 57,
      "57 keys",
    );
    expect(all).toEqual(keys);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
  });

  it("shows a key pretty-printed with exact numbers, and saves with If-Match, keeping, changing or clearing the TTL", async () => {
    const key = `${uniquePrefix("edit")}order #7`;
    await api.put(key, '{"id":7,"big":12345678901234567890,"tags":["a","b"],"empty":{}}', {
      ttl: 600,
      metadata: { owner: "ann" },
    });
    const before = await api.get(key);
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, key, 1);
    await openKey(page, key);
    const value = page.getByLabel("Value");
    expect(await value.inputValue()).toBe(
      '{\n  "id": 7,\n  "big": 12345678901234567890,\n  "tags": [\n    "a",\n    "b"\n  ],\n  "empty": {}\n}',
    );
    expect(await page.locator(".version strong").textContent()).toBe(before.version);
    const ttl = Number(await page.getByLabel("TTL (seconds)").inputValue());
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await page.getByLabel("Metadata").inputValue()).toBe('{\n  "owner": "ann"\n}');

    // The TTL left as loaded keeps the expiry; the metadata is written back.
    await value.fill('{"id":7,"big":12345678901234567890,"tags":["a","b","c"]}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await statusSays(page, /^Saved ".*": version \d+\.$/);
    const saved = await api.get(key);
    expect(saved.text.replace(/\s/g, "")).toBe('{"id":7,"big":12345678901234567890,"tags":["a","b","c"]}');
    expect(Number(saved.version)).toBeGreaterThan(Number(before.version));
    expect(saved.expiresAt).toBe(before.expiresAt);
    expect(saved.metadata).toBe('{"owner":"ann"}');
    await eventually(
      () => page.locator(".version strong").textContent(),
      (text) => text === saved.version,
      "the new version",
    );

    await page.getByLabel("TTL (seconds)").fill("120");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await eventually(
      () => api.get(key),
      (read) => read.version !== saved.version,
      "the TTL write",
    );
    const withTtl = await api.get(key);
    expect(Math.abs((withTtl.expiresAt ?? 0) - (Date.now() + 120_000))).toBeLessThan(10_000);

    await page.getByLabel("TTL (seconds)").fill("");
    await page.getByLabel("Metadata").fill("");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await eventually(
      () => api.get(key),
      (read) => read.version !== withTtl.version,
      "the clearing write",
    );
    const cleared = await api.get(key);
    expect(cleared.expiresAt).toBeNull();
    expect(cleared.metadata).toBeNull();
  });

  it("keeps the fields read-only while a save reloads the key, so nothing typed meanwhile is lost", async () => {
    const key = `${uniquePrefix("reload")}slow`;
    await api.put(key, '{"n":1}', { ttl: 600, metadata: { owner: "ann" } });
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, key, 1);
    await openKey(page, key);

    // Hold the read that follows the save until the test lets it go.
    let releaseReload = () => {};
    const reloadHeld = new Promise<void>((resolve) => {
      releaseReload = resolve;
    });
    let reloadStarted = false;
    await page.route(
      (url) => url.pathname === `/v1/kv/${encodeURIComponent(key)}`,
      async (route) => {
        if (route.request().method() !== "GET") return route.continue();
        reloadStarted = true;
        await reloadHeld;
        await route.continue();
      },
    );
    await page.getByLabel("TTL (seconds)").fill("120");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await eventually(
      async () => reloadStarted,
      (started) => started,
      "the reload after the save",
    );

    const fields = ["Value", "TTL (seconds)", "Metadata"].map((label) => page.getByLabel(label));
    for (const field of fields) expect(await field.isEditable()).toBe(false);
    releaseReload();
    for (const field of fields) await field.fill("", { timeout: 5_000 });
    await page.getByLabel("Value").fill('{"n":2}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const cleared = await eventually(
      () => api.get(key),
      (read) => read.text === '{"n":2}',
      "the second save",
    );
    expect(cleared.expiresAt).toBeNull();
    expect(cleared.metadata).toBeNull();
  });

  it("disables Save while a field is invalid and says why next to it", async () => {
    const key = `${uniquePrefix("invalid")}k`;
    await api.put(key, '{"ok":true}');
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, key, 1);
    await openKey(page, key);
    await expectSaveEnabled(page, true);

    const value = page.getByLabel("Value");
    await value.fill('{"ok":');
    await expectSaveEnabled(page, false);
    expect(await value.getAttribute("aria-invalid")).toBe("true");
    expect(await value.getAttribute("aria-describedby")).toContain("value-error");
    expect(await page.locator("#value-error").textContent()).toMatch(/^Not valid JSON: .+/);
    await value.fill('{"ok":false}');

    await page.getByLabel("Metadata").fill("[1, 2]");
    await expectSaveEnabled(page, false);
    expect(await page.locator("#metadata-error").textContent()).toContain("Metadata must be a JSON object");
    await page.getByLabel("Metadata").fill('{"fine":1}');

    await page.getByLabel("TTL (seconds)").fill("-5");
    await expectSaveEnabled(page, false);
    expect(await page.locator("#ttl-error").textContent()).toMatch(/positive number of seconds/);
    await expectNoSeriousAxeViolations(page, "invalid input");
    await page.getByLabel("TTL (seconds)").fill("");
    await expectSaveEnabled(page, true);
    expect(await page.locator(".field-error").count()).toBe(0);
  });

  it("refuses a save over a newer version with the current value and a Reload button, changing nothing", async () => {
    const key = `${uniquePrefix("conflict")}settings/theme`;
    await api.put(key, '{"theme":"light","contrast":"normal"}');
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, key, 1);
    await openKey(page, key);
    await api.put(key, '{"theme":"dark","contrast":"high"}');
    const behind = await api.get(key);

    await page.getByLabel("Value").fill('{"theme":"sepia"}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = await alertSays(page, /changed since it was loaded/);
    expect(alert).toContain(`Current value, version ${behind.version}`);
    expect(alert).toContain('"theme": "dark"');
    expect(await api.get(key)).toEqual(behind);
    await expectNoSeriousAxeViolations(page, "conflict");
    await screenshot(page, "console-conflict");

    await page.getByRole("button", { name: "Reload" }).click();
    await eventually(
      () => page.locator(".version strong").textContent(),
      (text) => text === behind.version,
      "reload",
    );
    expect(JSON.parse(await page.getByLabel("Value").inputValue())).toEqual({ theme: "dark", contrast: "high" });
    expect(await page.locator("[role=alert]").textContent()).toBe("");
    await page.getByLabel("Value").fill('{"theme":"sepia"}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await statusSays(page, /^Saved/);
    expect(JSON.parse((await api.get(key)).text)).toEqual({ theme: "sepia" });
  });

  it("deletes only after a confirmation dialog, from the keyboard, with If-Match", async () => {
    const prefix = uniquePrefix("delete");
    const key = `${prefix}old/ünused key`;
    const raced = `${prefix}raced`;
    await api.put(key, '"bye"');
    await api.put(raced, '"v1"');
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, prefix, 2);
    await openKey(page, key);

    const deleteButton = page.getByRole("button", { name: "Delete", exact: true });
    await deleteButton.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete this key?" });
    await dialog.waitFor();
    expect(await dialog.getByRole("button", { name: "Confirm delete" }).isVisible()).toBe(true);
    await eventually(
      () => page.evaluate(() => document.activeElement?.textContent),
      (text) => text === "Cancel",
      "focus on Cancel",
    );
    await expectNoSeriousAxeViolations(page, "delete dialog");
    await screenshot(page, "console-delete");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Delete");
    expect((await api.get(key)).status).toBe(200);

    await page.keyboard.press("Enter");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect((await api.get(key)).status).toBe(200);

    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await eventually(
      () => page.evaluate(() => document.activeElement?.textContent),
      (text) => text === "Cancel",
      "focus on Cancel",
    );
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Confirm delete");
    await page.keyboard.press("Enter");
    await statusSays(page, /^Deleted /);
    expect((await api.get(key)).status).toBe(404);
    expect(await listedKeys(page)).toEqual([raced]);

    // A delete over a newer version is refused, and the key stays as the other writer left it.
    await openKey(page, raced);
    await api.put(raced, '"v2"');
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Confirm delete" }).click();
    await alertSays(page, /changed since it was loaded/);
    expect((await api.get(raced)).text).toBe('"v2"');
  });

  it("increments and decrements integer values, and shows the 409 when the value stopped being one", async () => {
    const prefix = uniquePrefix("count");
    const counter = `${prefix}visits`;
    const text = `${prefix}label`;
    await api.put(counter, "41");
    await api.put(text, '"41"');
    const page = await newPage();
    await page.goto("/console/");
    await searchPrefix(page, prefix, 2);
    await openKey(page, text);
    expect(await page.getByRole("button", { name: "Increment" }).count()).toBe(0);

    await openKey(page, counter);
    await page.getByRole("button", { name: "Increment" }).click();
    await statusSays(page, /^Incremented ".*" to 42\.$/);
    expect((await api.get(counter)).text).toBe("42");
    expect(await page.getByLabel("Value").inputValue()).toBe("42");
    await page.getByRole("button", { name: "Decrement" }).click();
    await statusSays(page, /^Decremented ".*" to 41\.$/);
    expect((await api.get(counter)).text).toBe("41");

    await api.put(counter, '"no longer a number"');
    await page.getByRole("button", { name: "Increment" }).click();
    const alert = await alertSays(page, /409 not_an_integer/);
    expect(alert).toMatch(/Incrementing ".*" failed with 409 not_an_integer: .+/);
    expect((await api.get(counter)).text).toBe('"no longer a number"');
  });

  it("creates a key with New key (If-None-Match: *) and never overwrites an existing one from there", async () => {
    const key = `${uniquePrefix("new")}invoices/2026 #1 ключ`;
    const page = await newPage();
    await page.goto("/console/");
    await page.getByRole("button", { name: "New key" }).click();
    await page.getByRole("heading", { name: "New key" }).waitFor();
    await expectSaveEnabled(page, false);
    expect(await page.locator("#key-name-error").textContent()).toBe("Enter a key");
    await page.getByLabel("Key", { exact: true }).fill(key);
    await page.getByLabel("Value").fill('{"amount": 120.50, "paid": false}');
    await page.getByLabel("TTL (seconds)").fill("3600");
    await page.getByLabel("Metadata").fill('{"by": "console"}');
    await expectNoSeriousAxeViolations(page, "new key");
    await screenshot(page.locator(".editor"), "console-new-key");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await statusSays(page, /^Saved ".*": version \d+\.$/);
    await page.getByRole("heading", { name: `Key: ${key}`, exact: true }).waitFor();
    const created = await api.get(key);
    expect(JSON.parse(created.text)).toEqual({ amount: 120.5, paid: false });
    expect(created.text).toContain("120.50");
    expect(Math.abs((created.expiresAt ?? 0) - (Date.now() + 3_600_000))).toBeLessThan(10_000);
    expect(created.metadata).toBe('{"by":"console"}');

    await page.getByRole("button", { name: "New key" }).click();
    await page.getByLabel("Key", { exact: true }).fill(key);
    await page.getByLabel("Value").fill('"overwrite?"');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = await alertSays(page, /already exists/);
    expect(alert).toContain("nothing was overwritten (412 precondition_failed)");
    expect(await api.get(key)).toEqual(created);
    await page.getByRole("button", { name: "Open it" }).click();
    await page.getByRole("heading", { name: `Key: ${key}`, exact: true }).waitFor();
  });

  it("shows every API error in the alert region with its code and detail", async () => {
    const page = await newPage();
    await page.goto("/console/");
    await page.getByRole("button", { name: "New key" }).click();
    await page.getByLabel("Key", { exact: true }).fill("__edgekv__:mine");
    await page.getByLabel("Value").fill("1");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect(await alertSays(page, /400 key_reserved/)).toMatch(
      /400 key_reserved: Keys starting with '__edgekv__:' are reserved/,
    );

    const key = `${uniquePrefix("errors")}big metadata`;
    await page.getByLabel("Key", { exact: true }).fill(key);
    await page.getByLabel("Metadata").fill(JSON.stringify({ note: "x".repeat(1100) }));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect(await alertSays(page, /413 metadata_too_large/)).toMatch(/413 metadata_too_large: .*1024/);
    expect((await api.get(key)).status).toBe(404);
    await expectNoSeriousAxeViolations(page, "error");
  });

  it("needs a token where tokens are configured: a wrong one is refused with its code, a read token cannot write, Sign out forgets it", async () => {
    const page = await newPage(guarded.url);
    await page.goto("/console/");
    await page.getByText("This service needs a token").waitFor();
    expect(await page.getByLabel("Token").getAttribute("type")).toBe("password");
    await expectNoSeriousAxeViolations(page, "sign-in");
    await screenshot(page, "console-sign-in");

    await signIn(page, "not-a-configured-token-000");
    await alertSays(page, /401 invalid_token/);
    expect(await storedTokens(page)).toEqual({ session: null, local: 0 });

    await signIn(page, READ_TOKEN);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await storedTokens(page)).toEqual({ session: READ_TOKEN, local: 0 });
    expect(page.url()).not.toContain(READ_TOKEN);
    await page.getByRole("button", { name: "New key" }).click();
    await page.getByLabel("Key", { exact: true }).fill(`${uniquePrefix("scope")}k`);
    await page.getByLabel("Value").fill("1");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await alertSays(page, /403 forbidden/);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Token").waitFor();
    expect(await storedTokens(page)).toEqual({ session: null, local: 0 });

    await signIn(page, WRITE_TOKEN);
    await page.getByRole("button", { name: "New key" }).click();
    const key = `${uniquePrefix("signed")}k`;
    await page.getByLabel("Key", { exact: true }).fill(key);
    await page.getByLabel("Value").fill('"written with a token"');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await statusSays(page, /^Saved/);
    expect((await new KvApi(guarded.url, READ_TOKEN).get(key)).text).toBe('"written with a token"');

    // The same tab's /docs sends with the token signed in here.
    await page.goto("/docs");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    const operation = page.locator("#getV1KvKey");
    await operation.locator("summary").click();
    await operation.getByLabel("key (path, required)").fill(key);
    await operation.getByRole("button", { name: /^Send GET/ }).click();
    await eventually(
      () => operation.locator(".answer-status").textContent(),
      (text) => text === "200 OK",
      "GET with the token",
    );
    await page.getByRole("button", { name: "Sign out" }).click();
    await operation.getByRole("button", { name: /^Send GET/ }).click();
    await eventually(
      () => operation.locator(".answer-status").textContent(),
      (text) => text === "401 Unauthorized",
      "GET without the token",
    );
  });

  it("/docs renders every operation with a form that sends it and shows status, headers and body", async () => {
    const page = await newPage();
    await page.goto("/docs");
    const summaries = page.locator("details.operation summary");
    await summaries.first().waitFor();
    const doc = (await (await fetch(`${open.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
    expect(await summaries.count()).toBe(operations);
    await expectNoSeriousAxeViolations(page, "docs");

    const key = `${uniquePrefix("docs")}ä b?#%`;
    const put = page.locator("#putV1KvKey");
    await put.locator("summary").click();
    await put.getByLabel("key (path, required)").fill(key);
    await put.getByLabel("KV-Metadata (header)").fill('{"via":"docs"}');
    await put.getByLabel("Request body (JSON)").fill('{"from": "docs"}');
    await put.getByRole("button", { name: /^Send PUT/ }).click();
    await eventually(
      () => put.locator(".answer-status").textContent(),
      (text) => text === "201 Created",
      "201",
    );
    expect(await put.locator(".answer-headers").textContent()).toMatch(/^etag: "\d+"$/m);
    expect(JSON.parse((await put.locator(".answer-body").textContent()) ?? "")).toMatchObject({ key });
    const stored = await api.get(key);
    expect(JSON.parse(stored.text)).toEqual({ from: "docs" });
    expect(stored.metadata).toBe('{"via":"docs"}');
    await expectNoSeriousAxeViolations(page, "docs try-it");
    await screenshot(put, "docs-try-it");

    const list = page.locator("#getV1Kv");
    await list.locator("summary").click();
    await list.getByLabel("prefix (query)").fill(key);
    await list.getByRole("button", { name: /^Send GET/ }).click();
    await eventually(
      () => list.locator(".answer-status").textContent(),
      (text) => text === "200 OK",
      "list",
    );
    expect(JSON.parse((await list.locator(".answer-body").textContent()) ?? "")).toMatchObject({
      keys: [{ key, metadata: { via: "docs" } }],
      complete: true,
    });
  });
});
