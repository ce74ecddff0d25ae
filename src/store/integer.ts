const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,18})$/;

function fitsInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/**
 * Adds `by` to the integer written as `text` with Redis INCRBY rules: the text
 * must be a plain decimal integer and both it and the sum must fit in 64 bits.
 * Returns the sum as decimal text, or null when a rule fails.
 */
export function addToIntegerText(text: string, by: number): string | null {
  if (!INTEGER_TEXT.test(text) || text === "-0") return null;
  const start = BigInt(text);
  const sum = start + BigInt(by);
  return fitsInt64(start) && fitsInt64(sum) ? sum.toString() : null;
}
