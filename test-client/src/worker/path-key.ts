/**
 * The key in a request path after `prefix`, percent-decoded strictly;
 * `null` when the encoding is not valid UTF-8.
 */
export function keyAfter(url: string, prefix: string): string | null {
  const path = new URL(url).pathname;
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return null;
  }
}
