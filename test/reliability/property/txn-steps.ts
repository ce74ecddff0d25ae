import fc from "fast-check";
import { metadata, type SentValue, sentValue } from "./steps";

/**
 * Suffixes of the keys the generated transactions use (after a per-run
 * prefix): six, so that checks and ops meet the same keys often.
 */
export const TXN_KEYS = ["a", "b", "c", "d/é", "n 1", "😀"] as const;

/** A key of TXN_KEYS, by index. */
export type TxnKey = number;

/**
 * A check as generated; the runner turns it into a request check against the
 * model: `current` sends the key's version (some version when it is absent),
 * `stale` a version the key does not have.
 */
export type TxnCheckStep = { k: TxnKey; kind: "current" | "stale" | "absent" | "present" };

/**
 * An op as generated. Expiries are given as one of a few unix times in the
 * future (`at` hours after EXPIRY_BASE), so that the model knows them exactly.
 */
export type TxnOpStep =
  | { op: "put"; k: TxnKey; value: SentValue; expiry: "none" | "keep" | { at: number }; meta: string | null }
  | { op: "delete"; k: TxnKey }
  | { op: "incr"; k: TxnKey; by: number }
  | { op: "expire"; k: TxnKey; at: number }
  | { op: "persist"; k: TxnKey };

/** One generated `POST /v1/txn`. */
export interface TxnStep {
  checks: TxnCheckStep[];
  ops: TxnOpStep[];
}

/** Unix seconds the generated expiries count from: an hour ahead, so none passes during a run. */
export const EXPIRY_BASE = Math.floor(Date.now() / 1000) + 3600;

const key = fc.integer({ min: 0, max: TXN_KEYS.length - 1 });
const hours = fc.integer({ min: 1, max: 3 });

/** Mostly small integers, so that increments often apply; sometimes anything else. */
const value: fc.Arbitrary<SentValue> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -50, max: 50 }).map((n) => ({ text: String(n), canon: String(n) })) },
  { weight: 2, arbitrary: sentValue },
);

const op: fc.Arbitrary<TxnOpStep> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("put" as const),
      k: key,
      value,
      expiry: fc.oneof(fc.constantFrom("none" as const, "keep" as const), fc.record({ at: hours })),
      meta: metadata,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), k: key }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("incr" as const),
      k: key,
      by: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("expire" as const), k: key, at: hours }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("persist" as const), k: key }) },
);

const check: fc.Arbitrary<TxnCheckStep> = fc.record({
  k: key,
  kind: fc.constantFrom("current", "current", "current", "stale", "absent", "present"),
});

/** A transaction: up to three checks, one to four ops on distinct keys. */
export const txnStep: fc.Arbitrary<TxnStep> = fc.record({
  checks: fc.oneof(
    { weight: 2, arbitrary: fc.constant<TxnCheckStep[]>([]) },
    { weight: 3, arbitrary: fc.array(check, { minLength: 1, maxLength: 3 }) },
  ),
  ops: fc.uniqueArray(op, { minLength: 1, maxLength: 4, selector: (o) => o.k }),
});
