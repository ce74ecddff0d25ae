import { describe, expect, it } from "vitest";
import { BadRequestError, toCommand, toCommands } from "../protocol/command";
import { JsonBodyError, JsonNumber, MAX_JSON_DEPTH, parseJsonBody } from "../protocol/json-body";

describe("request body parsing", () => {
  it("parses like JSON.parse but keeps number text exact", () => {
    expect(
      parseJsonBody(' ["set", "k\\u00e9\\n", 12345678901234567890, -0.5e-3, true, false, null, {"a":[1]}] '),
    ).toEqual([
      "set",
      "ké\n",
      new JsonNumber("12345678901234567890"),
      new JsonNumber("-0.5e-3"),
      true,
      false,
      null,
      { a: [new JsonNumber("1")] },
    ]);
  });

  it.each(["", "[", "[1,]", "[01]", '["a" "b"]', '"unterminated', "[1] x", "{a:1}", '["\u0001"]'])(
    "refuses malformed JSON %j",
    (text) => {
      expect(() => parseJsonBody(text)).toThrow(JsonBodyError);
    },
  );

  it("reads nesting up to MAX_JSON_DEPTH levels and refuses one more, arrays and objects alike", () => {
    const arrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    expect(() => parseJsonBody(arrays(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJsonBody(objects(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJsonBody(arrays(MAX_JSON_DEPTH + 1))).toThrow(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => parseJsonBody(objects(MAX_JSON_DEPTH + 1))).toThrow(JsonBodyError);
    expect(() => parseJsonBody("[".repeat(1_000_000))).toThrow(JsonBodyError);
  });

  it("turns arguments into the bytes Redis gets: integers exact, other numbers in JS decimal form, booleans as words", () => {
    const command = toCommand(parseJsonBody('["INCRBY","ü",9223372036854775807,1.50,1e3,true,false]'));
    expect(command.name).toBe("INCRBY");
    expect(command.args.map((arg) => arg.toString("utf8"))).toEqual([
      "INCRBY",
      "ü",
      "9223372036854775807",
      "1.5",
      "1000",
      "true",
      "false",
    ]);
    expect(command.args[1]).toEqual(Buffer.from([0xc3, 0xbc]));
  });

  it.each(['["set","k",null]', '["set","k",{}]', '["set","k",[1]]', "[]", '"get"', "{}", '["set","k",1e400]'])(
    "refuses the command %s",
    (text) => {
      expect(() => toCommand(parseJsonBody(text))).toThrow(BadRequestError);
    },
  );

  it("reads a batch as an array of commands and refuses anything else", () => {
    expect(toCommands(parseJsonBody('[["ping"],["echo","x"]]')).map((c) => c.name)).toEqual(["PING", "ECHO"]);
    expect(() => toCommands(parseJsonBody('["ping"]'))).toThrow(BadRequestError);
  });
});
