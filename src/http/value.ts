import type { Limits } from "../config";
import { refuseOverLimit } from "./size-limit";

/**
 * The JSON text to store for a parsed value (exact number text preserved by
 * `parseJson`), refused with 413 when it is over the value limit.
 */
export function valueText(value: unknown, limits: Limits): string {
  const json = JSON.stringify(value);
  refuseOverLimit(json, limits.maxValueBytes, "value_too_large", "The value");
  return json;
}
