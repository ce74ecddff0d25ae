import { describe, expect, it } from "vitest";
import { BACKENDS, type BackendApp, openBackend, skipReasonOf } from "../support/backends";
import { appFetch, type Fetch, jsonInit, kv, problemOf, uniqueKey } from "../support/http";
import { sharedBridge, uniquePrefix, upstashSettings } from "../support/upstash";
import { TOKEN_BINDINGS, TOKENS, withToken } from "./tokens";

// What a hostile-input review of the worker found (issue 16): health that hides a
// misconfiguration, JSON deep enough to overflow the parser, hand-made cursors,
// and preflights that needed a token.

/** Settings of the Upstash backend whose storage is never reached (auth and config fail first). */
const UNREACHABLE_UPSTASH = {
  STORAGE_BACKEND: "upstash",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
  UPSTASH_REDIS_REST_TOKEN: "upstash-token",
} as const;

const NO_TOKENS = { KV_READ_TOKENS: "", KV_WRITE_TOKENS: "", KV_ADMIN_TOKENS: "" } as const;

function preflight(origin = "https://app.example.com", method = "PUT"): RequestInit {
  return {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": method,
      "Access-Control-Request-Headers": "authorization,content-type,kv-metadata",
    },
  };
}

describe("health tells the truth: GET / reports what keeps the data routes from serving", () => {
  const memory = { STORAGE_BACKEND: "memory", ...NO_TOKENS } as const;
  const cases: [string, Partial<Record<keyof Env, string>>, string][] = [
    ["KV_MAX_KEY_BYTES not a number", { ...memory, KV_MAX_KEY_BYTES: "many" }, "KV_MAX_KEY_BYTES"],
    ["KV_MAX_VALUE_BYTES zero", { ...memory, KV_MAX_VALUE_BYTES: "0" }, "KV_MAX_VALUE_BYTES"],
    ["KV_MAX_METADATA_BYTES negative", { ...memory, KV_MAX_METADATA_BYTES: "-1" }, "KV_MAX_METADATA_BYTES"],
    ["KV_MAX_BATCH_OPS a fraction", { ...memory, KV_MAX_BATCH_OPS: "1.5" }, "KV_MAX_BATCH_OPS"],
    ["KV_MAX_LIST_LIMIT with a unit", { ...memory, KV_MAX_LIST_LIMIT: "1000 keys" }, "KV_MAX_LIST_LIMIT"],
    ["STORAGE_BACKEND unknown", { ...memory, STORAGE_BACKEND: "sqlite" }, "STORAGE_BACKEND"],
    ["UPSTASH_TIMEOUT_MS with a unit", { ...memory, UPSTASH_TIMEOUT_MS: "2s" }, "UPSTASH_TIMEOUT_MS"],
    ["KV_CORS_ORIGINS without a scheme", { ...memory, KV_CORS_ORIGINS: "app.example.com" }, "KV_CORS_ORIGINS"],
    ["KV_LOG_REQUESTS unknown", { ...memory, KV_LOG_REQUESTS: "verbose" }, "KV_LOG_REQUESTS"],
    ["KV_WATCH_KEEPALIVE_MS above 15 s", { ...memory, KV_WATCH_KEEPALIVE_MS: "15001" }, "KV_WATCH_KEEPALIVE_MS"],
    ["KV_READ_TOKENS with a short token", { ...memory, KV_READ_TOKENS: `${TOKENS.read},short` }, "KV_READ_TOKENS"],
    [
      "KV_WRITE_TOKENS with a token that is not b64token",
      { ...memory, KV_WRITE_TOKENS: "not a bearer token at all" },
      "KV_WRITE_TOKENS",
    ],
    ["KV_ADMIN_TOKENS with an empty prefix", { ...memory, KV_ADMIN_TOKENS: `${TOKENS.admin}@` }, "KV_ADMIN_TOKENS"],
    [
      "upstash without UPSTASH_REDIS_REST_URL",
      { ...UNREACHABLE_UPSTASH, ...TOKEN_BINDINGS, UPSTASH_REDIS_REST_URL: "" },
      "UPSTASH_REDIS_REST_URL",
    ],
    [
      "upstash with a UPSTASH_REDIS_REST_URL that is no URL",
      { ...UNREACHABLE_UPSTASH, ...TOKEN_BINDINGS, UPSTASH_REDIS_REST_URL: "redis.example.com" },
      "UPSTASH_REDIS_REST_URL",
    ],
    [
      "upstash without UPSTASH_REDIS_REST_TOKEN",
      { ...UNREACHABLE_UPSTASH, ...TOKEN_BINDINGS, UPSTASH_REDIS_REST_TOKEN: "" },
      "UPSTASH_REDIS_REST_TOKEN",
    ],
  ];

  it.each(cases)(
    "%s: the data routes answer 503 misconfigured and GET / says so",
    async (_label, settings, setting) => {
      const f = withToken(appFetch(settings), TOKENS.admin);
      const refused = await f(kv("health"));
      expect(refused.status).toBe(503);
      const problem = (await problemOf(refused)) as { code: string; setting?: string };
      expect(problem).toMatchObject({ code: "misconfigured", setting });

      const health = await f("/");
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "misconfigured", code: problem.code, setting });
    },
  );

  it.each(cases)("%s: /openapi.json, /docs and a preflight still answer", async (_label, settings) => {
    const f = appFetch(settings);
    const document = await f("/openapi.json");
    expect(document.status).toBe(200);
    expect(await document.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
    const docs = await f("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    const answered = await f(kv("health"), preflight());
    expect(answered.status).toBe(204);
  });

  it("the Upstash backend without tokens: GET / says auth_not_configured, as the data routes do", async () => {
    const f = appFetch({ ...UNREACHABLE_UPSTASH, ...NO_TOKENS, KV_ALLOW_ANONYMOUS: "false" });
    const refused = await f(kv("health"));
    expect(refused.status).toBe(503);
    const problem = await problemOf(refused);
    expect(problem.code).toBe("auth_not_configured");
    const health = await f("/");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "misconfigured", code: "auth_not_configured" });
  });

  it("a well-configured service says ok", async () => {
    const health = await appFetch({ STORAGE_BACKEND: "memory", ...TOKEN_BINDINGS })("/");
    expect(await health.json()).toMatchObject({ status: "ok", backend: "memory" });
  });
});

