import { describe, expect, it } from "vitest";
import {
  addToIntegerText,
  asNumber,
  isExactNumber,
  isJsonObject,
  MAX_JSON_DEPTH,
  metadataFromHeader,
  metadataHeader,
  metadataText,
  parseJson,
  valueText,
} from "../../../src/rules/json";
import { problemOf } from "./problem";

/** JSON text of what parseJson read, written back. */
const roundTrip = (text: string) => JSON.stringify(parseJson(text));

describe("parseJson", () => {
  it("parses plain JSON as JSON.parse does", () => {
    expect(parseJson('{"a":[1,"x",null,true]}')).toEqual({ a: [1, "x", null, true] });
    expect(parseJson("12")).toBe(12);
    expect(parseJson("-12")).toBe(-12);
    expect(parseJson("0")).toBe(0);
  });

  it.each([
    "1.0",
    "1e3",
    "1E3",
    "1e+3",
    "2.50",
    "-0",
    "-0.0",
    "1234567890123456",
    "-1234567890123456",
    "12345678901234567890",
    "0.1e-2",
  ])("writes the number %s back digit for digit", (literal) => {
    expect(roundTrip(literal)).toBe(literal);
    expect(roundTrip(`[${literal}]`)).toBe(`[${literal}]`);
    expect(roundTrip(`{"n":${literal}}`)).toBe(`{"n":${literal}}`);
  });

  it("keeps fifteen-digit integers as plain numbers", () => {
    expect(parseJson("123456789012345")).toBe(123456789012345);
    expect(parseJson("-123456789012345")).toBe(-123456789012345);
    expect(parseJson("1234567890123456")).toBe(1234567890123456);
    expect(isExactNumber(parseJson("12345678901234567"))).toBe(true);
  });

  it("looks at every number, not only the first, and not at digits inside strings", () => {
    expect(roundTrip("[1, 2.0]")).toBe("[1,2.0]");
    expect(roundTrip('["1.0", 2.0]')).toBe('["1.0",2.0]');
    expect(parseJson('["1.0", 2]')).toEqual(["1.0", 2]);
    expect(roundTrip('{"a\\"1.0":1.50}')).toBe('{"a\\"1.0":1.50}');
    expect(roundTrip('["\\\\", 1.0]')).toBe('["\\\\",1.0]');
  });

  it("finds each number however it starts and ends", () => {
    // The scan must see 0.50 and 9.0 from their first digit, and not skip what follows a number.
    expect(roundTrip("[0.50]")).toBe("[0.50]");
    expect(roundTrip("[9.0]")).toBe("[9.0]");
    expect(roundTrip("[1,2.0]")).toBe("[1,2.0]");
    // An escaped quote does not end a string: the 1.0 after it is outside.
    expect(roundTrip('["\\"",1.0]')).toBe('["\\"",1.0]');
  });

  it("keeps the exact text of a number only when a double would change it", () => {
    const parsed = parseJson("[1.5, 1.0, 100]") as unknown[];
    expect(parsed[0]).toBe(1.5);
    expect(isExactNumber(parsed[1])).toBe(true);
    expect(parsed[2]).toBe(100);
  });

  it("refuses a number too large for a double, quoting its start", () => {
    const big = `1${"0".repeat(400)}`;
    expect(problemOf(() => parseJson(`[${big}]`))).toMatchObject({
      code: "number_out_of_range",
      detail: `The number ${big.slice(0, 40)} is beyond what a 64-bit float holds`,
    });
    expect(problemOf(() => parseJson("-1e999")).code).toBe("number_out_of_range");
  });

  it("accepts nesting down to the limit and refuses one level more, naming the depth", () => {
    expect(MAX_JSON_DEPTH).toBe(128);
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(() => parseJson(deep(128))).not.toThrow();
    expect(() => parseJson(`[${Array(200).fill("{}").join(",")}]`)).not.toThrow();
    expect(() => parseJson(`{"a":${deep(127)}}`)).not.toThrow();
    expect(problemOf(() => parseJson(deep(129)))).toMatchObject({
      code: "json_too_deep",
      detail: "The request body nests JSON 129 levels deep; the limit is 128",
      extras: { limit: 128, size: 129 },
    });
    expect(problemOf(() => parseJson(`{"a":${deep(128)}}`, "Line 3")).detail).toBe(
      "Line 3 nests JSON 129 levels deep; the limit is 128",
    );
  });

  it("measures the deepest nesting, not the last or the total", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(problemOf(() => parseJson(`[${deep(128)},[]]`)).extras).toEqual({ limit: 128, size: 129 });
    expect(() => parseJson(`[${Array(200).fill("[]").join(",")}]`)).not.toThrow();
  });

  it("does not count brackets inside strings", () => {
    expect(parseJson(`["${"[".repeat(200)}"]`)).toEqual(["[".repeat(200)]);
  });

  it("refuses malformed text as 400 malformed_json, naming what was read", () => {
    for (const text of ["", "{", "[1,]", "nul", "{'a':1}", "[1.0,]", "01"]) {
      const error = problemOf(() => parseJson(text, "KV-Metadata"));
      expect(error.code).toBe("malformed_json");
      expect(error.detail).toMatch(/^KV-Metadata is not valid JSON: ./);
    }
    expect(problemOf(() => parseJson("{")).detail).toMatch(/^The request body is not valid JSON: /);
  });
});

