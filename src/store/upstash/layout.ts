import { RESERVED_KEY_PREFIX } from "../../rules/keys";

/**
 * Where the store keeps things in Redis, under the namespace
 * (KV_PREFIX, "" by default):
 * - `{namespace}{key}`: the value as its JSON text (what `redis-cli GET` shows);
 * - `{namespace}__edgekv__:meta:{key}`: a hash with `version`, `expiresAt` and
 *   `metadata`, expiring with the value;
 * - `{namespace}__edgekv__:revision`: the store-wide revision counter;
 * - `{namespace}__edgekv__:index`: a sorted set (all scores 0) of the keys, for
 *   the ordered listing;
 * - `{namespace}__edgekv__:changes`: the change log, a stream capped at
 *   KV_CHANGE_LOG_SIZE entries, each with the id `<revision>-<n>`;
 * - `{namespace}__edgekv__:idempotency:{caller}:{key}`: the outcome of a request
 *   sent with an Idempotency-Key, for KV_IDEMPOTENCY_TTL seconds;
 * - `{namespace}__edgekv__:scratch`: where a transaction tries an increment.
 */
export class KeyLayout {
  /** Every internal key starts with this. */
  readonly reservedNamespace: string;
  /** Every meta key is this followed by the user key. */
  readonly metaNamespace: string;
  readonly revision: string;
  readonly index: string;
  readonly changes: string;
  readonly scratch: string;

  constructor(readonly namespace: string) {
    this.reservedNamespace = namespace + RESERVED_KEY_PREFIX;
    this.metaNamespace = `${this.reservedNamespace}meta:`;
    this.revision = `${this.reservedNamespace}revision`;
    this.index = `${this.reservedNamespace}index`;
    this.changes = `${this.reservedNamespace}changes`;
    this.scratch = `${this.reservedNamespace}scratch`;
  }

  value(key: string): string {
    return this.namespace + key;
  }

  meta(key: string): string {
    return this.metaNamespace + key;
  }

  idempotency(id: string): string {
    return `${this.reservedNamespace}idempotency:${id}`;
  }
}
