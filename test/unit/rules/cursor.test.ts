import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../../src/rules/cursor";
import { problemOf } from "./problem";

const base64url = (text: string) => Buffer.from(text).toString("base64url");

describe("cursors", () => {
  it("round-trip the last key of a listing, Unicode included, in URL-safe text", () => {
    for (const [prefix, key] of [
      ["", "a"],
      ["p/", "p/😀 é"],
      ["ü", "ü?>>"],
      ["", "~~~~~~"],
    ] as const) {
      const cursor = encodeCursor(prefix, key);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, prefix)).toBe(key);
    }
  });

  it("are base64url of JSON with the prefix and the last key, without padding", () => {
    expect(encodeCursor("p/", "p/k")).toBe(base64url('{"p":"p/","a":"p/k"}'));
    expect(encodeCursor("", "?>")).toBe(base64url('{"p":"","a":"?>"}'));
    expect(encodeCursor("", "~~")).toBe(base64url('{"p":"","a":"~~"}'));
    expect(encodeCursor("", "ab")).toBe("eyJwIjoiIiwiYSI6ImFiIn0");
  });

  it("decode standard base64 with + and / too", () => {
    const standard = Buffer.from('{"p":"","a":"?>~"}').toString("base64");
    expect(standard).toMatch(/[+/]/);
    expect(decodeCursor(standard, "")).toBe("?>~");
  });

  it("refuse text that is not a cursor, as 400 invalid_cursor naming the field", () => {
    for (const cursor of [
      "",
      "!!!",
      base64url("not json"),
      base64url("null"),
      base64url("[]"),
      base64url('"a"'),
      base64url('{"p":""}'),
      base64url('{"a":"k"}'),
      base64url('{"p":1,"a":"k"}'),
      base64url('{"p":"","a":1}'),
      Buffer.from([0xff, 0xfe]).toString("base64url"),
    ]) {
      expect(problemOf(() => decodeCursor(cursor, ""))).toMatchObject({
        code: "invalid_cursor",
        status: 400,
        detail: "The cursor is not one this API returned",
        extras: { field: "cursor" },
      });
    }
  });

  it("refuse bytes that are not UTF-8, even inside a well-formed key", () => {
    const bytes = Buffer.concat([Buffer.from('{"p":"","a":"k'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(problemOf(() => decodeCursor(bytes.toString("base64url"), "")).code).toBe("invalid_cursor");
  });

  it("read past a leading byte order mark, as a UTF-8 decoder does by default", () => {
    expect(decodeCursor(base64url('\ufeff{"p":"","a":"k"}'), "")).toBe("k");
  });

  it("refuse a cursor of a listing with another prefix", () => {
    expect(problemOf(() => decodeCursor(encodeCursor("a/", "a/k"), "b/"))).toMatchObject({
      code: "invalid_cursor",
      detail: "The cursor belongs to a listing with another prefix",
    });
    expect(problemOf(() => decodeCursor(encodeCursor("a/", "a/k"), "a")).code).toBe("invalid_cursor");
  });

  it("refuse a cursor whose key is outside its prefix or not well-formed", () => {
    for (const cursor of [encodeCursor("a/", "b/k"), base64url('{"p":"","a":"\\ud800"}')]) {
      expect(problemOf(() => decodeCursor(cursor, cursor.startsWith("eyJwIjoiYS8i") ? "a/" : ""))).toMatchObject({
        code: "invalid_cursor",
        detail: "The cursor does not name a key of this listing",
      });
    }
  });
});
