import { describe, expect, it } from "vitest";
import { appFetch, jsonInit, problemOf } from "../support/http";
import { TOKENS, tokenApp, withToken } from "./tokens";

const APP_ORIGIN = "https://app.example.com";
const allowing = tokenApp({ KV_CORS_ORIGINS: ` ${APP_ORIGIN}/ , http://localhost:5173` });
const closed = tokenApp({ KV_CORS_ORIGINS: "" });

function preflight(
  origin: string,
  method = "PUT",
  headers = "authorization,content-type,if-match,kv-metadata",
): RequestInit {
  return {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers },
  };
}

const splitList = (value: string | null) => (value ?? "").split(",").map((item) => item.trim().toLowerCase());

describe("CORS preflight", () => {
  it("allows a listed origin, without a token, naming methods and headers", async () => {
    const res = await allowing("/v1/kv/some%2Fkey", preflight(APP_ORIGIN));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(splitList(res.headers.get("access-control-allow-methods"))).toEqual(
      expect.arrayContaining(["get", "head", "put", "post", "patch", "delete"]),
    );
    expect(splitList(res.headers.get("access-control-allow-headers"))).toEqual(
      expect.arrayContaining(["authorization", "content-type", "if-match", "if-none-match", "kv-metadata"]),
    );
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("vary")).toMatch(/origin/i);
  });

  it("matches origins as browsers send them (trailing slash in the setting ignored)", async () => {
    const res = await allowing("/get/k", preflight("http://localhost:5173", "GET", "authorization"));
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  it.each([
    ["an origin not listed", "https://evil.example.com"],
    ["a listed host on another scheme", "http://app.example.com"],
    ["a listed host on another port", "https://app.example.com:8443"],
    ["a suffix trick", "https://app.example.com.evil.example"],
    ["the null origin", "null"],
  ])("gives no Access-Control-Allow-Origin to %s", async (_label, origin) => {
    const res = await allowing("/v1/kv/k", preflight(origin));
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("gives no Access-Control-Allow-Origin to anyone when KV_CORS_ORIGINS is empty (the default)", async () => {
    for (const f of [closed, appFetch({})]) {
      const res = await f("/v1/kv/k", preflight(APP_ORIGIN));
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

describe("CORS on actual responses", () => {
  it("exposes ETag, the KV-* headers and X-Request-Id to a listed origin", async () => {
    const f = withToken(allowing, TOKENS.write);
    const key = `cors-${crypto.randomUUID()}`;
    const res = await f(`/v1/kv/${key}?ttl=60`, {
      ...jsonInit("PUT", { a: 1 }),
      headers: { "Content-Type": "application/json", Origin: APP_ORIGIN, "KV-Metadata": '{"m":1}' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(splitList(res.headers.get("access-control-expose-headers"))).toEqual(
      expect.arrayContaining(["etag", "kv-expires-at", "kv-metadata", "x-request-id"]),
    );
    expect(res.headers.get("vary")).toMatch(/origin/i);
  });

  it("adds the CORS headers to error responses too, so browsers can read the problem", async () => {
    const res = await allowing("/get/k", { headers: { Origin: APP_ORIGIN } });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(splitList(res.headers.get("access-control-expose-headers"))).toContain("www-authenticate");
  });

  it("gives nothing to an unlisted origin", async () => {
    const res = await withToken(allowing, TOKENS.read)("/exists/k", {
      headers: { Origin: "https://evil.example.com" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows every origin for '*' (tokens still required)", async () => {
    const f = tokenApp({ KV_CORS_ORIGINS: "*" });
    const res = await f("/get/k", { headers: { Origin: "https://any.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.status).toBe(401);
  });
});

describe("a malformed KV_CORS_ORIGINS", () => {
  it.each(["app.example.com", "https://app.example.com/path", "ftp://files.example.com"])(
    "%j is a 503 naming the setting",
    async (origins) => {
      const res = await appFetch({ KV_CORS_ORIGINS: origins })("/get/k");
      expect(res.status).toBe(503);
      expect(await problemOf(res)).toMatchObject({ code: "misconfigured", setting: "KV_CORS_ORIGINS" });
    },
  );
});
