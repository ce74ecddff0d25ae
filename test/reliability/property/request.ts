import type { Encoding } from "./steps";

/** A key in a path: encodeURIComponent, or every UTF-8 byte as %XX. */
export function pathKey(key: string, encoding: Encoding): string {
  if (encoding === "component") return encodeURIComponent(key);
  const hex = [...Buffer.from(key, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  return encoding === "lower" ? hex : hex.toUpperCase();
}

/**
 * JSON text for a header, every non-ASCII character escaped (`\u00e9`): the same
 * JSON, in bytes that no client library re-encodes on the way. (node:http would
 * send other characters in the body's encoding or refuse them.)
 */
export function asciiJson(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
