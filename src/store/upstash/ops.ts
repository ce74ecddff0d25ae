import type {
  Check,
  DeleteResult,
  Entry,
  ExpireResult,
  Expiry,
  FailedCheck,
  IncrResult,
  PutResult,
  RunOptions,
  RunOutcome,
  StoreOp,
  StoreResult,
  WriteCondition,
} from "../types";
import type { KeyLayout } from "./layout";
import type { CHECK_WIDTH, FIXED_KEYS, HEADER_WIDTH, OP_WIDTH } from "./lua/ops";
import { arrayReply, deadlineReply, integerReply, jsonTextOf, stringReply, unexpected } from "./reply";

/** KEYS and ARGV of one ops-script call. */
export interface ScriptCall {
  keys: string[];
  args: string[];
}

/** `N` argument slots: a tuple type, so a wrong count is a compile error, not a runtime check. */
type Slots<N extends number, Filled extends string[] = []> = Filled["length"] extends N
  ? Filled
  : Slots<N, [...Filled, string]>;

function expiryArgs(expiry: Expiry): [string, string] {
  // PEXPIREAT takes whole milliseconds; rounding up never expires early.
  return expiry.kind === "at" ? ["at", String(Math.ceil(expiry.at))] : [expiry.kind, ""];
}

function conditionArgs(condition: WriteCondition): [string, string] {
  return condition.kind === "version" ? ["version", String(condition.version)] : [condition.kind, ""];
}

function argsOf(op: StoreOp): Slots<typeof OP_WIDTH> {
  switch (op.op) {
    case "get":
      return ["get", op.key, "", "", "", "", "", ""];
    case "put":
      return [
        "put",
        op.key,
        op.input.json,
        ...expiryArgs(op.input.expiry),
        op.input.metadata ?? "",
        ...conditionArgs(op.input.condition),
      ];
    case "delete":
      return ["delete", op.key, "", "", "", "", ...conditionArgs(op.condition)];
    case "expire":
      return ["expire", op.key, "", ...expiryArgs(op.expiry), "", ...conditionArgs(op.condition)];
    case "incr":
      // BigInt refuses a fractional step, as the Map backend does.
      return ["incr", op.key, BigInt(op.input.by).toString(), ...expiryArgs(op.input.expiryOnCreate), "", "", ""];
  }
}

function checkArgs(check: Check): Slots<typeof CHECK_WIDTH> {
  return [check.key, check.kind, check.kind === "version" ? String(check.version) : ""];
}

/** Encodes a run as one call of the ops script. */
export function encodeRun(
  ops: readonly StoreOp[],
  options: RunOptions,
  layout: KeyLayout,
  changeLogSize: number,
): ScriptCall {
  const checks = options.transaction?.checks ?? [];
  const claim = options.idempotency;
  // FIXED_KEYS keys, then (value, meta) per op, then per check.
  const fixedKeys: Slots<typeof FIXED_KEYS> = [
    layout.revision,
    layout.index,
    layout.changes,
    claim === undefined ? layout.scratch : layout.idempotency(claim.id),
    layout.scratch,
  ];
  // HEADER_WIDTH slots, then CHECK_WIDTH per check, then OP_WIDTH per op.
  const header: Slots<typeof HEADER_WIDTH> = [
    options.transaction === undefined ? "each" : "txn",
    String(changeLogSize),
    claim === undefined ? "none" : "record",
    claim?.fingerprint ?? "",
    String((claim?.ttlSeconds ?? 0) * 1000),
    String(checks.length),
  ];
  return {
    keys: [...fixedKeys, ...[...ops, ...checks].flatMap(({ key }) => [layout.value(key), layout.meta(key)])],
    args: [...header, ...checks.flatMap(checkArgs), ...ops.flatMap(argsOf)],
  };
}

function decodeGet(reply: unknown[]): Entry | null {
  if (reply[0] === "missing") return null;
  const metadata = stringReply(reply[4], "get metadata");
  return {
    json: jsonTextOf(stringReply(reply[1], "get value")),
    version: integerReply(reply[2], "get version"),
    expiresAt: deadlineReply(reply[3], "get deadline"),
    metadata: metadata === "" ? null : metadata,
  };
}

