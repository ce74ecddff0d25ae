// JSON handled as text: the store keeps numbers digit for digit
// (12345678901234567890 stays exact), so the console re-indents the text it
// read instead of parsing and re-serialising it.

/** Why `text` is not JSON, or null when it is. */
export function jsonError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Why `text` is not a JSON object, or null when it is one. */
export function jsonObjectError(text: string): string | null {
  const syntax = jsonError(text);
  if (syntax !== null) return syntax;
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? null : "Metadata must be a JSON object";
}

function nextSignificant(text: string, from: number): number {
  let index = from;
  while (index < text.length && " \t\n\r".includes(text[index] ?? "")) index++;
  return index;
}

/** Valid JSON text re-indented by two spaces; every string and number keeps its exact characters. */
export function prettyJson(text: string): string {
  let out = "";
  let depth = 0;
  let inString = false;
  let escaped = false;
  const newline = () => `\n${"  ".repeat(depth)}`;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? "";
    if (inString) {
      out += char;
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === "{" || char === "[") {
      const next = nextSignificant(text, index + 1);
      if (text[next] === (char === "{" ? "}" : "]")) {
        out += char + text[next];
        index = next;
      } else {
        depth++;
        out += char + newline();
      }
    } else if (char === "}" || char === "]") {
      depth--;
      out += newline() + char;
    } else if (char === ",") {
      out += `,${newline()}`;
    } else if (char === ":") {
      out += ": ";
    } else if (!" \t\n\r".includes(char)) {
      out += char;
    }
  }
  return out;
}

/** Compact JSON text with every non-ASCII character written as a \u escape: the same value, fit for an HTTP header. */
export function asciiJson(text: string): string {
  return JSON.stringify(JSON.parse(text)).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Whether the JSON text is a whole number (what `incr` accepts). */
export function isIntegerText(text: string): boolean {
  return /^\s*-?(0|[1-9][0-9]*)\s*$/.test(text);
}
