import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/args";
import { DEFAULT_REQUEST_BYTES, parseExportArgs, parseImportArgs, redactTokens } from "../../src/cli/backup-args";
import { isBlank, ndjsonLines } from "../../src/cli/ndjson-lines";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(...parts: string[]) {
  const batches = [];
  for await (const batch of ndjsonLines(chunks(...parts))) {
    batches.push({
      lines: batch.lines.map((line) => line.toString("utf8")),
      bytes: batch.bytes,
      end: batch.unterminated,
    });
  }
  return batches;
}

describe("ndjsonLines", () => {
  it("joins a line split across chunks and counts each chunk's bytes, newlines included", async () => {
    expect(await collect('{"a":', '1}\n{"b"', ":2}\n\n", "é\n")).toEqual([
      { lines: ['{"a":1}'], bytes: 8, end: undefined },
      { lines: ['{"b":2}', ""], bytes: 9, end: undefined },
      { lines: ["é"], bytes: 3, end: undefined },
    ]);
  });

  it("yields a last line without its newline apart, marked unterminated; splits on \\n only", async () => {
    expect(await collect("a\r\nb\rc\n", "tail")).toEqual([
      { lines: ["a\r", "b\rc"], bytes: 7, end: undefined },
      { lines: ["tail"], bytes: 4, end: true },
    ]);
  });

  it("treats spaces, tabs and a carriage return as a blank line", () => {
    expect(isBlank(Buffer.from(" \t\r"))).toBe(true);
    expect(isBlank(Buffer.from(" x"))).toBe(false);
  });
});

describe("backup command lines", () => {
  const url = ["--url", "http://127.0.0.1:8787/"];

  it("reads import's defaults, the token from KV_TOKEN, and --token before it", () => {
    expect(parseImportArgs([...url, "b.ndjson"], { KV_TOKEN: " env-token-0123 " })).toEqual({
      url: "http://127.0.0.1:8787",
      token: "env-token-0123",
      timeoutMs: 60_000,
      file: "b.ndjson",
      mode: "upsert",
      fromLine: 1,
      maxRequestBytes: DEFAULT_REQUEST_BYTES,
      maxRequestLines: 1000,
      retries: 3,
    });
    expect(DEFAULT_REQUEST_BYTES).toBeLessThan(10 * 1024 * 1024);
    expect(parseImportArgs([...url, "--token", "flag-token", "b"], { KV_TOKEN: "env-token" })?.token).toBe(
      "flag-token",
    );
  });

  it.each([
    [["--from-line", "0", "b"], "--from-line must be a positive whole number"],
    [["--max-request-bytes", "1e6", "b"], "--max-request-bytes must be a positive whole number"],
    [["--retries", "100", "b"], "--retries must be a whole number from 0 to 99"],
    [["--mode", "merge", "b"], "--mode must be upsert or create_only"],
    [[], "the file to import is required"],
    [["a", "b"], "one file at a time"],
  ])("refuses import %j: %s", (args, message) => {
    expect(() => parseImportArgs([...url, ...args], {})).toThrow(UsageError);
    expect(() => parseImportArgs([...url, ...args], {})).toThrow(message);
  });

  it("refuses an export into a redirected stdout after npm's banner, not with -s, --out or a terminal", () => {
    const npm = { npm_command: "run", npm_lifecycle_event: "export" };
    expect(() => parseExportArgs(url, npm, false)).toThrow("npm printed its own lines into stdout");
    expect(parseExportArgs(url, { ...npm, npm_config_loglevel: "silent" }, false)?.url).toBe("http://127.0.0.1:8787");
    expect(parseExportArgs([...url, "--out", "b.ndjson"], npm, false)?.out).toBe("b.ndjson");
    expect(parseExportArgs(url, npm, true)?.prefix).toBe("");
    // Another script (npm test) that starts the export: npm printed its banner for that one.
    expect(parseExportArgs(url, { npm_command: "run", npm_lifecycle_event: "test" }, false)).not.toBeNull();
  });

  it("redacts the tokens of --token, --token= and KV_TOKEN from a crash's message", () => {
    const text = "a t1-secret b t2-secret c t3-secret";
    const argv = ["node", "x", "--token", "t1-secret", "--token=t2-secret"];
    expect(redactTokens(text, argv, { KV_TOKEN: "t3-secret" })).toBe("a [KV_TOKEN] b [KV_TOKEN] c [KV_TOKEN]");
  });
});
