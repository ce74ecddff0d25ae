import { describe, expect, it } from "vitest";
import { compareOutput, lineMatches, parseDocsFile } from "./examples";

const FENCE = "```";

describe("parseDocsFile", () => {
  it("reads commands, continuation lines and expected output with their line numbers", () => {
    const text = [
      '<!-- docs-test: {"backends":["upstash"],"bindings":{"KV_PREFIX":"p:"}} -->',
      "# Title",
      `${FENCE}console`,
      "$ curl -s $B/ \\",
      "    -H 'X: 1'",
      '{"a":1}',
      "",
      "$ echo done",
      FENCE,
    ].join("\n");
    const file = parseDocsFile(text, "x.md");
    expect(file.settings).toEqual({ backends: ["upstash"], bindings: { KV_PREFIX: "p:" } });
    expect(file.examples).toEqual([
      { line: 4, command: "curl -s $B/ \\\n    -H 'X: 1'", expected: ['{"a":1}'], section: 0 },
      { line: 8, command: "echo done", expected: [], section: 0 },
    ]);
    expect(file.problems).toEqual([]);
  });

  it("refuses an sh block that talks to the service unless it is marked as not run", () => {
    const unmarked = `${FENCE}sh\ncurl -s $B/\n${FENCE}\n`;
    const marked = `<!-- not run: needs a deployment -->\n${FENCE}sh\ncurl -s https://x/\n${FENCE}\n`;
    const harmless = `${FENCE}sh\nnpm install\n${FENCE}\n`;
    expect(parseDocsFile(unmarked, "a.md").problems).toHaveLength(1);
    expect(parseDocsFile(marked, "b.md").problems).toEqual([]);
    expect(parseDocsFile(harmless, "c.md").problems).toEqual([]);
  });

  it("starts a fresh worker at each later settings comment, with the file's bindings overlaid", () => {
    const text = [
      '<!-- docs-test: {"bindings":{"A":"1","B":"2"}} -->',
      '<!-- docs-test: {"bindings":{"C":"0"}} -->',
      `${FENCE}console\n$ echo one\n${FENCE}`,
      '<!-- docs-test: {"bindings":{"B":"3"}} -->',
      `${FENCE}console\n$ echo two\n${FENCE}`,
    ].join("\n");
    const file = parseDocsFile(text, "s.md");
    expect(file.sections).toEqual([
      { A: "1", B: "2" },
      { A: "1", B: "2", C: "0" },
      { A: "1", B: "3" },
    ]);
    expect(file.examples.map((example) => example.section)).toEqual([1, 2]);
  });

  it("reads settings only from a comment on a line of its own", () => {
    const quoted = 'Write `<!-- docs-test: {"backends":["upstash"]} -->` at the top.\n';
    expect(parseDocsFile(quoted, "e.md").settings).toEqual({ backends: ["memory"], bindings: {} });
  });

  it("refuses a console block whose first line is not a command", () => {
    expect(() => parseDocsFile(`${FENCE}console\noutput\n${FENCE}\n`, "d.md")).toThrow(/d\.md:2/);
  });
});

describe("output rules", () => {
  it("lets … stand for any run of characters within one line", () => {
    expect(lineMatches('{"version":…}', '{"version":42}')).toBe(true);
    expect(lineMatches('{"version":…}', '{"version":42}\n')).toBe(false);
    expect(lineMatches("a(b)…", "a(b)c")).toBe(true);
    expect(lineMatches("a(b)", "a(b)c")).toBe(false);
  });

  it("checks every printed line of a plain command", () => {
    expect(compareOutput("echo x", ["x"], "x\n")).toBeNull();
    expect(compareOutput("echo x", ["x"], "x\ny\n")).toMatch(/extra line 2/);
    expect(compareOutput("echo x", ["x", "y"], "x\n")).toMatch(/line 2 missing/);
  });

  it("checks the status line, the headers shown and the body of curl -si", () => {
    const printed = 'HTTP/1.1 201 Created\r\nETag: "7"\r\nX-Other: 1\r\n\r\n{"ok":true}';
    expect(compareOutput("curl -si $B/", ["HTTP/1.1 201 Created", 'etag: "…"', "", '{"ok":true}'], printed)).toBeNull();
    expect(compareOutput("curl -si $B/", ["HTTP/1.1 200 OK"], printed)).toMatch(/status line/);
    expect(compareOutput("curl -si $B/", ["HTTP/1.1 201 Created", 'ETag: "8"'], printed)).toMatch(/header/);
    expect(compareOutput("curl -si $B/", ["HTTP/1.1 201 Created", "", "{}"], printed)).toMatch(/body/);
    expect(compareOutput("curl -si $B/ | grep -c ETag", ["1"], "1\n")).toBeNull();
    expect(compareOutput("curl -si $B/ -H 'A: b|c'", ["HTTP/1.1 200 OK"], printed)).toMatch(/status line/);
  });
});
