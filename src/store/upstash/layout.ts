import { RESERVED_KEY_PREFIX } from "../reserved";

/**
 * Where the store keeps things in Redis, under the namespace prefix
 * (KV_PREFIX, "" by default):
 * - `{prefix}{key}`: the value as its JSON text (what `redis-cli GET` shows);
 * - `{prefix}__edgekv__:meta:{key}`: a hash with `version`, `expiresAt` and
 *   `metadata`, expiring with the value;
 * - `{prefix}__edgekv__:revision`: the store-wide revision counter;
 * - `{prefix}__edgekv__:index`: a sorted set (all scores 0) of the keys, for
 *   the ordered listing.
 */
export class KeyLayout {
  /** Every internal key starts with this. */
  readonly reservedNamespace: string;
  /** Every meta key is this followed by the user key. */
  readonly metaNamespace: string;
  readonly revision: string;
  readonly index: string;

  constructor(readonly prefix: string) {
    this.reservedNamespace = prefix + RESERVED_KEY_PREFIX;
    this.metaNamespace = `${this.reservedNamespace}meta:`;
    this.revision = `${this.reservedNamespace}revision`;
    this.index = `${this.reservedNamespace}index`;
  }

  value(key: string): string {
    return this.prefix + key;
  }

  meta(key: string): string {
    return this.metaNamespace + key;
  }
}
