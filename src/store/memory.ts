import { addToIntegerText } from "../rules/json";
import { compareUtf8, listingStart } from "../rules/keys";
import { ExpiryQueue } from "./expiry-queue";
import type {
  Change,
  ChangePage,
  Check,
  DeleteResult,
  Entry,
  ExpireResult,
  Expiry,
  FailedCheck,
  IdempotencyClaim,
  IncrInput,
  IncrResult,
  KvStore,
  ListInput,
  ListPage,
  PutInput,
  PutResult,
  RunOptions,
  RunOutcome,
  StoreOp,
  StoreResult,
  WriteCondition,
} from "./types";

/** Idempotency records held before the expired ones are swept out. */
const MAX_IDEMPOTENCY_RECORDS = 10_000;

/** Reads the current time in unix milliseconds. */
export type Clock = () => number;

/** How the Map backend is set up. */
export interface MemoryStoreOptions {
  /** The current time (tests pass a fake clock). */
  now?: Clock;
  /** Changes the change log keeps. */
  changeLogSize?: number;
}

/** An outcome a run records: every kind but a refused Idempotency-Key. */
type RecordedOutcome = Exclude<RunOutcome, { kind: "idempotency_reused" }>;

interface IdempotencyRecord {
  /** The request's fingerprint; null for the mark of `hold`. */
  fingerprint: string | null;
  outcome: RecordedOutcome | null;
  expiresAt: number;
}

function deadlineOf(expiry: Expiry, current: Entry | undefined): number | null {
  if (expiry.kind === "none") return null;
  if (expiry.kind === "at") return expiry.at;
  return current?.expiresAt ?? null;
}

function holds(condition: WriteCondition, current: Entry | undefined): boolean {
  if (condition.kind === "always") return true;
  if (condition.kind === "absent") return current === undefined;
  return current !== undefined && current.version === condition.version;
}

function checkHolds(check: Check, current: Entry | undefined): boolean {
  if (check.kind === "present") return current !== undefined;
  if (check.kind === "absent") return current === undefined;
  return current !== undefined && current.version === check.version;
}