function decodePut(reply: unknown[]): PutResult {
  const status = reply[0];
  if (status === "conflict") return { status };
  if (status !== "created" && status !== "replaced") throw unexpected("put", reply);
  return {
    status,
    version: integerReply(reply[1], "put version"),
    expiresAt: deadlineReply(reply[2], "put deadline"),
  };
}

function decodeDelete(reply: unknown[]): DeleteResult {
  const status = reply[0];
  if (status === "deleted") return { status, version: integerReply(reply[1], "delete version") };
  if (status !== "missing" && status !== "conflict") throw unexpected("delete", reply);
  return { status };
}

function decodeExpire(reply: unknown[]): ExpireResult {
  const status = reply[0];
  if (status === "missing" || status === "conflict") return { status };
  if (status !== "updated") throw unexpected("expire", reply);
  return {
    status,
    version: integerReply(reply[1], "expire version"),
    expiresAt: deadlineReply(reply[2], "expire deadline"),
  };
}

function decodeIncr(reply: unknown[]): IncrResult {
  if (reply[0] === "not_integer") return { status: "not_integer" };
  return {
    status: "ok",
    value: stringReply(reply[1], "incr value"),
    version: integerReply(reply[2], "incr version"),
  };
}

function decodeResult(op: StoreOp, reply: unknown[]): StoreResult {
  const { key } = op;
  switch (op.op) {
    case "get":
      return { op: "get", key, entry: decodeGet(reply) };
    case "put":
      return { op: "put", key, result: decodePut(reply) };
    case "delete":
      return { op: "delete", key, result: decodeDelete(reply) };
    case "expire":
      return { op: "expire", key, result: decodeExpire(reply) };
    case "incr":
      return { op: "incr", key, result: decodeIncr(reply) };
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Decodes an answer the script kept in an Idempotency-Key record (its
 * `encode`): `a<n>:` an array, `i<digits>;` an integer, `s<bytes>:` a string.
 */
export function decodeRecorded(text: string): unknown {
  const bytes = encoder.encode(text);
  let at = 0;
  const readUntil = (stop: number): string => {
    const end = bytes.indexOf(stop, at);
    if (end === -1) throw unexpected("an idempotency record", text);
    const part = decoder.decode(bytes.subarray(at, end));
    at = end + 1;
    return part;
  };
  const read = (): unknown => {
    const tag = bytes[at++];
    if (tag === 0x69) return Number(readUntil(0x3b));
    const count = Number(readUntil(0x3a));
    if (tag === 0x73) {
      const value = decoder.decode(bytes.subarray(at, at + count));
      at += count;
      return value;
    }
    if (tag !== 0x61) throw unexpected("an idempotency record", text);
    return Array.from({ length: count }, read);
  };
  const value = read();
  if (at !== bytes.length) throw unexpected("an idempotency record", text);
  return value;
}

/** Decodes the ops script's reply to a run of `ops`. */
export function decodeRun(ops: readonly StoreOp[], reply: unknown, replayed = false): RunOutcome {
  const items = arrayReply(reply, "the ops script");
  switch (items[0]) {
    case "replay":
      return decodeRun(ops, decodeRecorded(stringReply(items[1], "replay")), true);
    case "reused":
      return { kind: "idempotency_reused" };
    case "done": {
      const revision = integerReply(items[1], "revision");
      const replies = arrayReply(items[2], "op replies");
      if (replies.length !== ops.length) throw unexpected(`${ops.length} ops`, reply);
      const results = ops.map((op, index) => decodeResult(op, arrayReply(replies[index], "an op")));
      return { kind: "done", results, revision: revision === -1 ? null : revision, replayed };
    }
    case "check_failed": {
      const failed: FailedCheck[] = [];
      for (let at = 1; at + 1 < items.length; at += 2) {
        const version = integerReply(items[at + 1], "checked version");
        failed.push({ index: integerReply(items[at], "check index"), version: version === -1 ? null : version });
      }
      return { kind: "check_failed", failed, replayed };
    }
    case "op_failed": {
      const index = integerReply(items[1], "failed op");
      const op = ops[index];
      if (op === undefined) throw unexpected("a failed op", reply);
      return { kind: "op_failed", index, result: decodeResult(op, arrayReply(items[2], "an op")), replayed };
    }
    default:
      throw unexpected("the ops script", reply);
  }
}
