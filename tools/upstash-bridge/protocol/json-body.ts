/** A JSON number kept as the text the client sent, so no digit is lost. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON value as the bridge reads request bodies: numbers stay text. */
export type JsonValue = string | boolean | null | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** The request body is not valid JSON, or nests deeper than MAX_JSON_DEPTH. */
export class JsonBodyError extends Error {
  override readonly name = "JsonBodyError";
}

/**
 * Deepest nesting of arrays and objects the bridge reads. A command is one
 * level and a batch two; the bound keeps a hostile body from overflowing the
 * parser's recursion.
 */
export const MAX_JSON_DEPTH = 32;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses JSON like JSON.parse, except that numbers become JsonNumber with
 * their exact text (Node 20's JSON.parse cannot give the source of a number),
 * and nesting deeper than MAX_JSON_DEPTH is refused.
 */
export function parseJsonBody(text: string): JsonValue {
  let at = 0;

  const skipWhitespace = () => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.test(text);
    at = WHITESPACE.lastIndex;
  };
  const fail = (what: string): never => {
    throw new JsonBodyError(`Invalid JSON body: ${what} at position ${at}`);
  };
  const expect = (char: string) => {
    if (text[at] !== char) fail(`expected '${char}'`);
    at++;
  };

  const readString = (): string => {
    const start = at;
    at++;
    for (;;) {
      const char = text[at];
      if (char === undefined) fail("unterminated string");
      if (char === '"') break;
      at += char === "\\" ? 2 : 1;
    }
    at++;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail("malformed string");
    }
  };

  const readValue = (depth: number): JsonValue => {
    skipWhitespace();
    const char = text[at];
    if ((char === "[" || char === "{") && depth >= MAX_JSON_DEPTH) {
      throw new JsonBodyError(`ERR JSON body nested deeper than ${MAX_JSON_DEPTH} levels at position ${at}`);
    }
    if (char === "[") {
      at++;
      const items: JsonValue[] = [];
      skipWhitespace();
      if (text[at] === "]") {
        at++;
        return items;
      }
      for (;;) {
        items.push(readValue(depth + 1));
        skipWhitespace();
        if (text[at] === ",") at++;
        else {
          expect("]");
          return items;
        }
      }
    }
    if (char === "{") {
      at++;
      const object: { [key: string]: JsonValue } = {};
      skipWhitespace();
      if (text[at] === "}") {
        at++;
        return object;
      }
      for (;;) {
        skipWhitespace();
        if (text[at] !== '"') fail("expected a property name");
        const key = readString();
        skipWhitespace();
        expect(":");
        object[key] = readValue(depth + 1);
        skipWhitespace();
        if (text[at] === ",") at++;
        else {
          expect("}");
          return object;
        }
      }
    }
    if (char === '"') return readString();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (match === null) return fail("unexpected character");
    at = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  };

  const value = readValue(0);
  skipWhitespace();
  if (at !== text.length) fail("unexpected trailing content");
  return value;
}
