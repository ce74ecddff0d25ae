/** What the model knows of one key. */
export interface ModelEntry {
  /** The value's JSON text exactly as the API answers it. */
  json: string;
  /** The version, when an answer has told it; null after a compatible-API write. */
  version: number | null;
  /** True when the key has an expiry (the tests only use expiries far in the future). */
  expires: boolean;
  /** Compact JSON text of the metadata object, or null. */
  meta: string | null;
  /** The expiry in unix milliseconds (null: none), when the test knows it exactly. */
  expiresAt?: number | null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,18})$/;

/** Redis INCRBY on the model: the new value text, or null when the stored text is not a 64-bit integer or the sum overflows. */
export function incrText(current: string | undefined, by: number): string | null {
  const text = current ?? "0";
  if (!INTEGER_TEXT.test(text) || text === "-0") return null;
  const start = BigInt(text);
  const sum = start + BigInt(by);
  const fits = (n: bigint) => n >= INT64_MIN && n <= INT64_MAX;
  return fits(start) && fits(sum) ? sum.toString() : null;
}

/** Byte-wise (UTF-8) order of two keys, the listing's order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * The simple model of the store the property test compares the API with: a
 * map from key to entry, plus the highest version any answer has shown
 * (versions come from one store-wide counter, so every write shows a higher one).
 */
export class KvModel {
  readonly entries = new Map<string, ModelEntry>();
  private highest = 0;

  get(key: string): ModelEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: ModelEntry): void {
    this.entries.set(key, entry);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Keys starting with `prefix`, in listing order. */
  keys(prefix: string): string[] {
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
  }

  /** Records a version a write answered; returns an error text unless it is above every version seen before. */
  newVersion(version: unknown): string | null {
    if (typeof version !== "number" || !Number.isSafeInteger(version) || version <= this.highest) {
      return `version ${String(version)} is not above the highest seen (${this.highest})`;
    }
    this.highest = version;
    return null;
  }

  /** Checks a version a read answered against the model, learning it when unknown. */
  seenVersion(key: string, version: number): string | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return `version ${version} for a key the model does not hold`;
    if (entry.version === null) {
      if (version > this.highest) this.highest = version;
      entry.version = version;
      return null;
    }
    return entry.version === version ? null : `version ${version}, model has ${entry.version}`;
  }
}
