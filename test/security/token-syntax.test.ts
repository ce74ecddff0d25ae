import { describe, expect, it } from "vitest";
import { bearerToken, constantTimeEqual, parseTokenSetting, sha256 } from "../../src/auth";
import { ConfigError } from "../../src/problems";

const T1 = "abcdefghijklmnop0123";
const T2 = "Zz09-._~+/Zz09-._~+/==";

function configErrorOf(value: string): ConfigError {
  try {
    parseTokenSetting("KV_READ_TOKENS", value);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("parsed without error");
}

describe("token settings syntax: TOKEN or TOKEN@PREFIX, comma-separated", () => {
  it("reads plain tokens, ignoring whitespace and empty entries", () => {
    expect(parseTokenSetting("KV_READ_TOKENS", ` ${T1} ,, ${T2},`)).toEqual([
      { token: T1, prefix: "" },
      { token: T2, prefix: "" },
    ]);
  });

  it("reads nothing from an empty or absent setting", () => {
    expect(parseTokenSetting("KV_READ_TOKENS", "")).toEqual([]);
    expect(parseTokenSetting("KV_READ_TOKENS", undefined)).toEqual([]);
    expect(parseTokenSetting("KV_READ_TOKENS", " , ")).toEqual([]);
  });

  it("splits at the first '@' and percent-decodes the prefix", () => {
    expect(parseTokenSetting("KV_READ_TOKENS", `${T1}@team/a,${T2}@a%2Cb%40c%25d%20e@f`)).toEqual([
      { token: T1, prefix: "team/a" },
      { token: T2, prefix: "a,b@c%d e@f" },
    ]);
  });

  it("accepts a Unicode prefix", () => {
    expect(parseTokenSetting("KV_READ_TOKENS", `${T1}@${encodeURIComponent("équipe/")}`)).toEqual([
      { token: T1, prefix: "équipe/" },
    ]);
  });

  it.each([
    ["a token with a character outside b64token", "abcdefghijklmnop0123!x", "is not a bearer token"],
    ["a token shorter than 16 characters", "short-token", "shorter than 16"],
    ["padding inside a token", "abcdefgh=ijklmnop0123", "is not a bearer token"],
    ["an empty prefix", `${T1}@`, "empty prefix"],
    ["a prefix with bad percent-encoding", `${T1}@a%zz`, "percent-encoded"],
    ["an entry that is only a prefix", "@team/", "is not a bearer token"],
  ])("refuses %s, naming the setting and the entry but not the text", (_label, entry) => {
    const error = configErrorOf(`${T2}, ${entry}`);
    expect(error.setting).toBe("KV_READ_TOKENS");
    expect(error.message).toMatch(/^KV_READ_TOKENS: entry 2 /);
    expect(error.message).not.toContain(entry);
    expect(error.message).not.toContain(T2);
  });
});

describe("bearer header parsing", () => {
  it.each([
    [undefined, undefined],
    ["Basic dXNlcjpwYXNz", undefined],
    ["Bearertoken", undefined],
    [`Bearer ${T1}`, T1],
    [`bearer   ${T1}  `, T1],
    [`BEARER\t${T1}`, T1],
    ["Bearer", ""],
    ["Bearer   ", ""],
    [`Bearer ${T1} extra`, ""],
  ])("%j gives %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe("constant-time comparison of digests", () => {
  it("is true only for equal digests", async () => {
    const a = await sha256(T1);
    expect(constantTimeEqual(a, await sha256(T1))).toBe(true);
    expect(constantTimeEqual(a, await sha256(T2))).toBe(false);
    const flipped = a.map((byte, i) => (i === 31 ? byte ^ 1 : byte));
    expect(constantTimeEqual(a, flipped)).toBe(false);
    expect(constantTimeEqual(a, a.slice(0, 31))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
