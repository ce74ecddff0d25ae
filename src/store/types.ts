import type { Expiry } from "../rules/expiry";
import type { WriteCondition } from "../rules/preconditions";
import type { BackendName } from "../settings";

export type { BackendName, Expiry, WriteCondition };

// The storage interface every backend implements. Values travel as JSON text so
// that a backend never re-encodes them (big integers keep every digit).

/** A stored entry as read back. */
export interface Entry {
  /** The value as JSON text. */
  json: string;
  /** Revision at which the entry was last written; 0 for data written outside the API. */
  version: number;
  /** Unix milliseconds, or null without expiry. */
  expiresAt: number | null;
  /** JSON text of the metadata object, or null. */
  metadata: string | null;
}

/** An entry as the ordered listing reports it (no value). */
export interface ListedEntry {
  key: string;
  version: number;
  expiresAt: number | null;
  metadata: string | null;
}

/** Input of a write. */
export interface PutInput {
  json: string;
  expiry: Expiry;
  /** JSON text of the metadata object; null clears it. */
  metadata: string | null;
  condition: WriteCondition;
}

/** Outcome of a write. */
export type PutResult =
  | { status: "created" | "replaced"; version: number; expiresAt: number | null }
  | { status: "conflict" };

/** Outcome of a delete. */
export type DeleteResult = { status: "deleted" | "missing" | "conflict" };

/** Outcome of an expiry change. */
export type ExpireResult =
  | { status: "updated"; version: number; expiresAt: number | null }
  | { status: "missing" | "conflict" };

/** Outcome of a counter increment; `value` is the integer as decimal text. */
export type IncrResult = { status: "ok"; value: string; version: number } | { status: "not_integer" };

/** Input of a counter increment. */
export interface IncrInput {
  by: number;
  /** Expiry applied only when the increment creates the key. */
  expiryOnCreate: Expiry;
}

/** A page of the ordered listing. */
export interface ListPage {
  entries: ListedEntry[];
  /** True when no key after the last one returned matches. */
  complete: boolean;
}

/** Input of a listing call. */
export interface ListInput {
  prefix: string;
  /** Only keys strictly after this one (byte-wise), or null from the start. */
  after: string | null;
  limit: number;
}

/** One operation on one key: what a batch holds, and what each single-key call is. */
export type StoreOp =
  | { op: "get"; key: string }
  | { op: "put"; key: string; input: PutInput }
  | { op: "delete"; key: string; condition: WriteCondition }
  | { op: "expire"; key: string; expiry: Expiry; condition: WriteCondition }
  | { op: "incr"; key: string; input: IncrInput };

/** The result of one operation, naming its key. */
export type StoreResult = { key: string } & (
  | { op: "get"; entry: Entry | null }
  | { op: "put"; result: PutResult }
  | { op: "delete"; result: DeleteResult }
  | { op: "expire"; result: ExpireResult }
  | { op: "incr"; result: IncrResult }
);

/** The result type of an operation type. */
export type ResultOf<O extends StoreOp> = Extract<StoreResult, { op: O["op"] }>;

/** The storage interface. Every method is one storage round trip. */
export interface KvStore {
  readonly backend: BackendName;
  get(key: string): Promise<Entry | null>;
  /** Only the value's JSON text (the compatible API's read), or null. */
  getJson(key: string): Promise<string | null>;
  exists(key: string): Promise<boolean>;
  put(key: string, input: PutInput): Promise<PutResult>;
  delete(key: string, condition: WriteCondition): Promise<DeleteResult>;
  expire(key: string, expiry: Expiry, condition: WriteCondition): Promise<ExpireResult>;
  incr(key: string, input: IncrInput): Promise<IncrResult>;
  list(input: ListInput): Promise<ListPage>;
  /** Runs operations in order, in one round trip (not atomically); one result each. */
  batch(ops: StoreOp[]): Promise<StoreResult[]>;
  /** Adds keys written outside the API to the ordered index; returns how many were added. */
  reindex(): Promise<number>;
}
