import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { jsonInit, problemOf, uniqueKey } from "../support/http";
import { TOKEN_BINDINGS, TOKENS } from "./tokens";

// The Workers Rate Limiting binding as Miniflare simulates it: fixed windows of
// `period` seconds. TIGHT_LIMITER (3 per 10 s, vitest.config.ts) stands in for
// the budgets of wrangler.toml.
const tight = (env as unknown as Record<string, RateLimit>).TIGHT_LIMITER;

function limited(bindings: Record<string, unknown>) {
  const all = { ...env, ...bindings } as unknown as Env;
  const ownAddress = address();
  return (path: string, init: RequestInit = {}, token?: string, ip = ownAddress) => {
    const headers = new Headers(init.headers);
    headers.set("CF-Connecting-IP", ip);
    if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
    return app.fetch(new Request(`http://kv${path}`, { ...init, headers }), all);
  };
}

/** Waits for the next 10-second window when less than `room` ms are left of this one. */
async function windowWith(room: number): Promise<void> {
  const left = 10_000 - (Date.now() % 10_000);
  if (left < room) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/** A client address no other test uses. */
const address = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID()}`;

describe("rate limits", () => {
  it("answers 429 rate_limited with Retry-After past the budget, and serves again in the next period", async () => {
    const f = limited({ READ_LIMITER: tight });
    const key = uniqueKey("rl");
    await windowWith(3_000);
    const burst = [];
    for (let i = 0; i < 4; i++) burst.push((await f(`/exists/${key}`)).status);
    expect(burst).toEqual([200, 200, 200, 429]);
    const refused = await f(`/exists/${key}`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
    expect(await problemOf(refused)).toMatchObject({ code: "rate_limited" });
    // Another caller (another address) has its own budget.
    expect((await f(`/exists/${key}`, {}, undefined, address())).status).toBe(200);
    await windowWith(10_000);
    expect((await f(`/exists/${key}`)).status).toBe(200);
  }, 30_000);

  it("keeps separate budgets for reads and writes, and one per token", async () => {
    const f = limited({ ...TOKEN_BINDINGS, WRITE_LIMITER: tight });
    const key = uniqueKey("rl-w");
    await windowWith(3_000);
    const writes = [];
    for (let i = 0; i < 4; i++)
      writes.push((await f("/set", jsonInit("POST", { key, value: i }), TOKENS.write)).status);
    expect(writes).toEqual([200, 200, 200, 429]);
    // Reads are counted apart; another token writes on its own budget, from the same address.
    expect((await f(`/get/${key}`, {}, TOKENS.write)).status).toBe(200);
    expect((await f("/set", jsonInit("POST", { key, value: 9 }), TOKENS.admin)).status).toBe(200);
  }, 30_000);

  it("counts guesses at a token against the address they come from", async () => {
    const f = limited({ ...TOKEN_BINDINGS, READ_LIMITER: tight });
    await windowWith(3_000);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await f("/get/x", {}, `${TOKENS.unknown}${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  }, 30_000);
});
