import type {
  DeleteResult,
  Entry,
  ExpireResult,
  Expiry,
  IncrResult,
  PutResult,
  StoreOp,
  StoreResult,
  WriteCondition,
} from "../types";
import type { KeyLayout } from "./layout";
import { OP_WIDTH } from "./lua/ops";
import { arrayReply, deadlineReply, integerReply, jsonTextOf, stringReply, unexpected } from "./reply";

/** KEYS and ARGV of one ops-script call. */
export interface ScriptCall {
  keys: string[];
  args: string[];
}

function expiryArgs(expiry: Expiry): [string, string] {
  // PEXPIREAT takes whole milliseconds; rounding up never expires early.
  return expiry.kind === "at" ? ["at", String(Math.ceil(expiry.at))] : [expiry.kind, ""];
}

function conditionArgs(condition: WriteCondition): [string, string] {
  return condition.kind === "version" ? ["version", String(condition.version)] : [condition.kind, ""];
}

function argsOf(op: StoreOp): string[] {
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

/** Encodes operations as one call of the ops script. */
export function encodeOps(ops: readonly StoreOp[], layout: KeyLayout): ScriptCall {
  const keys = [layout.revision, layout.index];
  const args: string[] = [];
  for (const op of ops) {
    keys.push(layout.value(op.key), layout.meta(op.key));
    const opArgs = argsOf(op);
    if (opArgs.length !== OP_WIDTH) throw new Error(`ops script: ${op.op} encodes ${opArgs.length} slots`);
    args.push(...opArgs);
  }
  return { keys, args };
}

/** Decodes the ops script's reply: one result per operation, in order. */
export function decodeResults(ops: readonly StoreOp[], reply: unknown): StoreResult[] {
  const replies = arrayReply(reply, "the ops script");
  if (replies.length !== ops.length) throw unexpected(`${ops.length} ops`, reply);
  return ops.map((op, index) => decodeResult(op, arrayReply(replies[index], "an op")));
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
  if (status !== "deleted" && status !== "missing" && status !== "conflict") throw unexpected("delete", reply);
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