/** JSON text of arrays nested `depth` levels deep. */
function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

interface DeepCase {
  /** Sends a request whose JSON nests `depth` levels in all, under `key`. */
  send(f: Fetch, key: string, depth: number): Promise<Response>;
  /** What reading `key` back gives once `send` was accepted: the value's text, or the metadata header. */
  readBack(read: Response): Promise<string | null>;
  /** What `readBack` gives after a request of `depth` levels. */
  stored(depth: number): string;
}

const json = { "Content-Type": "application/json" };
const valueText = (read: Response) => read.text();

const DEEP_INPUTS: [string, DeepCase][] = [
  [
    "a PUT value",
    {
      send: (f, key, depth) => f(kv(key), { method: "PUT", headers: json, body: nested(depth) }),
      readBack: valueText,
      stored: (depth) => nested(depth),
    },
  ],
  [
    "a /set body",
    {
      send: (f, key, depth) =>
        f("/set", {
          method: "POST",
          headers: json,
          body: `{"key":${JSON.stringify(key)},"value":${nested(depth - 1)}}`,
        }),
      readBack: valueText,
      stored: (depth) => nested(depth - 1),
    },
  ],
  [
    "KV-Metadata",
    {
      send: (f, key, depth) =>
        f(kv(key), { method: "PUT", headers: { ...json, "KV-Metadata": `{"m":${nested(depth - 1)}}` }, body: "1" }),
      readBack: async (read) => read.headers.get("kv-metadata"),
      stored: (depth) => `{"m":${nested(depth - 1)}}`,
    },
  ],
  [
    "a batch body",
    {
      send: (f, key, depth) =>
        f("/v1/batch", {
          method: "POST",
          headers: json,
          body: `{"ops":[{"op":"put","key":${JSON.stringify(key)},"value":${nested(depth - 3)}}]}`,
        }),
      readBack: valueText,
      stored: (depth) => nested(depth - 3),
    },
  ],
];

