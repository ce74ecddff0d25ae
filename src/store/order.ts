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
