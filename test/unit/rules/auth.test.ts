import { describe, expect, it } from "vitest";
import {
  authenticate,
  authNotConfigured,
  bearerToken,
  constantTimeEqual,
  isTokenSyntax,
  MAX_TOKEN_LENGTH,
  MIN_TOKEN_LENGTH,
  openAccess,
  parseTokenSetting,
  REALM,
  type Scope,
  scopeIncludes,
  sha256,
  TokenTable,
  tokenGrantsOf,
} from "../../../src/auth";
import { ApiError } from "../../../src/problems";
import { configErrorOf, problemOf } from "./problem";

const READ = "read-token-0123456789";
const WRITE = "write-token-0123456789";
const ADMIN = "admin-token-0123456789";
const TEAM = "team-token-0123456789";

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("token syntax", () => {
  it("accepts b64token characters with trailing padding, up to the longest length", () => {
    expect(isTokenSyntax("aZ09-._~+/")).toBe(true);
    expect(isTokenSyntax("abc==")).toBe(true);
    expect(isTokenSyntax("a".repeat(MAX_TOKEN_LENGTH))).toBe(true);
    expect(MAX_TOKEN_LENGTH).toBe(4096);
    expect(MIN_TOKEN_LENGTH).toBe(16);
  });

  it("refuses other characters, inner padding, emptiness and excess length", () => {
    for (const token of ["", "a b", "a,b", "a@b", "a=b", "=", "é", "a\n", "a".repeat(MAX_TOKEN_LENGTH + 1)]) {
      expect(isTokenSyntax(token)).toBe(false);
    }
  });
});

describe("parseTokenSetting", () => {
  it("reads entries separated by commas, ignoring spaces and empty entries", () => {
    expect(parseTokenSetting("KV_READ_TOKENS", undefined)).toEqual([]);
    expect(parseTokenSetting("KV_READ_TOKENS", " , ")).toEqual([]);
    expect(parseTokenSetting("KV_READ_TOKENS", ` ${READ} ,,${WRITE}@team%2F , ${ADMIN}@a%2Cb%25`)).toEqual([
      { token: READ, prefix: "" },
      { token: WRITE, prefix: "team/" },
      { token: ADMIN, prefix: "a,b%" },
    ]);
    expect(parseTokenSetting("KV_READ_TOKENS", `${READ}@team/`)).toEqual([{ token: READ, prefix: "team/" }]);
  });

  it("accepts a token of exactly the shortest length", () => {
    expect(parseTokenSetting("S", "a".repeat(16))).toEqual([{ token: "a".repeat(16), prefix: "" }]);
  });

  it("refuses a malformed entry, naming the setting and the position, never the token", () => {
    const cases: Array<[string, string]> = [
      [
        `${READ}, bad token!x`,
        "KV_WRITE_TOKENS: entry 2 is not a bearer token (letters, digits and -._~+/ with optional trailing =)",
      ],
      [`${READ},, short`, "KV_WRITE_TOKENS: entry 3 is shorter than 16 characters"],
      [`${"a".repeat(15)}`, "KV_WRITE_TOKENS: entry 1 is shorter than 16 characters"],
      [`${READ}@`, "KV_WRITE_TOKENS: entry 1 has an empty prefix after '@' (omit '@' for the whole store)"],
      [`${READ}@%zz`, "KV_WRITE_TOKENS: entry 1 has a prefix that is not valid percent-encoded UTF-8"],
      [
        `@team/`,
        "KV_WRITE_TOKENS: entry 1 is not a bearer token (letters, digits and -._~+/ with optional trailing =)",
      ],
    ];
    for (const [value, message] of cases) {
      const error = configErrorOf(() => parseTokenSetting("KV_WRITE_TOKENS", value));
      expect(error.setting).toBe("KV_WRITE_TOKENS");
      expect(error.message).toBe(message);
    }
  });

  it("gives every scope its setting's tokens", () => {
    expect(tokenGrantsOf({ KV_READ_TOKENS: READ, KV_WRITE_TOKENS: `${WRITE}@w/`, KV_ADMIN_TOKENS: ADMIN })).toEqual([
      { token: READ, prefix: "", scope: "read" },
      { token: WRITE, prefix: "w/", scope: "write" },
      { token: ADMIN, prefix: "", scope: "admin" },
    ]);
  });
});

