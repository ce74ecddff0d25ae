import type { Limits } from "../config";
import { RESERVED_KEY_PREFIX } from "../store/reserved";
import { utf8Length } from "./bytes";
import { ApiError } from "./problem";

/** `String.prototype.isWellFormed` (ES2024, in workerd): false when a lone surrogate is present. */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The route parameter of a key in a path: one or more of any character,
 * slashes and line terminators included (`.` would stop at a newline).
 */
export const KEY_PARAM = ":key{[\\s\\S]+}";

/**
 * Checks a key against the rules every route shares: a non-empty, well-formed
 * Unicode string of at most `maxKeyBytes` UTF-8 bytes, outside the reserved
 * prefix. `tooLongStatus` is 414 for keys that arrived in a path.
 */
export function checkKey(key: string, limits: Limits, tooLongStatus: 400 | 414 = 400): string {
  if (key === "") throw new ApiError(400, "key_empty", "The key must be a non-empty string");
  const size = utf8Length(key);
  if (size > limits.maxKeyBytes) {
    throw new ApiError(
      tooLongStatus,
      "key_too_long",
      `The key is ${size} bytes of UTF-8; the limit is ${limits.maxKeyBytes} bytes`,
      { limit: limits.maxKeyBytes, size },
    );
  }
  if (!isWellFormed(key)) {
    throw new ApiError(400, "key_invalid", "The key is not well-formed Unicode (lone surrogate)");
  }
  if (key.startsWith(RESERVED_KEY_PREFIX)) {
    throw new ApiError(
      400,
      "key_reserved",
      `Keys starting with '${RESERVED_KEY_PREFIX}' are reserved for the store's own data`,
    );
  }
  return key;
}

/**
 * The key carried percent-encoded in a request path between `prefix` and
 * `suffix`, decoded strictly: bad percent-encoding or bytes that are not UTF-8
 * are a 400 rather than a different key.
 */
export function keyFromPath(url: string, prefix: string, suffix = ""): string {
  const pathStart = url.indexOf("/", url.indexOf("://") + 3);
  const queryStart = url.indexOf("?", pathStart);
  const path = url.slice(pathStart, queryStart === -1 ? undefined : queryStart);
  if (!path.startsWith(prefix) || !path.endsWith(suffix)) {
    throw new ApiError(400, "key_invalid", "The key in the path could not be located");
  }
  const raw = path.slice(prefix.length, path.length - suffix.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, "key_bad_encoding", "The key in the path is not valid percent-encoded UTF-8");
  }
}
