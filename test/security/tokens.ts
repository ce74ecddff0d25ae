import { assert, expect } from "vitest";
import { appFetch, type Fetch, jsonInit } from "../support/http";

/** Tokens used by the security tests; each is a valid bearer token of 16+ characters. */
export const TOKENS = {
  read: "read-token-0123456789abcdef",
  write: "write-token-0123456789abcdef",
  admin: "admin-token-0123456789abcdef",
  readTeam: "read-team-token-0123456789",
  writeTeam: "write-team-token-0123456789",
  unknown: "not-a-configured-token-0123",
} as const;

/** The prefix the `*Team` tokens are limited to. */
export const TEAM_PREFIX = "team/";

/** Bindings that configure every token above: team tokens limited to TEAM_PREFIX. */
export const TOKEN_BINDINGS = {
  KV_READ_TOKENS: `${TOKENS.read}, ${TOKENS.readTeam}@${TEAM_PREFIX}`,
  KV_WRITE_TOKENS: `${TOKENS.write},${TOKENS.writeTeam}@${encodeURIComponent(TEAM_PREFIX)}`,
  KV_ADMIN_TOKENS: TOKENS.admin,
} as const;

/** A fetch that sends `Authorization: Bearer <token>` (or nothing when token is undefined). */
export function withToken(f: Fetch, token: string | undefined): Fetch {
  return (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
    return f(path, { ...init, headers });
  };
}

/** The app on the memory backend with every token of TOKEN_BINDINGS configured. */
export function tokenApp(extra: Partial<Record<keyof Env, string>> = {}): Fetch {
  return appFetch({ ...TOKEN_BINDINGS, ...extra });
}

/** Writes 41 at `key` with the admin token, as a sentinel a refused request must not touch; its ETag. */
export async function writeSentinel(admin: Fetch, key: string): Promise<string> {
  const res = await admin(`/v1/kv/${encodeURIComponent(key)}`, jsonInit("PUT", 41));
  expect([200, 201]).toContain(res.status);
  const etag = res.headers.get("etag");
  assert.isNotNull(etag, "a written value has an ETag");
  return etag;
}

/** Asserts the sentinel at `key` is as written: same ETag, no expiry, value 41. */
export async function expectUntouched(admin: Fetch, key: string, etag: string): Promise<void> {
  const res = await admin(`/v1/kv/${encodeURIComponent(key)}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("etag")).toBe(etag);
  expect(res.headers.get("kv-expires-at")).toBeNull();
  expect(await res.json()).toBe(41);
}