describe("asNumber and isJsonObject", () => {
  it("reads a number kept as text as the number it spells", () => {
    expect(asNumber(parseJson("60.0"))).toBe(60);
    expect(asNumber(7)).toBe(7);
    expect(asNumber("7")).toBe("7");
    expect(asNumber(null)).toBe(null);
  });

  it("knows a JSON object from an array, null, a number kept as text and the rest", () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject(parseJson("1.0"))).toBe(false);
    expect(isJsonObject("x")).toBe(false);
    expect(isExactNumber(null)).toBe(false);
    expect(isExactNumber({ rawJSON: "1.0" })).toBe(false);
    expect(isExactNumber(1)).toBe(false);
  });
});

describe("size limits", () => {
  it("accept a value of exactly the limit in UTF-8 bytes and refuse one byte more", () => {
    expect(valueText("é", 4)).toBe('"é"');
    expect(problemOf(() => valueText("éa", 4))).toMatchObject({
      code: "value_too_large",
      status: 413,
      detail: "The value is 5 bytes of JSON; the limit is 4 bytes",
      extras: { limit: 4, size: 5 },
    });
  });

  it("write metadata as compact JSON within its limit", () => {
    expect(metadataText({ a: 1 }, 7)).toBe('{"a":1}');
    expect(problemOf(() => metadataText({ a: 10 }, 7))).toMatchObject({
      code: "metadata_too_large",
      detail: "The metadata is 8 bytes of JSON; the limit is 7 bytes",
      extras: { limit: 7, size: 8 },
    });
  });

  it("refuse metadata that is not a JSON object", () => {
    for (const value of [[], null, 1, "x"]) {
      expect(problemOf(() => metadataText(value, 1024))).toMatchObject({
        code: "invalid_metadata",
        status: 400,
        detail: "Metadata must be a JSON object",
        extras: { field: "metadata" },
      });
    }
  });
});

describe("the KV-Metadata header", () => {
  it("is absent, or a JSON object as compact text", () => {
    expect(metadataFromHeader(undefined, 1024)).toBeNull();
    expect(metadataFromHeader(' { "a" : 1.0 } ', 1024)).toBe('{"a":1.0}');
    expect(metadataFromHeader('{"e":"\\ufffd"}', 1024)).toBe('{"e":"\uFFFD"}');
  });

  it("refuses text that was not UTF-8", () => {
    expect(problemOf(() => metadataFromHeader('{"e":"\uFFFD"}', 1024))).toMatchObject({
      code: "invalid_metadata",
      detail: "KV-Metadata is not valid UTF-8 (escape non-ASCII characters as \\uXXXX if in doubt)",
      extras: { header: "KV-Metadata" },
    });
  });

  it("refuses malformed JSON and JSON that is not an object as invalid_metadata", () => {
    expect(problemOf(() => metadataFromHeader("{", 1024))).toMatchObject({
      code: "invalid_metadata",
      detail: "KV-Metadata must be a JSON object",
      extras: { header: "KV-Metadata" },
    });
    expect(problemOf(() => metadataFromHeader("[1]", 1024))).toMatchObject({
      code: "invalid_metadata",
      extras: { field: "metadata" },
    });
  });

  it("keeps the code of other problems: too deep, too large", () => {
    const deep = `{"a":${"[".repeat(128)}${"]".repeat(128)}}`;
    expect(problemOf(() => metadataFromHeader(deep, 100_000))).toMatchObject({
      code: "json_too_deep",
      detail: "KV-Metadata nests JSON 129 levels deep; the limit is 128",
    });
    expect(problemOf(() => metadataFromHeader('{"a":1}', 6)).code).toBe("metadata_too_large");
  });

  it("escapes every non-ASCII character when written to a response header", () => {
    expect(metadataHeader('{"a":"é€😀\u007f~"}')).toBe('{"a":"\\u00e9\\u20ac\\ud83d\\ude00\\u007f~"}');
    expect(metadataHeader('{"a":"\u0080"}')).toBe('{"a":"\\u0080"}');
    expect(JSON.parse(metadataHeader('{"a":"é😀"}'))).toEqual({ a: "é😀" });
  });
});

describe("addToIntegerText (Redis INCRBY rules)", () => {
  it("adds to a plain decimal integer", () => {
    expect(addToIntegerText("41", 1)).toBe("42");
    expect(addToIntegerText("0", -5)).toBe("-5");
    expect(addToIntegerText("-10", 3)).toBe("-7");
    expect(addToIntegerText("9007199254740993", 2)).toBe("9007199254740995");
  });

  it("stays within 64 bits, the start and the sum", () => {
    expect(addToIntegerText("9223372036854775806", 1)).toBe("9223372036854775807");
    expect(addToIntegerText("9223372036854775807", 1)).toBeNull();
    expect(addToIntegerText("-9223372036854775807", -1)).toBe("-9223372036854775808");
    expect(addToIntegerText("-9223372036854775808", -1)).toBeNull();
    expect(addToIntegerText("-9223372036854775808", 0)).toBe("-9223372036854775808");
    expect(addToIntegerText("9223372036854775807", 0)).toBe("9223372036854775807");
    expect(addToIntegerText("9223372036854775808", -1)).toBeNull();
    expect(addToIntegerText("-9223372036854775809", 1)).toBeNull();
  });

  it("refuses text that is not a plain integer", () => {
    for (const text of ["", "-0", "01", "+1", "1.0", "1e3", " 1", "1 ", "x", "-", "12345678901234567890"]) {
      expect(addToIntegerText(text, 1)).toBeNull();
    }
  });
});
