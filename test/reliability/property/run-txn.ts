import { type Answer, call } from "../support/client";
import { check, expectProblem, expectStatus, fail, parse } from "./checks";
import { incrText, type KvModel, type ModelEntry } from "./model";
import { EXPIRY_BASE, TXN_KEYS, type TxnCheckStep, type TxnKey, type TxnOpStep, type TxnStep } from "./txn-steps";

/** What a sequence of transactions runs against. */
export interface TxnContext {
  base: string;
  model: KvModel;
  /** The run's key prefix: plain ASCII, ends with '/'. */
  prefix: string;
  /** The store-wide revision as last seen: an applied transaction takes exactly the next one. */
  revision: number;
  stats: { applied: number; checkFailed: number; opFailed: number };
}

/** How a transaction came out. */
export type TxnOutcome = "applied" | "check_failed" | "op_failed";

function keyOf(ctx: TxnContext, k: TxnKey): string {
  const suffix = TXN_KEYS[k];
  if (suffix === undefined) throw new RangeError(`key index ${k} is outside the pool of ${TXN_KEYS.length}`);
  return ctx.prefix + suffix;
}

/** Unix milliseconds of a generated expiry (`hours` after EXPIRY_BASE). */
function deadline(hours: number): number {
  return (EXPIRY_BASE + hours * 3600) * 1000;
}

/** The check as the request sends it, and whether the model says it holds. */
function wireCheck(key: string, c: TxnCheckStep, entry: ModelEntry | undefined): { text: string; holds: boolean } {
  const name = JSON.stringify(key);
  switch (c.kind) {
    case "absent":
      return { text: `{"key":${name},"absent":true}`, holds: entry === undefined };
    case "present":
      return { text: `{"key":${name},"present":true}`, holds: entry !== undefined };
    case "current":
      if (entry?.version == null) return { text: `{"key":${name},"version":1}`, holds: false };
      return { text: `{"key":${name},"version":${entry.version}}`, holds: true };
    case "stale":
      return { text: `{"key":${name},"version":${(entry?.version ?? 0) + 1_000_000}}`, holds: false };
  }
}

function wireOp(key: string, o: TxnOpStep): string {
  const name = JSON.stringify(key);
  switch (o.op) {
    case "put": {
      const expiry =
        o.expiry === "none"
          ? ""
          : o.expiry === "keep"
            ? ',"keep_ttl":true'
            : `,"expires_at":${EXPIRY_BASE + o.expiry.at * 3600}`;
      const meta = o.meta === null ? "" : `,"metadata":${o.meta}`;
      return `{"op":"put","key":${name},"value":${o.value.text}${expiry}${meta}}`;
    }
    case "delete":
      return `{"op":"delete","key":${name}}`;
    case "incr":
      return `{"op":"incr","key":${name},"by":${o.by}}`;
    case "expire":
      return `{"op":"expire","key":${name},"expires_at":${EXPIRY_BASE + o.at * 3600}}`;
    case "persist":
      return `{"op":"expire","key":${name},"persist":true}`;
  }
}

/** Why the op cannot apply (the status and code it would answer alone), or null when it can. */
function opFailure(o: TxnOpStep, entry: ModelEntry | undefined): { status: number; cause: string } | null {
  switch (o.op) {
    case "put":
      return null;
    case "delete":
    case "expire":
    case "persist":
      return entry === undefined ? { status: 404, cause: "key_not_found" } : null;
    case "incr":
      return incrText(entry?.json, o.by) === null ? { status: 409, cause: "not_an_integer" } : null;
  }
}

/** Applies an op to the model at `revision`; the JSON text of its result in the answer. */
function applyOp(model: KvModel, key: string, o: TxnOpStep, revision: number): string {
  const entry = model.get(key);
  const head = `{"op":"${o.op === "persist" ? "expire" : o.op}","key":${JSON.stringify(key)}`;
  switch (o.op) {
    case "put": {
      const expiresAt =
        o.expiry === "none" ? null : o.expiry === "keep" ? (entry?.expiresAt ?? null) : deadline(o.expiry.at);
      model.set(key, {
        json: o.value.canon,
        version: revision,
        expires: expiresAt !== null,
        expiresAt,
        meta: o.meta === null ? null : JSON.stringify(JSON.parse(o.meta)),
      });
      return `${head},"status":${entry === undefined ? 201 : 200},"version":${revision},"expires_at":${expiresAt}}`;
    }
    case "delete":
      model.delete(key);
      return `${head},"status":204}`;
    case "incr": {
      const next = incrText(entry?.json, o.by) ?? "";
      model.set(key, {
        json: next,
        version: revision,
        expires: entry?.expires ?? false,
        expiresAt: entry?.expiresAt ?? null,
        meta: entry?.meta ?? null,
      });
      return `${head},"status":200,"version":${revision},"value":${next}}`;
    }
    case "expire":
    case "persist": {
      if (entry === undefined) throw new Error(`${o.op} of a key the model does not hold`);
      const expiresAt = o.op === "expire" ? deadline(o.at) : null;
      model.set(key, { ...entry, version: revision, expires: expiresAt !== null, expiresAt });
      return `${head},"status":200,"version":${revision},"expires_at":${expiresAt}}`;
    }
  }
}

