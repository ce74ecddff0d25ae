import { ConfigError } from "../config";

/**
 * A bearer token as RFC 6750 spells it (`b64token`): letters, digits and
 * `-._~+/`, optionally followed by `=` padding. Neither `,` nor `@` can occur
 * in one, which is what lets a setting list tokens and give each a prefix.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Shortest token accepted in configuration. */
export const MIN_TOKEN_LENGTH = 16;

/** Longest token accepted, in configuration or in a request. */
export const MAX_TOKEN_LENGTH = 4096;

/** One entry of a token setting: the token and the key prefix it is limited to ("" = none). */
export interface TokenEntry {
  readonly token: string;
  readonly prefix: string;
}

/** True when `token` has the syntax and length of a bearer token. */
export function isTokenSyntax(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && B64TOKEN.test(token);
}

/**
 * Parses a token setting: entries separated by commas, each `TOKEN` or
 * `TOKEN@PREFIX`, where PREFIX is percent-encoded (`%2C` for a comma, `%25`
 * for a percent sign). Whitespace around entries and empty entries are
 * ignored. A malformed entry is a ConfigError naming the setting and the
 * entry's position, never its text.
 */
export function parseTokenSetting(setting: string, value: string | undefined): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const parts = (value ?? "").split(",");
  parts.forEach((part, index) => {
    const entry = part.trim();
    if (entry === "") return;
    entries.push(parseEntry(setting, entry, index + 1));
  });
  return entries;
}

function parseEntry(setting: string, entry: string, position: number): TokenEntry {
  const at = entry.indexOf("@");
  const token = at === -1 ? entry : entry.slice(0, at);
  const bad = (why: string) => new ConfigError(setting, `${setting}: entry ${position} ${why}`);
  if (!isTokenSyntax(token)) {
    throw bad("is not a bearer token (letters, digits and -._~+/ with optional trailing =)");
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw bad(`is shorter than ${MIN_TOKEN_LENGTH} characters`);
  }
  if (at === -1) return { token, prefix: "" };
  const encoded = entry.slice(at + 1);
  if (encoded === "") throw bad("has an empty prefix after '@' (omit '@' for the whole store)");
  try {
    return { token, prefix: decodeURIComponent(encoded) };
  } catch {
    throw bad("has a prefix that is not valid percent-encoded UTF-8");
  }
}
