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

/** An entry as the ordered listing reports it (its value only when asked for). */
export interface ListedEntry {
  key: string;
  version: number;
  expiresAt: number | null;
  metadata: string | null;
  /** The value as JSON text, when the listing asked for values. */
  json?: string;
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

/** Outcome of a delete; `version` is the revision the delete took. */
export type DeleteResult = { status: "deleted"; version: number } | { status: "missing" | "conflict" };

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
  /** Return each entry's value too. */
  values?: boolean;
}

/** One operation on one key: what a batch or a transaction holds, and what each single-key call is. */
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

/** What a transaction checks before it applies anything. */
export type Check = { key: string } & ({ kind: "version"; version: number } | { kind: "absent" } | { kind: "present" });

/**
 * An Idempotency-Key claim: the record `id` (the caller, its key, and the
 * step of a request made of several) holds the first request's fingerprint
 * and outcome for `ttlSeconds`, written in the same step as the ops.
 */
export interface IdempotencyClaim {
  id: string;
  fingerprint: string;
  ttlSeconds: number;
}

/** How to run a list of operations. */
export interface RunOptions {
  /** All operations or none, at one shared revision, and only if every check holds. */
  transaction?: { checks: Check[] };
  idempotency?: IdempotencyClaim;
}

/** A check that did not hold: the key's current version, or null when it is absent. */
export interface FailedCheck {
  index: number;
  version: number | null;
}

/** What running operations came to. */
export type RunOutcome =
  /** Applied (or replayed from an idempotency record); one result per op; `revision` for a transaction. */
  | { kind: "done"; results: StoreResult[]; revision: number | null; replayed: boolean }
  /** A transaction's checks failed; nothing changed. */
  | { kind: "check_failed"; failed: FailedCheck[]; replayed: boolean }
  /** A transaction's op could not apply; nothing changed. `result` is what it would have answered. */
  | { kind: "op_failed"; index: number; result: StoreResult; replayed: boolean }
  /** The Idempotency-Key was used by another request. */
  | { kind: "idempotency_reused" };

/** One change of the store, as the change log keeps it. */
export interface Change {
  /** The revision of the write; a transaction's changes share one. */
  revision: number;
  /** Position within the revision (0 unless a transaction wrote several keys). */
  seq: number;
  type: "put" | "delete";
  key: string;
  /** For a put, the entry after the write; for a delete, `version` is the delete's revision. */
  version: number;
  expiresAt: number | null;
  metadata: string | null;
  /** The value as JSON text (puts). */
  json: string | null;
}

/** A stretch of the change log. */
export interface ChangePage {
  /** Changes after the requested revision, in order. */
  changes: Change[];
  /**
   * When the log no longer holds every change after the requested revision:
   * the oldest revision it holds completely. The reader must re-read the data.
   */
  trimmedBefore: number | null;
  /** The store-wide revision when the page was read. */
  revision: number;
}

/** The storage interface. Every method is one storage round trip. */
export interface KvStore {
  readonly backend: BackendName;
  get(key: string): Promise<Entry | null>;
  /** Only the value's JSON text (the compatible API's read), or null. */
  getJson(key: string): Promise<string | null>;
  exists(key: string): Promise<boolean>;
  /**
   * Runs operations in order: one by one at their own revisions (a batch), or
   * as a transaction. With an idempotency claim, a repeated request gets the
   * first one's outcome and changes nothing.
   */
  run(ops: StoreOp[], options?: RunOptions): Promise<RunOutcome>;
  /**
   * Marks a request made of several steps (an import) as running, for at most
   * `ttlSeconds`: false when another request holds the mark.
   */
  hold(id: string, ttlSeconds: number): Promise<boolean>;
  /** Removes the mark of `hold`. */
  release(id: string): Promise<void>;
  list(input: ListInput): Promise<ListPage>;
  /** The store-wide revision: the version the next write will exceed. */
  revision(): Promise<number>;
  /** Changes after revision `after`: `limit` or so (a page ends with the whole of its last revision). */
  changes(after: number, limit: number): Promise<ChangePage>;
  /**
   * Resolves when a change after `after` may exist, or after `ms` at the latest.
   * The Map backend wakes up at once; the Upstash backend waits `ms` (polling).
   */
  waitForChange(after: number, ms: number): Promise<void>;
  /** Adds keys written outside the API to the ordered index; returns how many were added. */
  reindex(): Promise<number>;
}
