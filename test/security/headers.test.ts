import { describe, expect, it } from "vitest";
import { appFetch, jsonInit } from "../support/http";
import { TOKENS, tokenApp, withToken } from "./tokens";

const app = tokenApp({ KV_CORS_ORIGINS: "https://app.example.com" });
const writer = withToken(app, TOKENS.write);
const key = `hdr-${crypto.randomUUID()}`;

/** One request of every kind of answer: success, each error family, preflight, open routes. */
const ANSWERS: [string, () => Promise<Response>][] = [
  ["200 GET /", () => app("/")],
  ["200 POST /set", () => writer("/set", jsonInit("POST", { key, value: 1 }))],
  ["200 GET /get/{key}", () => writer(`/get/${key}`)],
  ["201 PUT /v1/kv/{key}", () => writer(`/v1/kv/${key}-v1`, jsonInit("PUT", 1))],
  ["204 DELETE /v1/kv/{key}", () => writer(`/v1/kv/${key}-v1`, { method: "DELETE" })],
  ["400 malformed JSON", () => writer("/set", { method: "POST", body: "{" })],
  ["401 no token", () => app(`/get/${key}`)],
  ["403 read token writing", () => withToken(app, TOKENS.read)("/set", jsonInit("POST", { key, value: 2 }))],
  ["404 missing key", () => writer(`/get/missing-${key}`)],
  ["404 unknown route", () => app("/no/such/route")],
  ["405 wrong method", () => writer(`/get/${key}`, { method: "PUT" })],
  [
    "413 declared body too large",
    () => writer("/set", { method: "POST", body: "x", headers: { "Content-Length": "999999999" } }),
  ],
  ["503 misconfigured", () => appFetch({ KV_MAX_KEY_BYTES: "many" })(`/get/${key}`)],
  [
    "204 CORS preflight",
    () =>
      app(`/get/${key}`, {
        method: "OPTIONS",
        headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET" },
      }),
  ],
];

describe.each(ANSWERS)("security headers on %s", (_label, send) => {
  it("has nosniff, no-referrer, frame denial, HSTS, a restrictive CSP, no-store and a request id", async () => {
    const res = await send();
    const h = res.headers;
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("referrer-policy")).toBe("no-referrer");
    expect(h.get("x-frame-options")).toBe("DENY");
    expect(h.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    expect(h.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(h.get("content-security-policy")).toContain("default-src 'none'");
    expect(h.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(h.get("cache-control")).toBe("no-store");
    expect(h.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(h.get("x-powered-by")).toBeNull();
  });
});

describe("the docs page", () => {
  it("gets the security headers and a CSP that allows only this origin's script, style and fetches", async () => {
    const res = await app("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await res.text();
    // Nothing inline: the renderer is a script and a stylesheet of the static assets.
    expect(html).not.toMatch(/<script>|<style|\son[a-z]+=|style=/i);
    expect(html).toContain('<script type="module" src="/console/docs.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/console/docs.css">');
    const directives = Object.fromEntries(
      (res.headers.get("content-security-policy") ?? "").split(";").map((part) => {
        const [name, ...values] = part.trim().split(/\s+/);
        return [name, values.join(" ")];
      }),
    );
    expect(directives).toMatchObject({
      "default-src": "'none'",
      "script-src": "'self'",
      "style-src": "'self'",
      "connect-src": "'self'",
      "form-action": "'none'",
      "frame-ancestors": "'none'",
    });
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe");
  });
});

describe("tokens never come back", () => {
  it("no response header or body of any kind of answer contains the presented token", async () => {
    const presented = [TOKENS.write, TOKENS.read, TOKENS.unknown, `${TOKENS.admin}x`];
    for (const token of presented) {
      const f = withToken(app, token);
      const answers = [
        await f("/set", jsonInit("POST", { key, value: 1 })),
        await f(`/get/${key}`),
        await f(`/v1/kv/${key}`, { method: "HEAD" }),
        await f("/v1/admin/reindex", { method: "POST" }),
        await f("/v1/kv"),
        await f("/nowhere"),
      ];
      for (const res of answers) {
        for (const [name, value] of res.headers) expect(`${name}: ${value}`).not.toContain(token);
        expect(await res.text()).not.toContain(token);
      }
    }
  });
});

describe("answers start from shared headers", () => {
  it("an answer's own headers (ETag, Allow) never reach the next answer", async () => {
    const put = await writer(`/v1/kv/${key}-own`, jsonInit("PUT", 1));
    expect(put.headers.get("etag")).toMatch(/^"\d+"$/);
    const notAllowed = await writer(`/get/${key}`, { method: "PUT" });
    expect(notAllowed.headers.get("allow")).toContain("GET");
    const set = await writer("/set", jsonInit("POST", { key, value: 3 }));
    const missing = await writer(`/get/missing-${key}`);
    for (const res of [set, missing]) {
      expect(res.headers.get("etag")).toBeNull();
      expect(res.headers.get("allow")).toBeNull();
      expect(res.headers.get("content-type")).toBe(res === set ? "application/json" : "application/problem+json");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(set.headers.get("x-request-id")).not.toBe(missing.headers.get("x-request-id"));
  });
});
