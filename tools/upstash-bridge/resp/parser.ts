import type { RespValue } from "./types";

/** A value read from the buffer, and where the next one starts. */
type Read = { value: RespValue; end: number };

/** The buffer ends inside a value: at least `needed` bytes in total are required. */
class Incomplete {
  constructor(readonly needed: number) {}
}

const CR = 0x0d;

function lineEnd(buffer: Buffer, start: number): number {
  const cr = buffer.indexOf(CR, start);
  if (cr === -1 || cr + 1 >= buffer.length) throw new Incomplete(Math.max(buffer.length + 1, start + 2));
  return cr;
}

/** One value's header: a whole value, or an array whose `count` items follow. */
type Header = { value: RespValue; end: number } | { count: number; end: number };

function readHeader(buffer: Buffer, start: number): Header {
  const first = buffer[start];
  if (first === undefined) throw new Incomplete(start + 1);
  const type = String.fromCharCode(first);
  const end = lineEnd(buffer, start + 1);
  const line = buffer.subarray(start + 1, end);
  const next = end + 2;
  switch (type) {
    case "+":
      return { value: { kind: "simple", bytes: Buffer.from(line) }, end: next };
    case "-":
      return { value: { kind: "error", message: line.toString("utf8") }, end: next };
    case ":":
      return { value: { kind: "integer", text: line.toString("latin1") }, end: next };
    case "$": {
      const length = Number(line.toString("latin1"));
      if (length < 0) return { value: { kind: "bulk", bytes: null }, end: next };
      if (buffer.length < next + length + 2) throw new Incomplete(next + length + 2);
      return {
        value: { kind: "bulk", bytes: Buffer.from(buffer.subarray(next, next + length)) },
        end: next + length + 2,
      };
    }
    case "*": {
      const count = Number(line.toString("latin1"));
      if (count < 0) return { value: { kind: "array", items: null }, end: next };
      if (count === 0) return { value: { kind: "array", items: [] }, end: next };
      return { count, end: next };
    }
    default:
      throw new Error(`RESP protocol error: unexpected type byte ${JSON.stringify(type)}`);
  }
}

/**
 * Reads one whole value. Arrays are filled from an explicit stack rather than
 * by recursion: a script can return a table nested thousands of levels deep,
 * and Redis sends it as such.
 */
function readValue(buffer: Buffer, start: number): Read {
  const open: { items: RespValue[]; missing: number }[] = [];
  let offset = start;
  for (;;) {
    const header = readHeader(buffer, offset);
    offset = header.end;
    if ("count" in header) {
      open.push({ items: [], missing: header.count });
      continue;
    }
    let value = header.value;
    for (;;) {
      const array = open.at(-1);
      if (array === undefined) return { value, end: offset };
      array.items.push(value);
      if (--array.missing > 0) break;
      open.pop();
      value = { kind: "array", items: array.items };
    }
  }
}

/**
 * An incremental RESP2 reply parser: feed it socket chunks, get whole replies
 * back in order. Bulk strings are kept as raw bytes.
 */
export class RespParser {
  private buffer: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  private buffered = 0;
  private needed = 1;

  /** Adds a chunk; returns every reply completed by it. Throws on a protocol error. */
  push(chunk: Buffer): RespValue[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return [];
    this.buffer = Buffer.concat([this.buffer, ...this.chunks]);
    this.chunks = [];
    const values: RespValue[] = [];
    let offset = 0;
    try {
      for (;;) {
        const read = readValue(this.buffer, offset);
        values.push(read.value);
        offset = read.end;
      }
    } catch (error) {
      if (!(error instanceof Incomplete)) throw error;
      this.buffer = this.buffer.subarray(offset);
      this.buffered = this.buffer.length;
      this.needed = error.needed - offset;
    }
    return values;
  }
}
