import { ApiError, ConfigError } from "./problems";
import type { Settings } from "./settings";

/**
 * What a caller may do: `read` reads keys; `write` also changes them; `admin`
 * also runs store-wide operations. A token may be limited to keys starting
 * with a prefix.
 */
export type Scope = "read" | "write" | "admin";

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** What one configured token entry grants: a scope, on keys starting with `prefix` ("" = every key). */
export interface Grant {
  readonly scope: Scope;
  readonly prefix: string;
}

/** The setting each scope's tokens come from. */
export const TOKEN_SETTINGS = {
  read: "KV_READ_TOKENS",
  write: "KV_WRITE_TOKENS",
  admin: "KV_ADMIN_TOKENS",
} as const satisfies Record<Scope, keyof Settings>;

/** The realm named in every `WWW-Authenticate` challenge. */
export const REALM = "edge-kv";

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
  (value ?? "").split(",").forEach((part, index) => {
    const entry = part.trim();
    if (entry !== "") entries.push(parseTokenEntry(setting, entry, index + 1));
  });
  return entries;
}

function parseTokenEntry(setting: string, entry: string, position: number): TokenEntry {
  const at = entry.indexOf("@");
  const token = at === -1 ? entry : entry.slice(0, at);
  const bad = (why: string) => new ConfigError(setting, `${setting}: entry ${position} ${why}`);
  if (!isTokenSyntax(token)) {
    throw bad("is not a bearer token (letters, digits and -._~+/ with optional trailing =)");
  }
  if (token.length < MIN_TOKEN_LENGTH) throw bad(`is shorter than ${MIN_TOKEN_LENGTH} characters`);
  if (at === -1) return { token, prefix: "" };
  const encoded = entry.slice(at + 1);
  if (encoded === "") throw bad("has an empty prefix after '@' (omit '@' for the whole store)");
  try {
    return { token, prefix: decodeURIComponent(encoded) };
  } catch {
    throw bad("has a prefix that is not valid percent-encoded UTF-8");
  }
}

/** The token entries of every scope, parsed from the settings; throws a ConfigError on a malformed one. */
export function tokenGrantsOf(settings: Settings): Array<TokenEntry & Grant> {
  return (Object.keys(TOKEN_SETTINGS) as Scope[]).flatMap((scope) =>
    parseTokenSetting(TOKEN_SETTINGS[scope], settings[TOKEN_SETTINGS[scope]]).map((entry) => ({ ...entry, scope })),
  );
}

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 bytes of `text`. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Bytes as lower-case hexadecimal text. */
export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Compares two byte arrays in time that depends only on their lengths, never
 * on where they differ. Used on SHA-256 digests, whose lengths are equal.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** Bound on remembered tokens (there are only as many as are configured). */
const MAX_VERIFIED = 1024;

// Adds an entry to a cache of verified tokens or headers, emptied first when it holds MAX_VERIFIED.
function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= MAX_VERIFIED) cache.clear();
  cache.set(key, value);
}

interface DigestGrant extends Grant {
  readonly digest: Uint8Array;
}

/** A caller that presented a configured token: its grants, and the token's digest (never the token). */
export interface TokenHolder {
  readonly grants: readonly Grant[];
  /** Hex SHA-256 of the token: names the caller in rate limits and logs. */
  readonly id: string;
}

/**
 * The configured tokens, held only as SHA-256 digests with their grants. A
 * presented token is hashed and compared with every digest in constant time,
 * so neither the comparison nor the number of entries checked depends on how
 * close a guess is.
 */
export class TokenTable {
  /**
   * Tokens already verified in this isolate, by their exact text, so a client's
   * every request does not pay for a SHA-256. Only configured tokens enter it: a
   * guess always takes the hashed constant-time path.
   */
  private readonly verified = new Map<string, TokenHolder>();
  /** The rights of each `Authorization` header already verified, so that a client's next request skips parsing it. */
  private readonly byHeader = new Map<string, Access>();
  private digests: Promise<DigestGrant[]> | undefined;

  constructor(private readonly entries: ReadonlyArray<TokenEntry & Grant>) {}

  /** True when at least one token is configured. */
  get configured(): boolean {
    return this.entries.length > 0;
  }

  /** The rights of an `Authorization` header verified before, if any. */
  knownHeader(authorization: string): Access | undefined {
    return this.byHeader.get(authorization);
  }

  /** The rights of an `Authorization` header, or the 401 to answer; a valid header is remembered. */
  async verify(authorization: string | undefined): Promise<Access> {
    const token = bearerToken(authorization);
    if (token === undefined) {
      throw new ApiError("unauthorized", {
        detail: "This route needs a bearer token: send 'Authorization: Bearer <token>'",
        headers: { "WWW-Authenticate": `Bearer realm="${REALM}"` },
      });
    }
    const holder = await this.holderOf(token);
    if (holder === null || authorization === undefined) {
      throw new ApiError("invalid_token", {
        detail: "The bearer token is not valid for this service",
        headers: { "WWW-Authenticate": `Bearer realm="${REALM}", error="invalid_token"` },
      });
    }
    const access = new TokenAccess(holder);
    remember(this.byHeader, authorization, access);
    return access;
  }

