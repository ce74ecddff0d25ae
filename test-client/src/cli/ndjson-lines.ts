const NEWLINE = 0x0a;

/** The complete lines of one chunk of input, without their "\n". */
export interface LineBatch {
  lines: Buffer[];
  /** Bytes of input these lines took, newlines included (for progress by bytes). */
  bytes: number;
}

/**
 * Splits a byte stream into lines on "\n" only (as the service does), yielding
 * the complete lines of each chunk together; only the line being read is kept
 * in memory. A last line without a newline is yielded on its own at the end,
 * with `unterminated` set.
 */
export async function* ndjsonLines(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<LineBatch & { unterminated?: true }> {
  let partial: Buffer[] = [];
  let partialBytes = 0;
  for await (const chunk of source) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Buffer[] = [];
    let start = 0;
    let consumed = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      const piece = bytes.subarray(start, end);
      lines.push(partial.length === 0 ? piece : Buffer.concat([...partial, piece]));
      consumed += partialBytes + piece.length + 1;
      partial = [];
      partialBytes = 0;
      start = end + 1;
    }
    if (start < bytes.length) {
      // Copied: the stream may reuse the chunk's memory.
      partial.push(Buffer.from(bytes.subarray(start)));
      partialBytes += bytes.length - start;
    }
    if (lines.length > 0) yield { lines, bytes: consumed };
  }
  if (partialBytes > 0) yield { lines: [Buffer.concat(partial)], bytes: partialBytes, unterminated: true };
}

/** True for a line of nothing but JSON whitespace (the service skips those). */
export function isBlank(line: Buffer): boolean {
  return line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d);
}
