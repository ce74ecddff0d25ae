/**
 * Reads a source map (version 3) enough to say which original file a
 * generated position comes from: decodes the VLQ mappings into per-line
 * segments and looks positions up.
 */

interface Segment {
  column: number;
  source: number;
  line: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** Decodes one segment's base64 VLQ fields. */
function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`bad VLQ digit '${char}'`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Original positions by generated position, from a source map's JSON. */
export class SourceMap {
  private readonly lines: Segment[][] = [];

  constructor(
    private readonly map: { sources: string[]; mappings: string },
    private readonly nameSource: (source: string) => string = (source) => source,
  ) {
    let source = 0;
    let line = 0;
    let column = 0;
    for (const lineText of map.mappings.split(";")) {
      const segments: Segment[] = [];
      let generatedColumn = 0;
      for (const segmentText of lineText.split(",")) {
        if (segmentText === "") continue;
        const fields = decodeVlq(segmentText);
        generatedColumn += fields[0]!;
        if (fields.length < 4) continue;
        source += fields[1]!;
        line += fields[2]!;
        column += fields[3]!;
        segments.push({ column: generatedColumn, source, line });
      }
      this.lines.push(segments);
    }
  }

  /** The original file and 1-based line of a 0-based generated line and column, or null. */
  lookup(line: number, column: number): { file: string; line: number } | null {
    const segments = this.lines[line];
    if (segments === undefined || segments.length === 0) return null;
    let low = 0;
    let high = segments.length - 1;
    if (segments[0]!.column > column) return null;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (segments[mid]!.column <= column) low = mid;
      else high = mid - 1;
    }
    const segment = segments[low]!;
    const source = this.map.sources[segment.source];
    return source === undefined ? null : { file: this.nameSource(source), line: segment.line + 1 };
  }
}
