import { describe, expect, it } from "vitest";
import { chosenExpiry, expiryAfter, expiryAt, hasExpired, MAX_TTL_SECONDS } from "../../../src/rules/expiry";
import { ExpiryQueue } from "../../../src/store/expiry-queue";
import { problemOf } from "./problem";

const NOW = 1_700_000_000_000;

describe("hasExpired", () => {
  it("is live before its deadline and expired from the deadline on; no deadline never expires", () => {
    expect(hasExpired(NOW + 1, NOW)).toBe(false);
    expect(hasExpired(NOW, NOW)).toBe(true);
    expect(hasExpired(NOW - 1, NOW)).toBe(true);
    expect(hasExpired(null, NOW)).toBe(false);
    expect(hasExpired(null, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe("expiryAfter", () => {
  it("counts whole and fractional seconds from now, rounded to the millisecond", () => {
    expect(expiryAfter(60, NOW)).toEqual({ kind: "at", at: NOW + 60_000 });
    expect(expiryAfter(1.5, NOW)).toEqual({ kind: "at", at: NOW + 1_500 });
    expect(expiryAfter(0.0004, NOW)).toEqual({ kind: "at", at: NOW });
    expect(expiryAfter(0.0006, NOW)).toEqual({ kind: "at", at: NOW + 1 });
  });
});

describe("expiryAt", () => {
  it("takes a unix time in seconds in the future, rounded to the millisecond", () => {
    expect(expiryAt(NOW / 1000 + 10, NOW)).toEqual({ kind: "at", at: NOW + 10_000 });
    expect(expiryAt((NOW + 1) / 1000, NOW)).toEqual({ kind: "at", at: NOW + 1 });
  });

  it("refuses now and the past, naming the field and the value", () => {
    for (const seconds of [NOW / 1000, NOW / 1000 - 1, (NOW + 0.4) / 1000]) {
      const error = problemOf(() => expiryAt(seconds, NOW));
      expect(error).toMatchObject({
        code: "invalid_expires_at",
        detail: `'expires_at' must be a unix time in seconds in the future, got ${seconds}`,
        extras: { field: "expires_at" },
      });
      expect(error.extras).not.toHaveProperty("limit");
    }
  });

  it("refuses what is not a finite number", () => {
    for (const seconds of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(problemOf(() => expiryAt(seconds, NOW)).code).toBe("invalid_expires_at");
    }
  });

  it("accepts exactly ten years ahead and refuses a millisecond more, naming the latest time", () => {
    expect(MAX_TTL_SECONDS).toBe(315_360_000);
    const latest = NOW / 1000 + MAX_TTL_SECONDS;
    expect(expiryAt(latest, NOW)).toEqual({ kind: "at", at: NOW + MAX_TTL_SECONDS * 1000 });
    const error = problemOf(() => expiryAt(latest + 0.001, NOW));
    expect(error).toMatchObject({
      code: "invalid_expires_at",
      detail: `'expires_at' must be at most ${MAX_TTL_SECONDS} seconds ahead, got ${latest + 0.001}`,
      extras: { field: "expires_at", limit: Math.floor(NOW / 1000) + MAX_TTL_SECONDS },
    });
  });

  it("names the latest time in whole seconds", () => {
    const now = NOW + 999;
    const error = problemOf(() => expiryAt(now / 1000 + MAX_TTL_SECONDS + 1, now));
    expect(error.extras.limit).toBe(Math.floor(now / 1000) + MAX_TTL_SECONDS);
  });
});

describe("chosenExpiry", () => {
  const keep = { kind: "keep" } as const;
  it("applies the one choice made", () => {
    expect(chosenExpiry({ ttl: 5 }, NOW, null)).toEqual({ kind: "at", at: NOW + 5_000 });
    expect(chosenExpiry({ expires_at: NOW / 1000 + 5 }, NOW, null)).toEqual({ kind: "at", at: NOW + 5_000 });
    expect(chosenExpiry({ keep_ttl: true }, NOW, null)).toEqual({ kind: "keep" });
    expect(chosenExpiry({ persist: true }, NOW, null)).toEqual({ kind: "none" });
  });

  it("falls back when no choice is made; a null ttl and false flags are no choice", () => {
    expect(chosenExpiry({}, NOW, keep)).toBe(keep);
    expect(chosenExpiry({ ttl: null, keep_ttl: false, persist: false }, NOW, keep)).toBe(keep);
    expect(chosenExpiry({ ttl: null, persist: true }, NOW, keep)).toEqual({ kind: "none" });
  });

  it("requires a choice when there is no fallback", () => {
    expect(problemOf(() => chosenExpiry({ keep_ttl: false }, NOW, null))).toMatchObject({
      code: "missing_expiry",
      detail: "Give one of 'ttl', 'expires_at' or 'persist'",
    });
  });

  it("refuses two choices, naming them", () => {
    expect(problemOf(() => chosenExpiry({ ttl: 5, persist: true }, NOW, keep))).toMatchObject({
      code: "conflicting_expiry",
      detail: "Choose one of ttl, persist, not several",
    });
    expect(problemOf(() => chosenExpiry({ expires_at: 1, keep_ttl: true }, NOW, keep)).detail).toBe(
      "Choose one of expires_at, keep_ttl, not several",
    );
  });
});

describe("ExpiryQueue", () => {
  it("pops every deadline due at or before now, earliest first, and keeps the later ones", () => {
    const queue = new ExpiryQueue();
    const deadlines = [50, 10, 40, 10, 30, 20, 60, 5, 45, 25, 35, 15];
    deadlines.forEach((at, i) => {
      queue.push(at, `k${i}`);
    });
    expect(queue.size).toBe(deadlines.length);
    expect(queue.popDue(4)).toEqual([]);
    const due = queue.popDue(30);
    expect(due.map((d) => d.at)).toEqual([5, 10, 10, 15, 20, 25, 30]);
    expect(due.find((d) => d.at === 5)).toEqual({ at: 5, key: "k7" });
    expect(queue.size).toBe(5);
    expect(queue.popDue(1_000).map((d) => d.at)).toEqual([35, 40, 45, 50, 60]);
    expect(queue.size).toBe(0);
    expect(queue.popDue(1_000)).toEqual([]);
  });

  it("pops in order for any insertion order", () => {
    for (let seed = 1; seed < 40; seed++) {
      const queue = new ExpiryQueue();
      const values = Array.from({ length: 3 + (seed % 17) }, (_, i) => ((i + 1) * seed * 7919) % 101);
      for (const at of values) queue.push(at, String(at));
      expect(queue.popDue(1_000).map((d) => d.at)).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it("rebuilds from pairs, dropping what was there", () => {
    const queue = new ExpiryQueue();
    queue.push(1, "old");
    queue.rebuild([
      { at: 9, key: "b" },
      { at: 3, key: "a" },
    ]);
    expect(queue.size).toBe(2);
    expect(queue.popDue(10)).toEqual([
      { at: 3, key: "a" },
      { at: 9, key: "b" },
    ]);
  });
});
