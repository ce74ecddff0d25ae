import { ApiError } from "./problem";

interface SourceContext {
  source?: string;
}

interface JsonWithRaw {
  rawJSON(text: string): unknown;
  isRawJSON(value: unknown): boolean;
}

const rawJson = JSON as unknown as JsonWithRaw;

/**
 * True when a parsed value holds a number whose text a double may have
 * changed: anything but a safe integer (big integers, long decimals, exponents).
 */
function mayHoldChangedNumber(value: unknown): boolean {
  if (typeof value === "number") return !Number.isSafeInteger(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(mayHoldChangedNumber);
  for (const key in value) {
    if (mayHoldChangedNumber((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

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
 * decimals, exponents) keep their exact text, so `JSON.stringify` of any part
 * writes them back digit for digit. Text with only safe integers is parsed once.
 */
export function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return mayHoldChangedNumber(value) ? JSON.parse(text, keepExactNumbers) : value;
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new ApiError(400, "malformed_json", `The request body is not valid JSON: ${reason}`);
  }
}

/** True for a number literal kept as exact text by `parseJson`. */
export function isExactNumber(value: unknown): boolean {
  return rawJson.isRawJSON(value);
}
