import { addToIntegerText } from "../rules/json";
import { compareUtf8, listingStart } from "../rules/keys";
import { ExpiryQueue } from "./expiry-queue";
import type {
  DeleteResult,
  Entry,
  ExpireResult,
  Expiry,
  IncrInput,
  IncrResult,
  KvStore,
  ListInput,
  ListPage,
  PutInput,
  PutResult,
  StoreOp,
  StoreResult,
  WriteCondition,
} from "./types";

/** Reads the current time in unix milliseconds. */
export type Clock = () => number;

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

/**
 * The in-isolate Map backend: same semantics as the Upstash backend, in memory.
 * Every call runs in one synchronous step, so it is atomic. Per isolate and
 * ephemeral; for `wrangler dev` and tests, never for real users.
 */
export class MemoryStore implements KvStore {
  readonly backend = "memory";
  private readonly entries = new Map<string, Entry>();
  private readonly deadlines = new ExpiryQueue();
  private sortedKeys: string[] | null = null;
  private revision = 0;

  constructor(private readonly now: Clock = Date.now) {}

  /** Deadlines queued for sweeping, stale ones included. */
  get pendingDeadlines(): number {
    return this.deadlines.size;
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

  async put(key: string, input: PutInput): Promise<PutResult> {
    return this.putNow(key, input);
  }

  async delete(key: string, condition: WriteCondition): Promise<DeleteResult> {
    return this.deleteNow(key, condition);
  }

  async expire(key: string, expiry: Expiry, condition: WriteCondition): Promise<ExpireResult> {
    return this.expireNow(key, expiry, condition);
  }

  async incr(key: string, input: IncrInput): Promise<IncrResult> {
    return this.incrNow(key, input);
  }

  async list({ prefix, after, limit }: ListInput): Promise<ListPage> {
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
      entries.push({ key, version: entry.version, expiresAt: entry.expiresAt, metadata: entry.metadata });
    }
    const next = keys[i];
    return { entries, complete: next === undefined || !next.startsWith(prefix) };
  }

  async batch(ops: StoreOp[]): Promise<StoreResult[]> {
    return ops.map((op) => this.apply(op));
  }

  async reindex(): Promise<number> {
    // Every key of this backend was written through the API and is indexed.
    return 0;
  }

  private apply(op: StoreOp): StoreResult {
    const { key } = op;
    switch (op.op) {
      case "get": {
        const entry = this.live(key);
        return { op: "get", key, entry: entry === undefined ? null : { ...entry } };
      }
      case "put":
        return { op: "put", key, result: this.putNow(key, op.input) };
      case "delete":
        return { op: "delete", key, result: this.deleteNow(key, op.condition) };
      case "expire":
        return { op: "expire", key, result: this.expireNow(key, op.expiry, op.condition) };
      case "incr":
        return { op: "incr", key, result: this.incrNow(key, op.input) };
    }
  }

  private putNow(key: string, input: PutInput): PutResult {
    const current = this.live(key);
    if (!holds(input.condition, current)) return { status: "conflict" };
    const expiresAt = deadlineOf(input.expiry, current);
    const version = ++this.revision;
    this.store(key, { json: input.json, version, expiresAt, metadata: input.metadata });
    return { status: current === undefined ? "created" : "replaced", version, expiresAt };
  }

  private deleteNow(key: string, condition: WriteCondition): DeleteResult {
    const current = this.live(key);
    if (!holds(condition, current)) return { status: "conflict" };
    if (current === undefined) return { status: "missing" };
    this.entries.delete(key);
    this.sortedKeys = null;
    return { status: "deleted" };
  }

  private expireNow(key: string, expiry: Expiry, condition: WriteCondition): ExpireResult {
    const current = this.live(key);
    if (!holds(condition, current)) return { status: "conflict" };
    if (current === undefined) return { status: "missing" };
    const expiresAt = deadlineOf(expiry, current);
    const version = ++this.revision;
    this.store(key, { ...current, expiresAt, version });
    return { status: "updated", version, expiresAt };
  }

  private incrNow(key: string, { by, expiryOnCreate }: IncrInput): IncrResult {
    const current = this.live(key);
    const value = addToIntegerText(current?.json ?? "0", by);
    if (value === null) return { status: "not_integer" };
    const version = ++this.revision;
    this.store(key, {
      json: value,
      version,
      expiresAt: current === undefined ? deadlineOf(expiryOnCreate, undefined) : current.expiresAt,
      metadata: current?.metadata ?? null,
    });
    return { status: "ok", value, version };
  }

  private store(key: string, entry: Entry): void {
    if (!this.entries.has(key)) this.sortedKeys = null;
    this.entries.set(key, entry);
    if (entry.expiresAt !== null) this.deadlines.push(entry.expiresAt, key);
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
