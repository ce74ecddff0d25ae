import type { Limits } from "../config";
import { utf8Length } from "./bytes";
import { ApiError } from "./problem";

/**
 * The JSON text to store for a parsed value (exact number text preserved by
 * `parseJson`), refused with 413 when it is over the value limit.
 */
export function valueText(value: unknown, limits: Limits): string {
  const json = JSON.stringify(value);
  const size = utf8Length(json);
  if (size > limits.maxValueBytes) {
    throw new ApiError(
      413,
      "value_too_large",
      `The value is ${size} bytes of JSON; the limit is ${limits.maxValueBytes} bytes`,
      { limit: limits.maxValueBytes, size },
    );
  }
  return json;
}
