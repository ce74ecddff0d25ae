import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  findRedisServer,
  REDIS_SERVER_INSTALL_HINT,
  type RedisServer,
  startRedisServer,
} from "../../tools/testing/redis-server";
import { type RunningBridge, startBridge } from "../../tools/upstash-bridge";
import { chromiumMissing, launchChromium } from "./support/chromium";
import {
  alertSays,
  eventually,
  listedKeys,
  openKey,
  searchPrefix,
  signIn,
  statusSays,
  storedTokens,
} from "./support/console-actions";
import { KvApi, uniquePrefix } from "./support/kv-api";
import { expectNoSeriousAxeViolations, type GuardedPage, openGuardedPage } from "./support/page-guard";
import { startWranglerDev, type WranglerDev } from "./support/wrangler-dev";

// The console against `wrangler dev` on the Upstash backend, through the local
// Upstash-protocol bridge to a real redis-server, with a write token configured.
const WRITE_TOKEN = "console-upstash-write-token-0123";

function redisMissing(): string | null {
  if (findRedisServer() !== null) return null;
  if (process.env.CI === "true")
    throw new Error(`${REDIS_SERVER_INSTALL_HINT} (CI=true: the browser tests may not skip)`);
  console.warn(`\n[Upstash browser tests skipped] ${REDIS_SERVER_INSTALL_HINT}\n`);
  return REDIS_SERVER_INSTALL_HINT;
}

const skipReason = chromiumMissing() ?? redisMissing();

describe.skipIf(skipReason !== null)("the console on the Upstash backend", () => {
  let redis: RedisServer;
  let bridge: RunningBridge;
  let dev: WranglerDev;
  let browser: Browser;
  let api: KvApi;
  const pages: GuardedPage[] = [];

  const signedInPage = async (): Promise<Page> => {
    const guardedPage = await openGuardedPage(browser, dev.url);
    pages.push(guardedPage);
    const page = guardedPage.page;
    await page.goto("/console/");
    await page.getByText("This service needs a token").waitFor();
    await signIn(page, WRITE_TOKEN);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  };

  beforeAll(async () => {
    const bridgeToken = `bridge-${crypto.randomUUID()}`;
    const browserStarted = launchChromium();
    // Append-only with fsync on every write: the outage test stops and restarts it, and the data must survive.
    redis = await startRedisServer({ appendonly: true, appendfsync: "always" });
    bridge = await startBridge({ port: 0, redisUrl: redis.url, token: bridgeToken });
    [dev, browser] = await Promise.all([
      startWranglerDev({
        STORAGE_BACKEND: "upstash",
        UPSTASH_REDIS_REST_URL: bridge.url,
        UPSTASH_REDIS_REST_TOKEN: bridgeToken,
        KV_WRITE_TOKENS: WRITE_TOKEN,
      }),
      browserStarted,
    ]);
    api = new KvApi(dev.url, WRITE_TOKEN);
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    await bridge?.close();
    await redis?.dispose();
  });

  afterEach(async () => {
    if (redis !== undefined && !redis.running) await redis.start();
    const finished = pages.splice(0);
    for (const guardedPage of finished) await guardedPage.finish();
  });

  it("signs in with a token kept in sessionStorage only; a wrong token is refused with its code", async () => {
    const health = (await (await fetch(`${dev.url}/`)).json()) as { backend: string; status: string };
    expect(health).toMatchObject({ backend: "upstash", status: "ok" });
    const guardedPage = await openGuardedPage(browser, dev.url);
    pages.push(guardedPage);
    const page = guardedPage.page;
    await page.goto("/console/");
    await page.getByText("upstash backend").waitFor();
    await page.getByText("This service needs a token").waitFor();
    await signIn(page, "wrong-token-for-this-service");
    await alertSays(page, /401 invalid_token/);
    expect(await storedTokens(page)).toEqual({ session: null, local: 0 });
    await signIn(page, WRITE_TOKEN);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await storedTokens(page)).toEqual({ session: WRITE_TOKEN, local: 0 });
    expect(page.url()).toBe(`${dev.url}/console/`);
    await expectNoSeriousAxeViolations(page, "signed in (Upstash)");
  });

  it("browses keys of any characters in the store's order", async () => {
    const prefix = uniquePrefix("redis");
    const keys = [`${prefix}b/ключ`, `${prefix}a b?c#d%e`, `${prefix}Z`, `${prefix}日本`];
    for (const [index, key] of keys.entries()) await api.put(key, String(index), { metadata: { index } });
    const page = await signedInPage();
    const shown = await searchPrefix(page, prefix, keys.length);
    expect(shown).toEqual(await api.keys(prefix));
    await openKey(page, `${prefix}a b?c#d%e`);
    expect(await page.getByLabel("Value").inputValue()).toBe("1");
    expect(await page.getByLabel("Metadata").inputValue()).toBe('{\n  "index": 1\n}');
  });

  it("refuses a save over a newer version, shows the current value, and saves after Reload", async () => {
    const key = `${uniquePrefix("redis-conflict")}profile`;
    await api.put(key, '{"name":"Ann"}');
    const page = await signedInPage();
    await searchPrefix(page, key, 1);
    await openKey(page, key);
    await api.put(key, '{"name":"Bo"}');
    const behind = await api.get(key);
    await page.getByLabel("Value").fill('{"name":"Cy"}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect(await alertSays(page, /changed since it was loaded/)).toContain('"name": "Bo"');
    expect(await api.get(key)).toEqual(behind);
    await page.getByRole("button", { name: "Reload" }).click();
    await eventually(
      () => page.locator(".version strong").textContent(),
      (text) => text === behind.version,
      "reload",
    );
    await page.getByLabel("Value").fill('{"name":"Cy"}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await statusSays(page, /^Saved/);
    expect(JSON.parse((await api.get(key)).text)).toEqual({ name: "Cy" });
  });

  it("deletes after the confirmation dialog", async () => {
    const prefix = uniquePrefix("redis-delete");
    await api.put(`${prefix}gone`, "1");
    await api.put(`${prefix}kept`, "2");
    const page = await signedInPage();
    await searchPrefix(page, prefix, 2);
    await openKey(page, `${prefix}gone`);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm delete" }).click();
    await statusSays(page, /^Deleted /);
    expect((await api.get(`${prefix}gone`)).status).toBe(404);
    expect(await listedKeys(page)).toEqual([`${prefix}kept`]);
  });

  it("says the store is unavailable and nothing was changed while Redis is down", async () => {
    const key = `${uniquePrefix("redis-outage")}k`;
    await api.put(key, '"before"');
    const page = await signedInPage();
    await searchPrefix(page, key, 1);
    await openKey(page, key);
    await redis.stop();
    await page.getByLabel("Value").fill('"during"');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = await alertSays(page, /store is unavailable/);
    expect(alert).toMatch(/nothing was changed/);
    expect(alert).toMatch(/503 storage_unavailable: .+/);
    await expectNoSeriousAxeViolations(page, "outage");
    await redis.start();
    expect((await api.get(key)).text).toBe('"before"');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await statusSays(page, /^Saved/);
    expect((await api.get(key)).text).toBe('"during"');
  });
});
