import type { RespValue } from "../resp/types";

function stringJson(bytes: Buffer, base64: boolean): string {
  return JSON.stringify(base64 ? bytes.toString("base64") : bytes.toString("utf8"));
}

function scalarJson(reply: Exclude<RespValue, { kind: "array" }>, base64: boolean): string {
  switch (reply.kind) {
    case "integer":
      return reply.text;
    case "simple":
      return stringJson(reply.bytes, base64);
    case "bulk":
      return reply.bytes === null ? "null" : stringJson(reply.bytes, base64);
    case "error":
      return stringJson(Buffer.from(reply.message, "utf8"), base64);
  }
}

/**
 * Writes a Redis reply as JSON text, the way Upstash's REST API answers:
 * integers as exact JSON numbers (even past 2^53), nil as null, arrays at
 * any depth, and every string (simple or bulk, at any depth) as base64 of
 * its bytes in base64 mode, or UTF-8 text otherwise. An error nested inside an
 * array is written like a string; top-level errors are the caller's business.
 * Nested arrays are walked with an explicit stack: no depth overflows it.
 */
export function replyJson(reply: RespValue, base64: boolean): string {
  const parts: string[] = [];
  // What is left to write, the next piece last.
  const pending: Array<RespValue | "," | "]"> = [reply];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next === "," || next === "]") {
      parts.push(next);
    } else if (next.kind !== "array") {
      parts.push(scalarJson(next, base64));
    } else if (next.items === null) {
      parts.push("null");
    } else {
      parts.push("[");
      pending.push("]");
      for (const [index, item] of next.items.toReversed().entries()) {
        if (index > 0) pending.push(",");
        pending.push(item);
      }
    }
  }
  return parts.join("");
}

/** `{"result":…}` or `{"error":"…"}` for one command's reply. */
export function resultJson(reply: RespValue, base64: boolean): string {
  if (reply.kind === "error") return `{"error":${JSON.stringify(reply.message)}}`;
  return `{"result":${replyJson(reply, base64)}}`;
}

/** `{"error":"…"}` */
export function errorJson(message: string): string {
  return `{"error":${JSON.stringify(message)}}`;
}
