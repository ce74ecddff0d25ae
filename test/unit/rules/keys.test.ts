import { describe, expect, it } from "vitest";
import {
  checkKey,
  compareUtf8,
  isWellFormed,
  keyFromPath,
  listingStart,
  RESERVED_KEY_PREFIX,
  utf8Length,
} from "../../../src/rules/keys";
import { problemOf } from "./problem";

describe("utf8Length", () => {
  it.each([
    ["", 0],
    ["a", 1],
    ["\u007f", 1],
    ["\u0080", 2],
    ["é", 2],
    ["\u07ff", 2],
    ["\u0800", 3],
    ["€", 3],
    ["\uffff", 3],
    ["😀", 4],
    ["a😀b", 6],
    ["\ud800", 3],
    ["\udbff", 3],
    ["\udc00", 3],
    ["\ud800a", 4],
    ["\ud800\ud800", 6],
    ["\udbff\udfff", 4],
    ["\ud83d\ue000", 6],
    ["\ud83d\udbff", 6],
    ["\ud800\udc00", 4],
    ["\udc00\udc00", 6],
    ["€\udc00", 6],
    ["\udbff\udc00", 4],
    ["\ud800\udfff", 4],
  ])("counts %j as %i bytes, as TextEncoder does", (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(new TextEncoder().encode(text).byteLength).toBe(bytes);
  });
});

describe("isWellFormed", () => {
  it("is false only with a lone surrogate", () => {
    expect(isWellFormed("a😀")).toBe(true);
    expect(isWellFormed("a\ud800")).toBe(false);
    expect(isWellFormed("\udc00a")).toBe(false);
  });
});

describe("compareUtf8", () => {
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  it.each([
    ["a", "b"],
    ["b", "a"],
    ["a", "a"],
    ["a", "ab"],
    ["ab", "a"],
    ["", "a"],
    ["\ue000", "😀"],
    ["😀", "\ue000"],
    ["\uffff", "😀"],
    ["😀", "😁"],
    ["😁", "😀"],
    ["z😀", "z\ue000"],
    ["é", "z"],
    ["\ud7ff", "😀"],
    ["\ud800\udc00", "\ue000"],
    ["\ue000", "\ud800\udc00"],
  ])("orders %j against %j as their UTF-8 bytes do", (a, b) => {
    expect(Math.sign(compareUtf8(a, b))).toBe(byBytes(a, b));
  });

  it("sorts a list in byte order, which plain < does not", () => {
    const keys = ["😀", "\ue000", "a", "\uffff", "é", "ab", ""];
    expect([...keys].sort(compareUtf8)).toEqual([...keys].sort(byBytes));
    expect([...keys].sort()).not.toEqual([...keys].sort(byBytes));
  });
});

describe("checkKey", () => {
  it("returns a key that keeps every rule", () => {
    expect(checkKey("a/b c", 512)).toBe("a/b c");
    expect(checkKey("x".repeat(512), 512)).toBe("x".repeat(512));
    expect(checkKey("é".repeat(256), 512)).toBe("é".repeat(256));
    expect(checkKey(`x${RESERVED_KEY_PREFIX}`, 512)).toBe(`x${RESERVED_KEY_PREFIX}`);
  });

  it("refuses an empty key", () => {
    const error = problemOf(() => checkKey("", 512));
    expect(error).toMatchObject({ code: "key_empty", status: 400, detail: "The key must be a non-empty string" });
  });

  it("refuses a key one byte over the limit, naming the limit and the size: 400 from a body, 414 from a path", () => {
    const body = problemOf(() => checkKey(`${"é".repeat(256)}x`, 512));
    expect(body).toMatchObject({
      code: "key_too_long",
      status: 400,
      detail: "The key is 513 bytes of UTF-8; the limit is 512 bytes",
      extras: { limit: 512, size: 513 },
    });
    expect(problemOf(() => checkKey("x".repeat(513), 512, "path"))).toMatchObject({
      code: "key_too_long",
      status: 414,
    });
    expect(problemOf(() => checkKey("x".repeat(513), 512, "body"))).toMatchObject({ status: 400 });
  });

  it("counts bytes, not characters, once a key could be over the limit", () => {
    // 4 characters of 3 bytes: 12 bytes, over a limit of 11; 11 characters of one byte fit.
    expect(problemOf(() => checkKey("€€€€", 11))).toMatchObject({ extras: { limit: 11, size: 12 } });
    expect(checkKey("€€€", 9)).toBe("€€€");
    expect(checkKey("abcd", 11)).toBe("abcd");
  });

  it("refuses a lone surrogate", () => {
    expect(problemOf(() => checkKey("a\ud800", 512))).toMatchObject({
      code: "key_invalid",
      detail: "The key is not well-formed Unicode (lone surrogate)",
    });
  });

  it("refuses a key in the reserved prefix", () => {
    const error = problemOf(() => checkKey(`${RESERVED_KEY_PREFIX}meta:x`, 512));
    expect(error.code).toBe("key_reserved");
    expect(error.detail).toBe(`Keys starting with '${RESERVED_KEY_PREFIX}' are reserved for the store's own data`);
    expect(RESERVED_KEY_PREFIX).toBe("__edgekv__:");
  });
});

describe("keyFromPath", () => {
  const at = (path: string) => keyFromPath(`https://kv.example${path}`, "/v1/kv/", "");
  it("reads the key between the route's fixed parts, before any query", () => {
    expect(at("/v1/kv/plain")).toBe("plain");
    expect(at("/v1/kv/a%2Fb?x=1")).toBe("a/b");
    expect(keyFromPath("http://h/v1/kv/k%20x/incr?by=2", "/v1/kv/", "/incr")).toBe("k x");
    expect(keyFromPath("http://h/get/%25", "/get/", "")).toBe("%");
    expect(keyFromPath("http://h/get/a?b/c", "/get/", "")).toBe("a");
  });

  it("keeps + and other characters as they are", () => {
    expect(at("/v1/kv/a+b")).toBe("a+b");
  });

  it("refuses a path without a key or outside the route", () => {
    for (const path of ["/v1/kv/", "/v2/kv/x", "/v1/kv"]) {
      expect(problemOf(() => at(path))).toMatchObject({
        code: "key_invalid",
        detail: "The key in the path could not be located",
      });
    }
    expect(problemOf(() => keyFromPath("http://h/v1/kv/x/incr", "/v1/kv/", "/inc"))).toMatchObject({
      code: "key_invalid",
    });
    expect(problemOf(() => keyFromPath("http://h/v1/kv/incr", "/v1/kv/", "/incr"))).toMatchObject({
      code: "key_invalid",
    });
  });

  it("takes a one-character key", () => {
    expect(keyFromPath("http://h/v1/kv/x/incr", "/v1/kv/", "/incr")).toBe("x");
  });

  it("refuses bad percent-encoding and bytes that are not UTF-8", () => {
    for (const raw of ["%", "%zz", "%ff", "%c3"]) {
      expect(problemOf(() => at(`/v1/kv/${raw}`))).toMatchObject({
        code: "key_bad_encoding",
        detail: "The key in the path is not valid percent-encoded UTF-8",
      });
    }
  });
});

describe("listingStart", () => {
  it("starts at the prefix itself, or strictly after a cursor's key", () => {
    expect(listingStart("p/", null)).toEqual({ key: "p/", exclusive: false });
    expect(listingStart("p/", "p/x")).toEqual({ key: "p/x", exclusive: true });
  });
});
