// Reads the executable examples out of a Markdown file and judges what their commands print.
// The format is the one docs/development.md ("Executable examples") describes.

/** One `$ ` command of a `console` block and what the docs say it prints. */
export interface Example {
  /** 1-based line of the `$ ` line in its file. */
  readonly line: number;
  /** The command as bash gets it (continuation lines joined by newlines, `\` kept). */
  readonly command: string;
  /** The lines shown under it (possibly none). */
  readonly expected: readonly string[];
  /** Which worker runs it: 0 for the file's, n for the one the n-th later settings comment starts. */
  readonly section: number;
}

/** Settings a docs file asks its worker for, in `<!-- docs-test: {...} -->`. */
export interface DocsTestSettings {
  readonly backends: readonly ("memory" | "upstash")[];
  readonly bindings: Readonly<Record<string, string>>;
}

/** A docs file read for the test: its examples in order, and what is wrong with its blocks. */
export interface DocsFile {
  readonly settings: DocsTestSettings;
  /**
   * The bindings of each worker the file's examples run on, in order: the file's own first, then
   * one per later settings comment (the file's bindings overlaid with the comment's).
   */
  readonly sections: readonly Readonly<Record<string, string>>[];
  readonly examples: readonly Example[];
  /** Lines of shell blocks that talk to the service but are neither `console` nor marked as not run. */
  readonly problems: readonly string[];
}

/** A line of its own, so that prose quoting the syntax is not read as settings. */
const SETTINGS_COMMENT = /^<!--\s*docs-test:\s*(\{.*\})\s*-->\s*$/;
const NOT_RUN_COMMENT = /^<!--\s*not run:\s*\S[\s\S]*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const SHELL_INFOS = new Set(["sh", "bash", "shell", "zsh"]);

/** Parses one Markdown file's `console` blocks, its settings comment and its shell blocks. */
export function parseDocsFile(text: string, fileName: string): DocsFile {
  const lines = text.split("\n");
  const problems: string[] = [];
  const examples: Example[] = [];
  let settings: DocsTestSettings = { backends: ["memory"], bindings: {} };
  const sections: Record<string, string>[] = [{}];
  let seenSettings = false;
  let lastNonBlank = "";
  for (let index = 0; index < lines.length; index++) {
    const fence = FENCE.exec(lines[index] ?? "");
    if (fence === null) {
      const text = (lines[index] ?? "").trim();
      const comment = SETTINGS_COMMENT.exec(text)?.[1];
      if (comment !== undefined) {
        const where = `${fileName}:${index + 1}`;
        if (!seenSettings && examples.length === 0) settings = parseSettings(comment, where);
        else {
          const later = parseSettings(comment, where);
          if (comment.includes('"backends"')) throw new Error(`${where}: only the file's first settings name backends`);
          sections.push({ ...settings.bindings, ...later.bindings });
        }
        seenSettings = true;
      }
      if (text !== "") lastNonBlank = text;
      continue;
    }
    const [, indent = "", marker = "```", info = ""] = fence;
    const start = index;
    const body: string[] = [];
    index++;
    while (index < lines.length && !(lines[index] ?? "").trimStart().startsWith(marker)) {
      body.push((lines[index] ?? "").slice(indent.length));
      index++;
    }
    if (info === "console") examples.push(...parseConsoleBlock(body, start + 2, fileName, sections.length - 1));
    else if (SHELL_INFOS.has(info) && /\bcurl\b|\$B\b|\$\{B\}/.test(body.join("\n"))) {
      if (!NOT_RUN_COMMENT.test(lastNonBlank))
        problems.push(
          `${fileName}:${start + 1}: a \`${info}\` block talks to the service: make it \`console\` (run and checked) ` +
            "or put `<!-- not run: <reason> -->` right before it",
        );
    }
    lastNonBlank = "";
  }
  sections[0] = { ...settings.bindings };
  return { settings, sections, examples, problems };
}

function parseSettings(json: string, fileName: string): DocsTestSettings {
  const raw: unknown = JSON.parse(json);
  if (typeof raw !== "object" || raw === null) throw new Error(`${fileName}: docs-test settings must be an object`);
  const { backends = ["memory"], bindings = {} } = raw as { backends?: unknown; bindings?: unknown };
  if (!Array.isArray(backends) || backends.some((b) => b !== "memory" && b !== "upstash"))
    throw new Error(`${fileName}: docs-test "backends" must list "memory" and/or "upstash"`);
  if (typeof bindings !== "object" || bindings === null || Object.values(bindings).some((v) => typeof v !== "string"))
    throw new Error(`${fileName}: docs-test "bindings" must map names to strings`);
  return { backends, bindings: bindings as Record<string, string> };
}

