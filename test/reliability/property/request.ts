import type { Encoding } from "./steps";

/** A key in a path: encodeURIComponent, or every UTF-8 byte as %XX. */
export function pathKey(key: string, encoding: Encoding): string {
  if (encoding === "component") return encodeURIComponent(key);
  const hex = [...Buffer.from(key, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  return encoding === "lower" ? hex : hex.toUpperCase();
}

/** A header value carrying UTF-8 text: Node sends header strings as Latin-1, one byte per character. */
export function utf8Header(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}
