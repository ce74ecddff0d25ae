import { utf8Length } from "./bytes";
import { ApiError } from "./problem";

/**
 * Refuses JSON text over `limit` UTF-8 bytes with a 413 naming the limit and
 * the size: "The value is 2048 bytes of JSON; the limit is 1024 bytes".
 */
export function refuseOverLimit(text: string, limit: number, code: string, what: string): void {
  const size = utf8Length(text);
  if (size > limit) {
    throw new ApiError(413, code, `${what} is ${size} bytes of JSON; the limit is ${limit} bytes`, { limit, size });
  }
}