describe.each(BACKENDS)("deep JSON on the %s backend", (backend) => {
  const skip = skipReasonOf(backend);
  let app: BackendApp | undefined;
  const open = () => {
    app ??= openBackend(backend, "deep");
    return app.fetch;
  };

  describe.skipIf(skip !== null).each(DEEP_INPUTS)("%s", (_label, input) => {
    it("128 levels are stored and read back", async () => {
      const f = open();
      const key = uniqueKey("deep128");
      const res = await input.send(f, key, 128);
      expect(res.status).toBeLessThan(300);
      const read = await f(kv(key));
      expect(read.status).toBe(200);
      expect(await input.readBack(read)).toBe(input.stored(128));
    });

    it("129 levels are a 400 json_too_deep naming the limit 128, and nothing is stored", async () => {
      const f = open();
      const key = uniqueKey("deep129");
      const res = await input.send(f, key, 129);
      expect(res.status).toBe(400);
      const problem = (await problemOf(res)) as { code: string; limit?: number; detail: string };
      expect(problem).toMatchObject({ code: "json_too_deep", limit: 128 });
      expect(problem.detail).toContain("128");
      expect((await f(kv(key))).status).toBe(404);
    });

    it.each([3_680, 100_000])("%i levels are a 400 json_too_deep, never a parser error or a 5xx", async (depth) => {
      const f = open();
      const key = uniqueKey("deeper");
      const res = await input.send(f, key, depth);
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe("json_too_deep");
      expect(problem.detail).not.toMatch(/call stack/i);
      expect((await f(kv(key))).status).toBe(404);
    });
  });
});

