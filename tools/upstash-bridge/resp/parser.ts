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

function readValue(buffer: Buffer, start: number): Read {
  if (start >= buffer.length) throw new Incomplete(start + 1);
  const type = String.fromCharCode(buffer[start]!);
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
      const items: RespValue[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = readValue(buffer, offset);
        items.push(item.value);
        offset = item.end;
      }
      return { value: { kind: "array", items }, end: offset };
    }
    default:
      throw new Error(`RESP protocol error: unexpected type byte ${JSON.stringify(type)}`);
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
