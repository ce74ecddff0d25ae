function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The JSON text of a value read from Redis. The store writes JSON text, which
 * comes back as is (big integers keep their digits, "123" stays a string); a
 * plain string another client wrote (`redis-cli SET k hello`) reads back as
 * that string, JSON-encoded.
 */
export function jsonTextOf(raw: string): string {
  return isJson(raw) ? raw : JSON.stringify(raw);
}