/** Index of the first key not below `target` in byte order. */
function lowerBound(keys: string[], target: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareUtf8(keys[mid]!, target) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** True when a result is an error the op would have answered alone (a transaction then applies nothing). */
export function isFailedResult(result: StoreResult): boolean {
  switch (result.op) {
    case "get":
      return false;
    case "put":
      return result.result.status === "conflict";
    case "delete":
      return result.result.status !== "deleted";
    case "expire":
      return result.result.status !== "updated";
    case "incr":
      return result.result.status === "not_integer";
  }
}

/**
 * The in-isolate Map backend: same semantics as the Upstash backend, in memory.
 * Every call runs in one synchronous step, so it is atomic. Per isolate and
 * ephemeral; for `wrangler dev` and tests, never for real users.
 */
export class MemoryStore implements KvStore {
  readonly backend = "memory";
  private readonly entries = new Map<string, Entry>();
  private readonly deadlines = new ExpiryQueue();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  /** The change log: `log[logStart..]` holds the last changeLogSize changes (the front is dropped in bulk). */
  private log: Change[] = [];
  private logStart = 0;
  private readonly waiters = new Set<() => void>();
  private readonly now: Clock;
  private readonly changeLogSize: number;
  private sortedKeys: string[] | null = null;
  private revisionCounter = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.changeLogSize = options.changeLogSize ?? 10_000;
  }

  /** Deadlines queued for sweeping, stale ones included. */
  get pendingDeadlines(): number {
    return this.deadlines.size;
  }

  /** Idempotency records and marks held in memory, including expired ones not yet swept. */
  get heldRecords(): number {
    return this.idempotency.size;
  }

  /** Entries held in memory, including expired ones not yet swept. */
  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<Entry | null> {
    const entry = this.live(key);
    return entry === undefined ? null : { ...entry };
  }

  async getJson(key: string): Promise<string | null> {
    return this.live(key)?.json ?? null;
  }

  async exists(key: string): Promise<boolean> {
    return this.live(key) !== undefined;
  }

  async run(ops: StoreOp[], options: RunOptions = {}): Promise<RunOutcome> {
    const claim = options.idempotency;
    if (claim !== undefined) {
      const prior = this.recordOf(claim.id);
      if (prior !== undefined) return this.replay(prior, claim);
    }
    const outcome =
      options.transaction === undefined ? this.applyEach(ops) : this.applyAll(ops, options.transaction.checks);
    if (claim !== undefined) {
      this.idempotency.set(claim.id, {
        fingerprint: claim.fingerprint,
        outcome: structuredClone(outcome),
        expiresAt: this.now() + claim.ttlSeconds * 1000,
      });
    }
    this.wake();
    return outcome;
  }

  async hold(id: string, ttlSeconds: number): Promise<boolean> {
    if (this.recordOf(id) !== undefined) return false;
    this.idempotency.set(id, { fingerprint: null, outcome: null, expiresAt: this.now() + ttlSeconds * 1000 });
    return true;
  }

  async release(id: string): Promise<void> {
    this.idempotency.delete(id);
  }

  async list({ prefix, after, limit, values }: ListInput): Promise<ListPage> {
    this.sweep();
    const keys = this.sorted();
    const start = listingStart(prefix, after);
    let i = lowerBound(keys, start.key);
    if (start.exclusive && keys[i] === start.key) i++;
    const entries: ListPage["entries"] = [];
    for (; i < keys.length && entries.length < limit; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      const entry = this.entries.get(key)!;
      const listed = { key, version: entry.version, expiresAt: entry.expiresAt, metadata: entry.metadata };
      entries.push(values === true ? { ...listed, json: entry.json } : listed);
    }
    const next = keys[i];
    return { entries, complete: next === undefined || !next.startsWith(prefix) };
  }

  async revision(): Promise<number> {
    return this.revisionCounter;
  }

  async changes(after: number, limit: number): Promise<ChangePage> {
    const oldest = this.log[this.logStart];
    // A revision whose first change was dropped is held in part only.
    const held =
      oldest === undefined ? this.revisionCounter + 1 : oldest.seq === 0 ? oldest.revision : oldest.revision + 1;
    const trimmedBefore = after + 1 < held && after < this.revisionCounter ? held : null;
    const from = trimmedBefore ?? after + 1;
    const changes: Change[] = [];
    for (let i = this.logStart; i < this.log.length; i++) {
      const change = this.log[i]!;
      if (change.revision < from) continue;
      if (changes.length >= limit && change.revision !== changes.at(-1)?.revision) break;
      changes.push({ ...change });
    }
    return { changes, trimmedBefore, revision: this.revisionCounter };
  }

  waitForChange(after: number, ms: number): Promise<void> {
    if (this.revisionCounter > after) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async reindex(): Promise<number> {
    // Every key of this backend was written through the API and is indexed.
    return 0;
  }

  private recordOf(id: string): IdempotencyRecord | undefined {
    if (this.idempotency.size > MAX_IDEMPOTENCY_RECORDS) {
      const now = this.now();
      for (const [other, record] of this.idempotency) if (record.expiresAt <= now) this.idempotency.delete(other);
    }
    const record = this.idempotency.get(id);
    if (record !== undefined && record.expiresAt <= this.now()) {
      this.idempotency.delete(id);
      return undefined;
    }
    return record;
  }

  private replay(record: IdempotencyRecord, claim: IdempotencyClaim): RunOutcome {
    if (record.outcome === null || record.fingerprint !== claim.fingerprint) return { kind: "idempotency_reused" };
    return { ...structuredClone(record.outcome), replayed: true };
  }

  /** A batch: each op at its own revision, whatever the others do. */
  private applyEach(ops: StoreOp[]): RecordedOutcome {
    return { kind: "done", results: ops.map((op) => this.apply(op, null, 0)), revision: null, replayed: false };
  }

  /** A transaction: every check, then every op or none, at one revision. */
  private applyAll(ops: StoreOp[], checks: Check[]): RecordedOutcome {
    const failed: FailedCheck[] = [];
    checks.forEach((check, index) => {
      const current = this.live(check.key);
      if (!checkHolds(check, current)) failed.push({ index, version: current?.version ?? null });
    });
    if (failed.length > 0) return { kind: "check_failed", failed, replayed: false };
    for (const [index, op] of ops.entries()) {
      const result = this.dryRun(op);
      if (isFailedResult(result)) return { kind: "op_failed", index, result, replayed: false };
    }
    const revision = this.revisionCounter + 1;
    const results = ops.map((op, seq) => this.apply(op, revision, seq));
    return { kind: "done", results, revision, replayed: false };
  }

  /** What an op would answer, without changing anything. */
  private dryRun(op: StoreOp): StoreResult {
    const current = this.live(op.key);
    const { key } = op;
    switch (op.op) {
      case "get":
        return { op: "get", key, entry: current === undefined ? null : { ...current } };
      case "put":
        return {
          op: "put",
          key,
          result: holds(op.input.condition, current)
            ? { status: "created", version: 0, expiresAt: null }
            : { status: "conflict" },
        };
      case "delete":
        if (!holds(op.condition, current)) return { op: "delete", key, result: { status: "conflict" } };
        return {
          op: "delete",
          key,
          result: current === undefined ? { status: "missing" } : { status: "deleted", version: 0 },
        };
      case "expire":
        if (!holds(op.condition, current)) return { op: "expire", key, result: { status: "conflict" } };
        return {
          op: "expire",
          key,
          result: current === undefined ? { status: "missing" } : { status: "updated", version: 0, expiresAt: null },
        };
      case "incr": {
        const value = addToIntegerText(current?.json ?? "0", op.input.by);
        return {
          op: "incr",
          key,
          result: value === null ? { status: "not_integer" } : { status: "ok", value, version: 0 },
        };
      }
    }
  }

  /**
   * Applies one op. `revision` null: it takes the next revision; otherwise it
   * shares that one (a transaction), as change number `seq` of it.
   */
  private apply(op: StoreOp, revision: number | null, seq: number): StoreResult {
    const { key } = op;
    const next = () => {
      if (revision === null) return ++this.revisionCounter;
      this.revisionCounter = revision;
      return revision;
    };
    switch (op.op) {
      case "get": {
        const entry = this.live(key);
        return { op: "get", key, entry: entry === undefined ? null : { ...entry } };
      }
      case "put":
        return { op: "put", key, result: this.putNow(key, op.input, next, seq) };
      case "delete":
        return { op: "delete", key, result: this.deleteNow(key, op.condition, next, seq) };
      case "expire":
        return { op: "expire", key, result: this.expireNow(key, op.expiry, op.condition, next, seq) };
      case "incr":
        return { op: "incr", key, result: this.incrNow(key, op.input, next, seq) };
    }
  }

  private putNow(key: string, input: PutInput, next: () => number, seq: number): PutResult {
    const current = this.live(key);
    if (!holds(input.condition, current)) return { status: "conflict" };
    const expiresAt = deadlineOf(input.expiry, current);
    const version = next();
    this.store(key, { json: input.json, version, expiresAt, metadata: input.metadata }, seq);
    return { status: current === undefined ? "created" : "replaced", version, expiresAt };
  }

  private deleteNow(key: string, condition: WriteCondition, next: () => number, seq: number): DeleteResult {
    const current = this.live(key);
    if (!holds(condition, current)) return { status: "conflict" };
    if (current === undefined) return { status: "missing" };
    const version = next();
    this.entries.delete(key);
    this.sortedKeys = null;
    this.record({ revision: version, seq, type: "delete", key, version, expiresAt: null, metadata: null, json: null });
    return { status: "deleted", version };
  }

  private expireNow(
    key: string,
    expiry: Expiry,
    condition: WriteCondition,
    next: () => number,
    seq: number,
  ): ExpireResult {
    const current = this.live(key);
    if (!holds(condition, current)) return { status: "conflict" };
    if (current === undefined) return { status: "missing" };
    const expiresAt = deadlineOf(expiry, current);
    const version = next();
    this.store(key, { ...current, expiresAt, version }, seq);
    return { status: "updated", version, expiresAt };
  }

  private incrNow(key: string, { by, expiryOnCreate }: IncrInput, next: () => number, seq: number): IncrResult {
    const current = this.live(key);
    const value = addToIntegerText(current?.json ?? "0", by);
    if (value === null) return { status: "not_integer" };
    const version = next();
    const expiresAt = current === undefined ? deadlineOf(expiryOnCreate, undefined) : current.expiresAt;
    this.store(key, { json: value, version, expiresAt, metadata: current?.metadata ?? null }, seq);
    return { status: "ok", value, version };
  }

  /** Writes an entry and logs the change. */
  private store(key: string, entry: Entry, seq: number): void {
    if (!this.entries.has(key)) this.sortedKeys = null;
    this.entries.set(key, entry);
    if (entry.expiresAt !== null) this.deadlines.push(entry.expiresAt, key);
    this.record({ revision: entry.version, seq, type: "put", key, ...entry });
  }

  private record(change: Change): void {
    this.log.push(change);
    if (this.log.length - this.logStart > this.changeLogSize) this.logStart++;
    if (this.logStart > this.changeLogSize) {
      this.log = this.log.slice(this.logStart);
      this.logStart = 0;
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The entry if it exists and has not expired; expired entries are removed first. */
  private live(key: string): Entry | undefined {
    this.sweep();
    return this.entries.get(key);
  }

  /** Removes every entry whose deadline has come. */
  private sweep(): void {
    for (const { key, at } of this.deadlines.popDue(this.now())) {
      const entry = this.entries.get(key);
      if (entry !== undefined && entry.expiresAt === at) {
        this.entries.delete(key);
        this.sortedKeys = null;
      }
    }
    if (this.deadlines.size > 2 * this.entries.size + 1024) {
      const pairs = [];
      for (const [key, entry] of this.entries) {
        if (entry.expiresAt !== null) pairs.push({ at: entry.expiresAt, key });
      }
      this.deadlines.rebuild(pairs);
    }
  }

  private sorted(): string[] {
    this.sortedKeys ??= [...this.entries.keys()].sort(compareUtf8);
    return this.sortedKeys;
  }
}