function parseConsoleBlock(body: readonly string[], firstLine: number, fileName: string, section: number): Example[] {
  const examples: { line: number; command: string[]; expected: string[] }[] = [];
  for (let offset = 0; offset < body.length; offset++) {
    const text = body[offset] ?? "";
    const current = examples.at(-1);
    if (text.startsWith("$ ")) {
      const command = [text.slice(2)];
      const line = firstLine + offset;
      while ((command.at(-1) ?? "").endsWith("\\") && offset + 1 < body.length) command.push(body[++offset] ?? "");
      examples.push({ line, command, expected: [] });
    } else if (current === undefined) {
      if (text.trim() !== "")
        throw new Error(`${fileName}:${firstLine + offset}: a console block must start with a "$ " command line`);
    } else current.expected.push(text);
  }
  return examples.map(({ line, command, expected }) => {
    while (expected.length > 0 && expected.at(-1)?.trim() === "") expected.pop();
    return { line, command: command.join("\n"), expected, section };
  });
}

/** Whether `actual` is what the docs show: `…` stands for any run of characters within a line. */
export function lineMatches(expected: string, actual: string): boolean {
  if (!expected.includes("…")) return expected === actual;
  const pattern = expected
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`, "s").test(actual);
}

/**
 * Whether a command prints status line and headers (`curl -i`, `-si`, `-sI`, `--include`,
 * `--head`), not piped into another command.
 */
export function showsHeaders(command: string): boolean {
  if (/\|/.test(command.replace(/'[^']*'|"[^"]*"/g, ""))) return false;
  return /\bcurl\b[^|;&]*\s(-[a-zA-Z]*[iI][a-zA-Z]*|--include|--head)\b/.test(command);
}

/**
 * Compares what a command printed with what the docs show, and says why they differ (null when
 * they agree). With headers shown, the status line must match, each shown header line must match
 * one of the answer's, and the body must match line by line; otherwise every line must match.
 */
export function compareOutput(command: string, expected: readonly string[], printed: string): string | null {
  // Trailing blank lines (an event stream ends with one) do not show in the docs.
  const actual = printed.replace(/\r/g, "").replace(/\n+$/, "");
  const actualLines = actual === "" ? [] : actual.split("\n");
  if (!showsHeaders(command)) return compareLines(expected, actualLines);
  const blank = expected.indexOf("");
  const expectedHead = blank === -1 ? expected : expected.slice(0, blank);
  const expectedBody = blank === -1 ? [] : expected.slice(blank + 1);
  const actualBlank = actualLines.indexOf("");
  const actualHead = actualBlank === -1 ? actualLines : actualLines.slice(0, actualBlank);
  const actualBody = actualBlank === -1 ? [] : actualLines.slice(actualBlank + 1);
  const [expectedStatus, ...expectedHeaders] = expectedHead;
  const [actualStatus = "", ...actualHeaders] = actualHead;
  if (expectedStatus !== undefined && !lineMatches(expectedStatus, actualStatus))
    return `status line: expected ${JSON.stringify(expectedStatus)}, got ${JSON.stringify(actualStatus)}`;
  for (const header of expectedHeaders) {
    const [name, value] = splitHeader(header);
    const sameName = actualHeaders.filter((h) => splitHeader(h)[0] === name);
    if (!sameName.some((h) => lineMatches(value, splitHeader(h)[1])))
      return `header ${JSON.stringify(header)} not in the answer (${sameName.length === 0 ? "no such header" : `got ${sameName.map((h) => JSON.stringify(h)).join(", ")}`})`;
  }
  if (blank === -1) return null;
  const difference = compareLines(expectedBody, actualBody);
  return difference === null ? null : `body: ${difference}`;
}

/** A header line as its lower-cased name and its trimmed value. */
function splitHeader(line: string): [string, string] {
  const colon = line.indexOf(":");
  return colon === -1 ? [line.toLowerCase(), ""] : [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
}

function compareLines(expected: readonly string[], actual: readonly string[]): string | null {
  for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
    const want = expected[index];
    const got = actual[index];
    if (want === undefined) return `an extra line ${index + 1}: ${JSON.stringify(got)}`;
    if (got === undefined) return `line ${index + 1} missing: expected ${JSON.stringify(want)}`;
    if (!lineMatches(want, got))
      return `line ${index + 1}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
  }
  return null;
}