/**
 * Sends a generated transaction and checks its whole answer against the model:
 * the failed checks with the keys' current versions, the op that cannot apply,
 * or every result at exactly the next revision (updating the model).
 */
export async function runTxn(ctx: TxnContext, s: TxnStep): Promise<TxnOutcome> {
  const { model } = ctx;
  const checks = s.checks.map((c) => {
    const key = keyOf(ctx, c.k);
    const entry = model.get(key);
    return { key, entry, ...wireCheck(key, c, entry) };
  });
  const ops = s.ops.map((o) => ({ key: keyOf(ctx, o.k), o }));
  const answer = await call(ctx.base, "/v1/txn", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: `{"checks":[${checks.map((c) => c.text).join(",")}],"ops":[${ops.map(({ key, o }) => wireOp(key, o)).join(",")}]}`,
  });

  const failedChecks = checks.flatMap(({ key, entry, holds }, index) =>
    holds ? [] : [{ index, key, version: entry?.version ?? null }],
  );
  if (failedChecks.length > 0) {
    expectProblem(answer, 412, "txn_check_failed", "txn");
    const { failed } = parse<{ failed: unknown }>(answer);
    if (JSON.stringify(failed) !== JSON.stringify(failedChecks))
      fail(`failed checks should be ${JSON.stringify(failedChecks)}`, answer);
    ctx.stats.checkFailed++;
    return "check_failed";
  }

  for (const [index, { key, o }] of ops.entries()) {
    const failure = opFailure(o, model.get(key));
    if (failure === null) continue;
    expectProblem(answer, 409, "txn_op_failed", "txn");
    const body = parse<Record<string, unknown>>(answer);
    const expected = {
      index,
      op: o.op === "persist" ? "expire" : o.op,
      key,
      op_status: failure.status,
      cause: failure.cause,
    };
    const actual = { index: body.index, op: body.op, key: body.key, op_status: body.op_status, cause: body.cause };
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      fail(`the failed op should be ${JSON.stringify(expected)}`, answer);
    ctx.stats.opFailed++;
    return "op_failed";
  }

  expectStatus(answer, 200, "txn");
  const revision = ctx.revision + 1;
  check(model.newVersion(revision), answer);
  const results = ops.map(({ key, o }) => applyOp(model, key, o, revision));
  const expected = `{"revision":${revision},"results":[${results.join(",")}]}`;
  if (answer.text !== expected) fail(`the answer should be ${expected}`, answer);
  ctx.revision = revision;
  ctx.stats.applied++;
  return "applied";
}

/** The export of the run's prefix must be the model, line for line, and the store-wide revision unchanged. */
export async function checkState(ctx: TxnContext): Promise<void> {
  const answer: Answer = await call(ctx.base, `/v1/export?prefix=${encodeURIComponent(ctx.prefix)}`);
  expectStatus(answer, 200, "export");
  const [header = "", ...lines] = answer.text.trimEnd().split("\n");
  const { revision } = JSON.parse(header) as { revision: number };
  if (revision !== ctx.revision) fail(`the store-wide revision should be ${ctx.revision}, not ${revision}`, answer);
  const expected = ctx.model.keys(ctx.prefix).map((key) => {
    const entry = ctx.model.get(key);
    if (entry === undefined) throw new Error(`the model lists ${key} but does not hold it`);
    return `{"key":${JSON.stringify(key)},"value":${entry.json},"version":${entry.version},"expires_at":${entry.expiresAt ?? null},"metadata":${entry.meta}}`;
  });
  const got = lines.join("\n");
  if (got !== expected.join("\n")) fail(`the store should hold\n${expected.join("\n")}`, answer);
}