describe("bearerToken", () => {
  it("reads the token of a Bearer header, any case, spaces or tabs around it", () => {
    expect(bearerToken(`Bearer ${READ}`)).toBe(READ);
    expect(bearerToken(`bearer\t${READ} `)).toBe(READ);
    expect(bearerToken(` BEARER   ${READ}\t`)).toBe(READ);
  });

  it("is undefined without a header or for another scheme, and empty for a malformed Bearer", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(`Basic ${READ}`)).toBeUndefined();
    expect(bearerToken(`Bearer2 ${READ}`)).toBeUndefined();
    expect(bearerToken(`xBearer ${READ}`)).toBeUndefined();
    expect(bearerToken("Bearer")).toBe("");
    expect(bearerToken("Bearer ")).toBe("");
    expect(bearerToken(`Bearer ${READ} extra`)).toBe("");
    expect(bearerToken(`Bearer ${READ} Bearer ${WRITE}`)).toBe("");
  });
});

describe("scopes", () => {
  it("rank admin over write over read", () => {
    const scopes: Scope[] = ["read", "write", "admin"];
    for (const [i, held] of scopes.entries()) {
      for (const [j, wanted] of scopes.entries()) expect(scopeIncludes(held, wanted)).toBe(i >= j);
    }
  });
});

