import { ApiError, type ProblemCode } from "../problems";
import { utf8Length } from "./keys";

/** The deepest nesting of arrays and objects accepted in any JSON the API reads. */
export const MAX_JSON_DEPTH = 128;

interface JsonWithSource {
  rawJSON(text: string): unknown;
  isRawJSON(value: unknown): boolean;
}

// JSON.parse source text access (ES2025): in workerd, and in Node with --harmony-json-parse-with-source.
const json = JSON as unknown as JsonWithSource;

enum Char {
  Quote = 0x22,
  Backslash = 0x5c,
  OpenBracket = 0x5b,
  OpenBrace = 0x7b,
  CloseBracket = 0x5d,
  CloseBrace = 0x7d,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  LowerE = 0x65,
  UpperE = 0x45,
}

/** The longest integer literal whose text a double always keeps (15 digits). */
const SAFE_DIGITS = 15;

/**
 * One pass over JSON text, outside strings: the deepest nesting, and whether a
 * number literal might not survive a double (a fraction, an exponent, `-0`, or
 * more than 15 digits). Malformed text is left for JSON.parse to refuse.
 */
function scan(text: string): { depth: number; inexactNumbers: boolean } {
  let depth = 0;
  let deepest = 0;
  let inexactNumbers = false;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === Char.Backslash) i++;
      else if (c === Char.Quote) inString = false;
    } else if (c === Char.Quote) inString = true;
    else if (c === Char.OpenBracket || c === Char.OpenBrace) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === Char.CloseBracket || c === Char.CloseBrace) depth--;
    else if (!inexactNumbers && (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine))) {
      let end = i + 1;
      let plain = true;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d >= Char.Zero && d <= Char.Nine) continue;
        if (d === Char.Dot || d === Char.LowerE || d === Char.UpperE || d === Char.Minus || d === 0x2b) plain = false;
        else break;
      }
      const literal = text.slice(i, end);
      inexactNumbers = !plain || literal === "-0" || literal.replace("-", "").length > SAFE_DIGITS;
      i = end - 1;
    }
  }
  return { depth: deepest, inexactNumbers };
}

function keepNumberText(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number") return value;
  const source = context?.source ?? String(value);
  if (!Number.isFinite(value)) {
    throw new ApiError("number_out_of_range", {
      detail: `The number ${source.slice(0, 40)} is beyond what a 64-bit float holds`,
    });
  }
  return String(value) === source ? value : json.rawJSON(source);
}

/**
 * Parses JSON text the API reads (a body, a header, a line). Nesting deeper
 * than MAX_JSON_DEPTH is refused before parsing; every number keeps the exact
 * text it was sent with (`1.0`, `1e3`, `-0` and big integers are written back
 * digit for digit by JSON.stringify); a number too large for a double is refused.
 */
export function parseJson(text: string, what = "The request body"): unknown {
  const { depth, inexactNumbers } = scan(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new ApiError("json_too_deep", {
      detail: `${what} nests JSON ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`,
      extras: { limit: MAX_JSON_DEPTH, size: depth },
    });
  }
  try {
    return inexactNumbers ? JSON.parse(text, keepNumberText) : JSON.parse(text);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new ApiError("malformed_json", { detail: `${what} is not valid JSON: ${reason}` });
  }
}

/** True for a number literal kept as exact text by `parseJson`. */
export function isExactNumber(value: unknown): boolean {
  return typeof value === "object" && value !== null && json.isRawJSON(value);
}

/**
 * A parsed JSON number as a double: a number kept as exact text reads as the
 * number it spells, so `60.0` counts as 60 wherever a number is expected.
 */
export function asNumber(value: unknown): unknown {
  return isExactNumber(value) ? Number((value as { rawJSON: string }).rawJSON) : value;
}

/** True for a JSON object: not an array, not null, not a number kept as exact text. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isExactNumber(value);
}

/**
 * Refuses JSON text over `limit` UTF-8 bytes with a 413 naming the limit and
 * the size: "The value is 2048 bytes of JSON; the limit is 1024 bytes".
 */
function refuseOverLimit(text: string, limit: number, code: ProblemCode, what: string): void {
  const size = utf8Length(text);
  if (size > limit) {
    throw new ApiError(code, {
      detail: `${what} is ${size} bytes of JSON; the limit is ${limit} bytes`,
      extras: { limit, size },
    });
  }
}

/** The JSON text to store for a parsed value, refused with 413 when over `limit` bytes. */
export function valueText(value: unknown, limit: number): string {
  const text = JSON.stringify(value);
  refuseOverLimit(text, limit, "value_too_large", "The value");
  return text;
}

/**
 * Compact JSON text of a metadata object, refused with 400 unless it is a JSON
 * object and with 413 when over `limit` bytes (naming the limit and the size).
 */
export function metadataText(value: unknown, limit: number): string {
  if (!isJsonObject(value)) {
    throw new ApiError("invalid_metadata", { detail: "Metadata must be a JSON object", extras: { field: "metadata" } });
  }
  const text = JSON.stringify(value);
  refuseOverLimit(text, limit, "metadata_too_large", "The metadata");
  return text;
}

/**
 * The `KV-Metadata` request header as compact JSON text, or null when absent.
 * The header is UTF-8 as sent; the runtime reads bytes that are not UTF-8 as
 * U+FFFD, so a raw U+FFFD means the header was not UTF-8 (JSON's `\ufffd`
 * escape still sends one).
 */
export function metadataFromHeader(header: string | undefined, limit: number): string | null {
  if (header === undefined) return null;
  if (header.includes("\uFFFD")) {
    throw new ApiError("invalid_metadata", {
      detail: "KV-Metadata is not valid UTF-8 (escape non-ASCII characters as \\uXXXX if in doubt)",
      extras: { header: "KV-Metadata" },
    });
  }
  let parsed: unknown;
  try {
    parsed = parseJson(header, "KV-Metadata");
  } catch (error) {
    if (error instanceof ApiError && error.code !== "malformed_json") throw error;
    throw new ApiError("invalid_metadata", {
      detail: "KV-Metadata must be a JSON object",
      extras: { header: "KV-Metadata" },
    });
  }
  return metadataText(parsed, limit);
}

/** Metadata JSON text made safe for a response header: every non-ASCII character escaped. */
export function metadataHeader(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,18})$/;

/**
 * Adds `by` to the integer written as `text` with Redis INCRBY rules: the text
 * must be a plain decimal integer and both it and the sum must fit in 64 bits.
 * Returns the sum as decimal text, or null when a rule fails.
 */
export function addToIntegerText(text: string, by: number): string | null {
  if (!INTEGER_TEXT.test(text) || text === "-0") return null;
  const start = BigInt(text);
  const sum = start + BigInt(by);
  return start >= INT64_MIN && start <= INT64_MAX && sum >= INT64_MIN && sum <= INT64_MAX ? sum.toString() : null;
}
