import type { Settings } from "../config";
import type { Scope } from "./access";
import { constantTimeEqual, sha256 } from "./digest";
import { type Grant, TOKEN_SETTINGS } from "./scopes";
import { isTokenSyntax, parseTokenSetting } from "./token-syntax";

/** Bound on remembered tokens (there are only as many as are configured). */
const MAX_VERIFIED = 1024;

interface DigestGrant extends Grant {
  readonly digest: Uint8Array;
}

/**
 * The configured tokens, held only as SHA-256 digests with their grants. A
 * presented token is hashed and compared with every digest in constant time,
 * so neither the comparison nor the number of entries checked depends on how
 * close a guess is.
 */
export class TokenTable {
  /**
   * Grants of tokens already verified in this isolate, by their exact text, so
   * a client's every request does not pay for a SHA-256. Only configured
   * tokens enter it: a guess always takes the hashed constant-time path, and
   * a lookup tells nothing of how close a guess is.
   */
  private readonly verified = new Map<string, Grant[]>();

  private constructor(private readonly entries: readonly DigestGrant[]) {}

  /** Parses and hashes the three token settings; throws a ConfigError naming a malformed one. */
  static async fromSettings(settings: Settings): Promise<TokenTable> {
    const pending: Promise<DigestGrant>[] = [];
    for (const scope of Object.keys(TOKEN_SETTINGS) as Scope[]) {
      const setting = TOKEN_SETTINGS[scope];
      for (const { token, prefix } of parseTokenSetting(setting, settings[setting])) {
        pending.push(sha256(token).then((digest) => ({ scope, prefix, digest })));
      }
    }
    return new TokenTable(await Promise.all(pending));
  }

  /** True when at least one token is configured. */
  get configured(): boolean {
    return this.entries.length > 0;
  }

  /** The grants of `token`: empty when it is not a configured token. */
  async grantsOf(token: string): Promise<Grant[]> {
    const known = this.verified.get(token);
    if (known !== undefined) return known;
    if (!isTokenSyntax(token)) return [];
    const digest = await sha256(token);
    const grants: Grant[] = [];
    for (const entry of this.entries) {
      const match = constantTimeEqual(digest, entry.digest);
      if (match) grants.push({ scope: entry.scope, prefix: entry.prefix });
    }
    if (grants.length > 0) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, grants);
    }
    return grants;
  }
}

const cache = new WeakMap<object, Promise<TokenTable>>();

/** The token table of a bindings object, parsed and hashed once (workerd reuses the object). */
export function tokenTableFor(settings: Settings): Promise<TokenTable> {
  let table = cache.get(settings);
  if (table === undefined) {
    table = TokenTable.fromSettings(settings);
    cache.set(settings, table);
  }
  return table;
}