describe("constantTimeEqual and sha256", () => {
  it("compare byte arrays, lengths included", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([0]), new Uint8Array([]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([]), new Uint8Array([]))).toBe(true);
  });

  it("hash the UTF-8 bytes", async () => {
    const hex = Buffer.from(await sha256("abc")).toString("hex");
    expect(hex).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

function table(): TokenTable {
  return new TokenTable([
    { token: READ, prefix: "", scope: "read" },
    { token: WRITE, prefix: "", scope: "write" },
    { token: ADMIN, prefix: "", scope: "admin" },
    { token: TEAM, prefix: "team/", scope: "write" },
    { token: TEAM, prefix: "shared/", scope: "read" },
  ]);
}

describe("TokenTable", () => {
  it("is configured when it holds a token", () => {
    expect(table().configured).toBe(true);
    expect(new TokenTable([]).configured).toBe(false);
  });

  it("answers 401 with a Bearer challenge without a Bearer token", async () => {
    for (const header of [undefined, `Basic ${READ}`]) {
      const error = await rejection(table().verify(header));
      expect(error).toMatchObject({
        code: "unauthorized",
        status: 401,
        detail: "This route needs a bearer token: send 'Authorization: Bearer <token>'",
        headers: { "WWW-Authenticate": `Bearer realm="${REALM}"` },
      });
    }
    expect(REALM).toBe("edge-kv");
  });

  it("answers 401 invalid_token for a token it does not hold or that is malformed", async () => {
    for (const header of ["Bearer", `Bearer ${READ}x`, `Bearer ${READ.slice(0, -1)}`, "Bearer bad!token-0123456789"]) {
      const error = await rejection(table().verify(header));
      expect(error).toMatchObject({
        code: "invalid_token",
        status: 401,
        detail: "The bearer token is not valid for this service",
        headers: { "WWW-Authenticate": `Bearer realm="${REALM}", error="invalid_token"` },
      });
      expect(error.detail).not.toContain(READ);
    }
  });

  it("names the caller by the token's SHA-256, and remembers a verified header", async () => {
    const tokens = table();
    const header = `Bearer ${READ}`;
    expect(tokens.knownHeader(header)).toBeUndefined();
    const access = await tokens.verify(header);
    expect(access.caller).toBe(Buffer.from(await sha256(READ)).toString("hex"));
    expect(tokens.knownHeader(header)).toBe(access);
    expect(await authenticate(tokens, header)).toBe(access);
    expect(await tokens.holderOf(READ)).toBe(await tokens.holderOf(READ));
    expect(await tokens.holderOf("unknown-token-0123456789")).toBeNull();
    expect(await tokens.holderOf("not a token")).toBeNull();
  });

  it("remembers the headers and tokens it verified, up to 1,024 of each", async () => {
    const tokens = table();
    // Headers that differ only in trailing spaces carry the same token.
    const header = (i: number) => `Bearer ${READ}${" ".repeat(i)}`;
    const first = await tokens.verify(header(0));
    await tokens.verify(header(1));
    expect(tokens.knownHeader(header(0))).toBe(first);
    for (let i = 2; i < 1024; i++) await tokens.verify(header(i));
    expect(tokens.knownHeader(header(0))).toBe(first);
    await tokens.verify(header(1024));
    expect(tokens.knownHeader(header(0))).toBeUndefined();
    expect(tokens.knownHeader(header(1024))).toBeDefined();
  });

  it("keeps a verified token's holder while others are verified", async () => {
    // The bound is the one the header cache above shows (the same code): filling this cache
    // needs 1,025 configured tokens, whose constant-time comparisons are slow under Stryker.
    const tokens = table();
    const first = await tokens.holderOf(READ);
    await tokens.holderOf(WRITE);
    expect(await tokens.holderOf(READ)).toBe(first);
  });

  it("grants what each token's scope includes, on every key", async () => {
    const read = await table().verify(`Bearer ${READ}`);
    const write = await table().verify(`Bearer ${WRITE}`);
    const admin = await table().verify(`Bearer ${ADMIN}`);
    read.require("read", "any/key");
    read.requirePrefix("read", "");
    read.requireStoreWide("read");
    write.require("write", "k");
    write.require("read", "k");
    admin.requireStoreWide("admin");
    admin.require("write", "k");
    expect(problemOf(() => read.require("write", "k"))).toMatchObject({
      code: "forbidden",
      status: 403,
      detail: "This token does not grant write access to key 'k'",
      extras: { scope: "write", key: "k" },
      headers: { "WWW-Authenticate": `Bearer realm="${REALM}", error="insufficient_scope", scope="write"` },
    });
    expect(problemOf(() => write.requireStoreWide("admin"))).toMatchObject({
      code: "forbidden",
      detail: "This operation needs a token with admin scope on the whole store",
      extras: { scope: "admin" },
    });
    expect(problemOf(() => read.requirePrefix("write", "p/"))).toMatchObject({
      detail: "This token does not grant write access to every key starting with 'p/'",
      extras: { scope: "write", prefix: "p/" },
    });
  });

  it("limits a prefixed grant to keys that start with its prefix, the union of a token's grants", async () => {
    const team = await table().verify(`Bearer ${TEAM}`);
    team.require("write", "team/x");
    team.require("write", "team/");
    team.require("read", "team/x");
    team.require("read", "shared/x");
    for (const key of ["other/team/x", "xteam/y", "team", "tea", "", "Team/x"]) {
      expect(problemOf(() => team.require("read", key)).code).toBe("forbidden");
    }
    expect(problemOf(() => team.require("write", "shared/x")).code).toBe("forbidden");
  });

  it("allows a listing only under a granted prefix, never store-wide", async () => {
    const team = await table().verify(`Bearer ${TEAM}`);
    team.requirePrefix("read", "team/");
    team.requirePrefix("read", "team/sub/");
    team.requirePrefix("write", "team/a");
    for (const prefix of ["", "team", "other/team/", "xteam/", "shared"]) {
      expect(problemOf(() => team.requirePrefix("read", prefix)).code).toBe("forbidden");
    }
    expect(problemOf(() => team.requireStoreWide("read")).code).toBe("forbidden");
  });
});

describe("authenticate", () => {
  it("opens every route when no token is configured", async () => {
    const access = await authenticate(new TokenTable([]), undefined);
    expect(access).toBe(openAccess);
    expect(access.caller).toBeNull();
    expect(() => {
      access.require("admin", "k");
      access.requirePrefix("admin", "");
      access.requireStoreWide("admin");
    }).not.toThrow();
  });

  it("verifies the header when tokens are configured", async () => {
    expect((await rejection(Promise.resolve(authenticate(table(), undefined)))).code).toBe("unauthorized");
    const access = await authenticate(table(), `Bearer ${WRITE}`);
    expect(access.caller).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("authNotConfigured", () => {
  it("is a 503 naming the backend and the settings", () => {
    const error = authNotConfigured("upstash");
    expect(error).toMatchObject({
      code: "auth_not_configured",
      status: 503,
      extras: { settings: ["KV_READ_TOKENS", "KV_WRITE_TOKENS", "KV_ADMIN_TOKENS", "KV_ALLOW_ANONYMOUS"] },
    });
    expect(error.detail).toBe(
      "No API token is configured (KV_READ_TOKENS, KV_WRITE_TOKENS, KV_ADMIN_TOKENS) for the upstash backend, " +
        "so data routes are closed. Set tokens with 'wrangler secret put', or set KV_ALLOW_ANONYMOUS=true to serve without auth",
    );
  });
});
