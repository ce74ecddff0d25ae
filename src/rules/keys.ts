import { ApiError } from "../problems";

/**
 * Keys starting with this prefix hold the store's own data (versions, metadata,
 * the ordered index) beside the values; the API refuses them as user keys.
 */
export const RESERVED_KEY_PREFIX = "__edgekv__:";

/** Where a key arrived: a path refuses an over-long key with 414, a body with 400. */
export type KeySource = "path" | "body";

/** Number of bytes of `text` in UTF-8, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** False when a lone surrogate is present (`String.prototype.isWellFormed`, ES2024). */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Compares two strings in the byte order of their UTF-8 encodings (the order
 * Redis uses for ZRANGE BYLEX), which is Unicode code point order. Plain `<`
 * compares UTF-16 code units and misorders astral characters against U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate === ySurrogate) return x < y ? -1 : 1;
    // A surrogate (code point >= U+10000) sorts after any other BMP unit.
    return xSurrogate ? 1 : -1;
  }
  return a.length - b.length;
}

/**
 * Checks a key against the rules every route shares: a non-empty, well-formed
 * Unicode string of at most `maxKeyBytes` UTF-8 bytes, outside the reserved prefix.
 */
export function checkKey(key: string, maxKeyBytes: number, source: KeySource = "body"): string {
  if (key === "") throw new ApiError("key_empty", { detail: "The key must be a non-empty string" });
  // A UTF-16 unit is at most 3 bytes of UTF-8: a short key needs no counting.
  const size = key.length * 3 <= maxKeyBytes ? 0 : utf8Length(key);
  if (size > maxKeyBytes) {
    throw new ApiError("key_too_long", {
      status: source === "path" ? 414 : 400,
      detail: `The key is ${size} bytes of UTF-8; the limit is ${maxKeyBytes} bytes`,
      extras: { limit: maxKeyBytes, size },
    });
  }
  if (!isWellFormed(key)) {
    throw new ApiError("key_invalid", { detail: "The key is not well-formed Unicode (lone surrogate)" });
  }
  if (key.startsWith(RESERVED_KEY_PREFIX)) {
    throw new ApiError("key_reserved", {
      detail: `Keys starting with '${RESERVED_KEY_PREFIX}' are reserved for the store's own data`,
    });
  }
  return key;
}

/**
 * The key carried percent-encoded in a request URL's path between `before`
 * and `after`, decoded strictly: bad percent-encoding or bytes that are not
 * UTF-8 are a 400 rather than a different key.
 */
export function keyFromPath(url: string, before: string, after: string): string {
  const pathStart = url.indexOf("/", url.indexOf("://") + 3);
  const queryStart = url.indexOf("?", pathStart);
  const path = url.slice(pathStart, queryStart === -1 ? undefined : queryStart);
  if (!path.startsWith(before) || !path.endsWith(after) || path.length <= before.length + after.length) {
    throw new ApiError("key_invalid", { detail: "The key in the path could not be located" });
  }
  const raw = path.slice(before.length, path.length - after.length);
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError("key_bad_encoding", { detail: "The key in the path is not valid percent-encoded UTF-8" });
  }
}

/** Where a page of the ordered listing starts. */
export interface ListingStart {
  key: string;
  /** True to start strictly after `key` (a cursor's last key), false to include it. */
  exclusive: boolean;
}

/** The start of a listing of `prefix`: right after the cursor's key, or at the prefix itself. */
export function listingStart(prefix: string, after: string | null): ListingStart {
  return after === null ? { key: prefix, exclusive: false } : { key: after, exclusive: true };
}
