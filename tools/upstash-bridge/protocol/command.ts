import { JsonNumber, type JsonValue } from "./json-body";

/** A request the bridge refuses before anything reaches Redis (HTTP 400). */
export class BadRequestError extends Error {
  override readonly name = "BadRequestError";
}

/** One Redis command: its name (upper case) and every argument as raw bytes. */
export interface Command {
  name: string;
  args: Buffer[];
}

function argumentText(value: JsonValue, position: number): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof JsonNumber) {
    // Integers keep the client's digits exactly; other numbers get JS's decimal form.
    if (/^-?[0-9]+$/.test(value.text)) return value.text;
    const number = Number(value.text);
    if (!Number.isFinite(number)) {
      const shown = value.text.length > 40 ? `${value.text.slice(0, 40)}...` : value.text;
      throw new BadRequestError(`ERR argument ${position} (${shown}) is not a finite number`);
    }
    return String(number);
  }
  const what = value === null ? "null" : Array.isArray(value) ? "an array" : "an object";
  throw new BadRequestError(`ERR argument ${position} is ${what}; arguments must be strings, numbers or booleans`);
}

/** Turns one JSON command (`["set","k","v","ex",60]`) into a Redis command. */
export function toCommand(value: JsonValue): Command {
  if (!Array.isArray(value)) throw new BadRequestError("ERR a command must be a JSON array");
  const texts = value.map((item, index) => argumentText(item, index));
  const [name] = texts;
  if (name === undefined) throw new BadRequestError("ERR empty command");
  return { name: name.toUpperCase(), args: texts.map((text) => Buffer.from(text, "utf8")) };
}

/** Turns a batch body (`[["set","a","1"],["get","a"]]`) into commands. */
export function toCommands(value: JsonValue): Command[] {
  if (!Array.isArray(value)) throw new BadRequestError("ERR the body must be a JSON array of commands");
  return value.map((item) => {
    if (!Array.isArray(item)) throw new BadRequestError("ERR every item of the body must be a command array");
    return toCommand(item);
  });
}