/** A cursor as the API encodes one: base64url of `{"p":prefix,"a":lastKey}`. */
function handMadeCursor(state: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

interface Page {
  keys: { key: string }[];
  cursor: string | null;
  complete: boolean;
}

describe.each(BACKENDS)("hand-made cursors on the %s backend", (backend) => {
  const skip = skipReasonOf(backend);

  describe.skipIf(skip !== null)("listing with a cursor", () => {
    const prefix = `cursor-${crypto.randomUUID()}/`;
    let f: Fetch | undefined;
    const list = (cursor: string, limit = 2) =>
      (f as Fetch)(`/v1/kv?prefix=${encodeURIComponent(prefix)}&limit=${limit}&cursor=${encodeURIComponent(cursor)}`);

    const ready = async () => {
      if (f !== undefined) return f;
      const g = openBackend(backend, "cursor").fetch;
      for (const name of ["a", "b", "c", "d"]) {
        expect((await g(kv(prefix + name), jsonInit("PUT", name))).status).toBe(201);
      }
      f = g;
      return g;
    };

    it("a cursor the API returned continues the listing", async () => {
      const g = await ready();
      const first = (await (await g(`/v1/kv?prefix=${encodeURIComponent(prefix)}&limit=2`)).json()) as Page;
      expect(first.keys.map((entry) => entry.key)).toEqual([`${prefix}a`, `${prefix}b`]);
      const second = await list(first.cursor ?? "");
      expect(second.status).toBe(200);
      expect(((await second.json()) as Page).keys.map((entry) => entry.key)).toEqual([`${prefix}c`, `${prefix}d`]);
    });

    it.each([
      ["a key holding a lone high surrogate", () => `${prefix}b\ud800`],
      ["a key holding a lone low surrogate", () => `${prefix}\udc00`],
      ["a key sorting before the prefix", () => "a"],
      ["the prefix without its last character", () => prefix.slice(0, -1)],
      ["a key sorting after the prefix", () => `${prefix.slice(0, -1)}0`],
    ])("a cursor naming %s is a 400 invalid_cursor", async (_label, lastKey) => {
      await ready();
      const res = await list(handMadeCursor({ p: prefix, a: lastKey() }));
      expect(res.status).toBe(400);
      expect(await problemOf(res)).toMatchObject({ code: "invalid_cursor" });
    });
  });
});

describe("a CORS preflight never needs a token", () => {
  const ORIGIN = "https://app.example.com";
  const PATHS = ["/", "/v1/kv/some%2Fkey", "/v1/kv", "/v1/batch", "/v1/admin/reindex", "/set", "/get/k"];

  async function expectOpenPreflights(f: Fetch): Promise<void> {
    for (const path of PATHS) {
      for (const method of ["GET", "PUT", "POST", "DELETE"]) {
        const res = await f(path, preflight(ORIGIN, method));
        expect(res.status, `${method} ${path}`).toBe(204);
        expect(res.headers.get("access-control-allow-origin"), `${method} ${path}`).toBeNull();
        expect(res.headers.get("www-authenticate"), `${method} ${path}`).toBeNull();
      }
    }
  }

  it.each([
    ["the memory backend, no allowlist, no tokens", { STORAGE_BACKEND: "memory", ...NO_TOKENS }],
    ["the memory backend, no allowlist, tokens", { STORAGE_BACKEND: "memory", ...TOKEN_BINDINGS }],
    [
      "the memory backend, a malformed allowlist, tokens",
      { STORAGE_BACKEND: "memory", ...TOKEN_BINDINGS, KV_CORS_ORIGINS: "app.example.com" },
    ],
    [
      "the upstash backend closed for want of tokens",
      { ...UNREACHABLE_UPSTASH, ...NO_TOKENS, KV_ALLOW_ANONYMOUS: "false" },
    ],
  ])("%s: 204 without Access-Control-Allow-Origin on every route", async (_label, settings) => {
    await expectOpenPreflights(appFetch(settings));
  });

  describe.skipIf(skipReasonOf("upstash") !== null)("the upstash backend through the bridge", () => {
    it.each([
      ["no allowlist, tokens", ""],
      ["a malformed allowlist, tokens", "https://app.example.com/path"],
    ])("%s: 204 without Access-Control-Allow-Origin on every route", async (_label, origins) => {
      const bridged = upstashSettings(sharedBridge(), uniquePrefix("preflight"));
      await expectOpenPreflights(appFetch({ ...bridged, ...TOKEN_BINDINGS, KV_CORS_ORIGINS: origins }));
    });
  });

  describe.each(BACKENDS)("an allowlist on the %s backend, with tokens", (backend) => {
    it.skipIf(skipReasonOf(backend) !== null)("allows the listed origin, and only that one", async () => {
      const settings = { ...TOKEN_BINDINGS, KV_CORS_ORIGINS: ORIGIN };
      const f =
        backend === "memory"
          ? appFetch({ STORAGE_BACKEND: "memory", ...settings })
          : appFetch({ ...upstashSettings(sharedBridge(), uniquePrefix("preflight")), ...settings });
      for (const path of PATHS) {
        const res = await f(path, preflight(ORIGIN));
        expect(res.status, path).toBe(204);
        expect(res.headers.get("access-control-allow-origin"), path).toBe(ORIGIN);
        expect(res.headers.get("access-control-allow-headers")?.toLowerCase(), path).toContain("authorization");
      }
      const other = await f(kv("k"), preflight("https://evil.example.com"));
      expect(other.status).toBe(204);
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      // The request itself still needs its token.
      expect((await f(kv("k"), { headers: { Origin: ORIGIN } })).status).toBe(401);
    });
  });
});