  /** Who holds `token`: null when it is not a configured token. */
  async holderOf(token: string): Promise<TokenHolder | null> {
    const known = this.verified.get(token);
    if (known !== undefined) return known;
    if (!isTokenSyntax(token)) return null;
    this.digests ??= Promise.all(
      this.entries.map(async ({ token, scope, prefix }) => ({ scope, prefix, digest: await sha256(token) })),
    );
    const [digest, entries] = await Promise.all([sha256(token), this.digests]);
    const grants: Grant[] = [];
    for (const entry of entries) {
      if (constantTimeEqual(digest, entry.digest)) grants.push({ scope: entry.scope, prefix: entry.prefix });
    }
    if (grants.length === 0) return null;
    const holder = { grants, id: hexOf(digest) };
    remember(this.verified, token, holder);
    return holder;
  }
}

/** The caller's rights, checked once the keys a request touches are known. */
export interface Access {
  /** Who is calling: the token's digest, or null for an anonymous caller. */
  readonly caller: string | null;
  /** Throws a 403 problem unless the caller holds `scope` on `key`. */
  require(scope: Scope, key: string): void;
  /** Throws a 403 problem unless the caller holds `scope` on every key starting with `prefix`. */
  requirePrefix(scope: Scope, prefix: string): void;
  /** Throws a 403 problem unless the caller holds `scope` store-wide. */
  requireStoreWide(scope: Scope): void;
}

/** Access for an API without tokens (the memory backend, or anonymous access allowed). */
export const openAccess: Access = {
  caller: null,
  require: () => undefined,
  requirePrefix: () => undefined,
  requireStoreWide: () => undefined,
};

function insufficient(scope: Scope, detail: string, extras: Record<string, string>): ApiError {
  return new ApiError("forbidden", {
    detail,
    extras: { scope, ...extras },
    headers: { "WWW-Authenticate": `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"` },
  });
}

/** True when `held` includes `wanted`: admin includes write, write includes read. */
export function scopeIncludes(held: Scope, wanted: Scope): boolean {
  return RANK[held] >= RANK[wanted];
}

/** The rights of a caller who presented a valid token: the union of the grants of every entry listing it. */
class TokenAccess implements Access {
  readonly caller: string;
  private readonly grants: readonly Grant[];

  constructor(holder: TokenHolder) {
    this.caller = holder.id;
    this.grants = holder.grants;
  }

  require(scope: Scope, key: string): void {
    if (this.holds(scope, (prefix) => key.startsWith(prefix))) return;
    throw insufficient(scope, `This token does not grant ${scope} access to key '${key}'`, { key });
  }

  requirePrefix(scope: Scope, prefix: string): void {
    if (this.holds(scope, (granted) => prefix.startsWith(granted))) return;
    throw insufficient(scope, `This token does not grant ${scope} access to every key starting with '${prefix}'`, {
      prefix,
    });
  }

  requireStoreWide(scope: Scope): void {
    if (this.holds(scope, (granted) => granted === "")) return;
    throw insufficient(scope, `This operation needs a token with ${scope} scope on the whole store`, {});
  }

  private holds(scope: Scope, covers: (prefix: string) => boolean): boolean {
    return this.grants.some((grant) => scopeIncludes(grant.scope, scope) && covers(grant.prefix));
  }
}

const BEARER = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header: undefined when the
 * header is absent or uses another scheme, "" when it is Bearer but malformed.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const header = authorization.trim();
  if (!/^Bearer(?:[ \t]|$)/i.test(header)) return undefined;
  return BEARER.exec(header)?.[1] ?? "";
}

/** The 503 of a deployment that would serve real storage with no token configured. */
export function authNotConfigured(backend: string): ApiError {
  return new ApiError("auth_not_configured", {
    detail:
      `No API token is configured (KV_READ_TOKENS, KV_WRITE_TOKENS, KV_ADMIN_TOKENS) for the ${backend} backend, ` +
      "so data routes are closed. Set tokens with 'wrangler secret put', or set KV_ALLOW_ANONYMOUS=true to serve without auth",
    extras: { settings: ["KV_READ_TOKENS", "KV_WRITE_TOKENS", "KV_ADMIN_TOKENS", "KV_ALLOW_ANONYMOUS"] },
  });
}

/**
 * Decides the caller's rights from its `Authorization` header, or throws the
 * problem to answer: 401 without a valid token (the token is never echoed).
 * Without tokens configured, access is open (the caller has checked that the
 * backend allows that).
 */
export function authenticate(table: TokenTable, authorization: string | undefined): Access | Promise<Access> {
  if (!table.configured) return openAccess;
  return (authorization !== undefined && table.knownHeader(authorization)) || table.verify(authorization);
}
