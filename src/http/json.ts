import { ApiError } from "./problem";

interface SourceContext {
  source?: string;
}

interface JsonWithRaw {
  rawJSON(text: string): unknown;
  isRawJSON(value: unknown): boolean;
}

const rawJson = JSON as unknown as JsonWithRaw;
/** Number text a double could round (16+ digits) or re-spell (an exponent). */
const MAY_CHANGE_TEXT = /[0-9]{16}|[0-9][eE]/;

/** Keeps a number literal's own text when a double cannot hold it exactly. */
function keepExactNumbers(_key: string, value: unknown, context?: SourceContext): unknown {
  if (typeof value === "number" && context?.source !== undefined && String(value) !== context.source) {
    return rawJson.rawJSON(context.source);
  }
  return value;
}

/**
 * Parses JSON text; malformed text is a 400 naming the parser's complaint.
 * Number literals that a double would round or re-spell (big integers, long
 * decimals, exponents) keep their exact text, so `JSON.stringify` of any part writes them back
 * digit for digit.
 */
export function parseJson(text: string): unknown {
  try {
    return MAY_CHANGE_TEXT.test(text) ? JSON.parse(text, keepExactNumbers) : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new ApiError(400, "malformed_json", `The request body is not valid JSON: ${reason}`);
  }
}

/** True for a number literal kept as exact text by `parseJson`. */
export function isExactNumber(value: unknown): boolean {
  return rawJson.isRawJSON(value);
}
