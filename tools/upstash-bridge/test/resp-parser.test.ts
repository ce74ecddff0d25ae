import { describe, expect, it } from "vitest";
import { replyJson } from "../protocol/reply-json";
import { encodeCommand } from "../resp/encode";
import { RespParser } from "../resp/parser";
import type { RespValue } from "../resp/types";

const REPLIES = Buffer.concat([
  Buffer.from("+OK\r\n-ERR bad thing\r\n:12345678901234567890\r\n$-1\r\n*-1\r\n"),
  Buffer.from("$6\r\n"),
  Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80, 0x41]),
  Buffer.from("\r\n*3\r\n*1\r\n:1\r\n$0\r\n\r\n+QUEUED\r\n"),
]);

const EXPECTED: RespValue[] = [
  { kind: "simple", bytes: Buffer.from("OK") },
  { kind: "error", message: "ERR bad thing" },
  { kind: "integer", text: "12345678901234567890" },
  { kind: "bulk", bytes: null },
  { kind: "array", items: null },
  { kind: "bulk", bytes: Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80, 0x41]) },
  {
    kind: "array",
    items: [
      { kind: "array", items: [{ kind: "integer", text: "1" }] },
      { kind: "bulk", bytes: Buffer.alloc(0) },
      { kind: "simple", bytes: Buffer.from("QUEUED") },
    ],
  },
];

describe("RESP2 parser", () => {
  it("reads every reply type, bulk strings as raw bytes and integers as exact text", () => {
    expect(new RespParser().push(REPLIES)).toEqual(EXPECTED);
  });

  it("reads the same replies when they arrive one byte at a time", () => {
    const parser = new RespParser();
    const values: RespValue[] = [];
    for (const byte of REPLIES) values.push(...parser.push(Buffer.from([byte])));
    expect(values).toEqual(EXPECTED);
  });

  it("reads them across every possible split point", () => {
    for (let split = 1; split < REPLIES.length; split++) {
      const parser = new RespParser();
      const values = [...parser.push(REPLIES.subarray(0, split)), ...parser.push(REPLIES.subarray(split))];
      expect(values).toEqual(EXPECTED);
    }
  });

  it("refuses an unknown type byte", () => {
    expect(() => new RespParser().push(Buffer.from("?what\r\n"))).toThrow("RESP protocol error");
  });

  it("reads and writes as JSON an array nested 100,000 levels deep, in one piece or split", () => {
    const depth = 100_000;
    const wire = Buffer.from(`${"*2\r\n:1\r\n".repeat(depth)}$1\r\nx\r\n`);
    const json = `${"[1,".repeat(depth)}"x"${"]".repeat(depth)}`;
    // Compared as JSON text: a deep-equality check would itself recurse 100,000 levels.
    const whole = new RespParser().push(wire);
    expect(whole.map((reply) => replyJson(reply, false))).toEqual([json]);
    const parser = new RespParser();
    const split = [...parser.push(wire.subarray(0, 12_345)), ...parser.push(wire.subarray(12_345))];
    expect(split.map((reply) => replyJson(reply, false))).toEqual([json]);
  });
});

describe("reply JSON", () => {
  it("writes nested arrays in order, nil arrays as null, strings as base64 at every depth", () => {
    const reply: RespValue = {
      kind: "array",
      items: [
        { kind: "array", items: [] },
        { kind: "array", items: null },
        {
          kind: "array",
          items: [
            { kind: "simple", bytes: Buffer.from("OK") },
            { kind: "integer", text: "-7" },
          ],
        },
        { kind: "bulk", bytes: null },
      ],
    };
    expect(replyJson(reply, false)).toBe('[[],null,["OK",-7],null]');
    expect(replyJson(reply, true)).toBe('[[],null,["T0s=",-7],null]');
  });
});

describe("RESP2 command encoder", () => {
  it("writes a command as an array of bulk strings with byte lengths", () => {
    const encoded = encodeCommand([Buffer.from("SET"), Buffer.from("ключ"), Buffer.from([0, 255])]);
    expect(encoded).toEqual(
      Buffer.concat([
        Buffer.from("*3\r\n$3\r\nSET\r\n$8\r\nключ\r\n$2\r\n"),
        Buffer.from([0, 255]),
        Buffer.from("\r\n"),
      ]),
    );
  });
});
