// What another project writes to call edge-kv with types: `hc<AppType>` from hono/client, with
// AppType from the "edge-kv" package. Type-checked, never run (`npm run typecheck`).
import type { AppType } from "edge-kv";
import { hc } from "hono/client";

const kv = hc<AppType>("https://kv.example.workers.dev", {
  headers: { Authorization: "Bearer write-token-0123456789abcdef" },
});
// A key route's segment, as the app declares it (keys may hold "/").
const byKey = kv.v1.kv[":key{[\\s\\S]+}"];

export async function example(): Promise<string[]> {
  const stored = await kv.set.$post({ json: { key: "greeting", value: { text: "hello" }, ttl: 60 } });
  const message: string = (await stored.json()).message;
  const written = await byKey.$put({ param: { key: "user/1" }, query: { ttl: 60 }, header: {}, json: { name: "Ann" } });
  if (written.status === 201) {
    const version: number = (await written.json()).version;
    void [message, version];
  }
  const counted = await byKey.incr.$post({ param: { key: "visits" }, json: { by: 2 } });
  if (counted.status === 200) void ((await counted.json()).value satisfies number);
  const batch = await kv.v1.batch.$post({ json: { ops: [{ op: "get", key: "greeting" }] } });
  if (batch.status === 200) {
    for (const result of (await batch.json()).results) void [result.status satisfies number, result.code];
  }
  const txn = await kv.v1.txn.$post({
    json: { checks: [{ key: "claim/ann", absent: true }], ops: [{ op: "put", key: "claim/ann", value: "user/1" }] },
  });
  if (txn.status === 200) void ((await txn.json()).revision satisfies number);
  const page = await kv.v1.kv.$get({ query: { prefix: "user/", limit: 10 } });
  if (page.status !== 200) return [];
  const { keys, complete } = await page.json();
  void (complete satisfies boolean);
  return keys.map((entry) => entry.key);
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error: /set needs `key` and `value`
  await kv.set.$post({ json: { value: 1 } });
  // @ts-expect-error: `ttl` is a number of seconds
  await kv.set.$post({ json: { key: "k", value: 1, ttl: "60" } });
  // @ts-expect-error: `limit` is a number
  await kv.v1.kv.$get({ query: { limit: "ten" } });
  // @ts-expect-error: no such route
  await kv.v1.nothing.$get();
  const page = await kv.v1.kv.$get({ query: {} });
  // @ts-expect-error: a listing page has no `items`
  if (page.status === 200) void (await page.json()).items;
}
