import { describe, expect, it } from "vitest";
import { type Fetch, jsonInit, problemOf, uniqueKey } from "../support/http";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The older services' REST API, asserted through HTTP. Written once and run
 * against every backend. TTL is real time: the store reads the clock on every
 * call, so the tests wait just past a one-second TTL.
 */
export function describeCompatApi(name: string, open: () => Promise<Fetch>): void {
  describe(`compatible API: ${name}`, () => {
    const set = (f: Fetch, body: unknown) => f("/set", jsonInit("POST", body));
    const path = (route: string, key: string) => `/${route}/${encodeURIComponent(key)}`;

    it("answers GET / like the older services", async () => {
      const f = await open();
      const res = await f("/");
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ message: "KV Service is running" });
    });

    it.each([
      ["a string", "hello"],
      ["null", null],
      ["false", false],
      ["zero", 0],
      ["an empty string", ""],
      ["an empty array", []],
      ["a nested object", { a: [1, { b: null }], c: "é" }],
    ])("stores and reads back %s", async (_label, value) => {
      const f = await open();
      const key = uniqueKey();
      const stored = await set(f, { key, value });
      expect(stored.status).toBe(200);
      expect(await stored.json()).toEqual({ message: `Key '${key}' stored successfully` });
      const read = await f(path("get", key));
      expect(read.status).toBe(200);
      expect(read.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await read.json()).toEqual({ value });
    });

    it("keeps every digit of a big integer", async () => {
      const f = await open();
      const key = uniqueKey();
      const body = `{"key":"${key}","value":{"n":12345678901234567890,"x":0.1000000000000000055511151231257827}}`;
      await f("/set", { method: "POST", headers: { "Content-Type": "application/json" }, body });
      const text = await (await f(path("get", key))).text();
      expect(text).toBe('{"value":{"n":12345678901234567890,"x":0.1000000000000000055511151231257827}}');
    });

    it("overwrites a value", async () => {
      const f = await open();
      const key = uniqueKey();
      await set(f, { key, value: "first" });
      await set(f, { key, value: { second: true } });
      expect(await (await f(path("get", key))).json()).toEqual({ value: { second: true } });
    });

    it("deletes, then reports the key missing", async () => {
      const f = await open();
      const key = uniqueKey();
      await set(f, { key, value: 1 });
      const deleted = await f(path("delete", key), { method: "DELETE" });
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ message: `Key '${key}' deleted successfully` });
      const again = await f(path("delete", key), { method: "DELETE" });
      expect(again.status).toBe(404);
      expect((await problemOf(again)).detail).toBe(`Key '${key}' not found`);
      const read = await f(path("get", key));
      expect(read.status).toBe(404);
      expect(await problemOf(read)).toMatchObject({ code: "key_not_found" });
    });

    it("answers exists with the key and a boolean", async () => {
      const f = await open();
      const key = uniqueKey();
      expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: false });
      await set(f, { key, value: null });
      expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: true });
    });

    it.each([["a/b?c#d"], ["ключ 🙂"], ["with space"], ["100%"], ["..."], ["line\nbreak\r\u2028"]])(
      "round-trips the percent-encoded key %s",
      async (label) => {
        const f = await open();
        const key = `${label}-${crypto.randomUUID()}`;
        await set(f, { key, value: label });
        expect(await (await f(path("get", key))).json()).toEqual({ value: label });
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: true });
        expect((await f(path("delete", key), { method: "DELETE" })).status).toBe(200);
      },
    );

    it("expires a key after its TTL, and a later set without TTL clears it", async () => {
      const f = await open();
      const expiring = uniqueKey("ttl");
      const cleared = uniqueKey("ttl-cleared");
      await set(f, { key: expiring, value: "soon gone", ttl: 1 });
      await set(f, { key: cleared, value: "old", ttl: 1 });
      await set(f, { key: cleared, value: "kept" });
      expect(await (await f(path("exists", expiring))).json()).toEqual({ key: expiring, exists: true });
      await sleep(1300);
      expect((await f(path("get", expiring))).status).toBe(404);
      expect(await (await f(path("exists", expiring))).json()).toEqual({ key: expiring, exists: false });
      expect(await (await f(path("get", cleared))).json()).toEqual({ value: "kept" });
    });

    describe("bad input is refused with a problem body and stores nothing", () => {
      const key = uniqueKey("bad");
      const bodies: [string, string, number, string][] = [
        ["malformed JSON", `{"key": "${key}", "value": `, 400, "malformed_json"],
        ["an array body", `[{"key":"${key}","value":1}]`, 400, "body_not_object"],
        ["a string body", `"${key}"`, 400, "body_not_object"],
        ["a missing key", `{"value":1}`, 400, "missing_key"],
        ["an empty key", `{"key":"","value":1}`, 400, "key_empty"],
        ["a number key", `{"key":5,"value":1}`, 400, "invalid_key"],
        ["a missing value", `{"key":"${key}"}`, 400, "missing_value"],
        ["ttl 0", `{"key":"${key}","value":1,"ttl":0}`, 400, "invalid_ttl"],
        ["a negative ttl", `{"key":"${key}","value":1,"ttl":-5}`, 400, "invalid_ttl"],
        ["a fractional ttl", `{"key":"${key}","value":1,"ttl":1.5}`, 400, "invalid_ttl"],
        ["a string ttl", `{"key":"${key}","value":1,"ttl":"5"}`, 400, "invalid_ttl"],
        ["an absurd ttl", `{"key":"${key}","value":1,"ttl":1e12}`, 400, "invalid_ttl"],
        ["a huge integer ttl", `{"key":"${key}","value":1,"ttl":123456789012345678901}`, 400, "invalid_ttl"],
        ["a key over 512 bytes", `{"key":"${"é".repeat(257)}","value":1}`, 400, "key_too_long"],
        ["a reserved key", `{"key":"__edgekv__:rev","value":1}`, 400, "key_reserved"],
      ];

      it.each(bodies)("%s", async (_label, body, status, code) => {
        const f = await open();
        const res = await f("/set", { method: "POST", headers: { "Content-Type": "application/json" }, body });
        expect(res.status).toBe(status);
        const problem = await problemOf(res);
        expect(problem.code).toBe(code);
        expect(problem.detail.length).toBeGreaterThan(10);
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: false });
      });

      it("names the field in the detail", async () => {
        const f = await open();
        const res = await set(f, { key, value: 1, ttl: -1 });
        expect((await problemOf(res)).detail).toContain("'ttl'");
      });

      it("refuses a Content-Type other than JSON with 415", async () => {
        const f = await open();
        const res = await f("/set", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: `key=${key}&value=1`,
        });
        expect(res.status).toBe(415);
        expect((await problemOf(res)).detail).toContain("application/x-www-form-urlencoded");
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: false });
      });

      it("accepts a JSON body sent without Content-Type, as the older services did", async () => {
        const f = await open();
        const own = uniqueKey();
        // Bytes, not a string: fetch labels a string body text/plain.
        const body = new TextEncoder().encode(JSON.stringify({ key: own, value: 2 }));
        const res = await f("/set", { method: "POST", body });
        expect(res.status).toBe(200);
        expect(await (await f(path("get", own))).json()).toEqual({ value: 2 });
      });

      it("refuses a body that is not valid UTF-8 with 400 invalid_utf8", async () => {
        const f = await open();
        const text = new TextEncoder().encode(JSON.stringify({ key, value: "ab" }));
        // 0xFF never occurs in UTF-8: put it between the value's two letters.
        const at = text.indexOf(0x62);
        const body = new Uint8Array([...text.subarray(0, at), 0xff, ...text.subarray(at)]);
        const res = await f("/set", { method: "POST", headers: { "Content-Type": "application/json" }, body });
        expect(res.status).toBe(400);
        expect(await problemOf(res)).toMatchObject({ code: "invalid_utf8" });
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: false });
      });

      it("accepts a body that arrives in several chunks, a character split between two of them", async () => {
        const f = await open();
        const own = uniqueKey("chunks");
        const bytes = new TextEncoder().encode(JSON.stringify({ key: own, value: "é€😀" }));
        // Cut inside the two-byte 'é', then inside the four-byte emoji.
        const inAcute = bytes.indexOf(0xc3) + 1;
        const inEmoji = bytes.indexOf(0xf0) + 2;
        const pieces = [bytes.subarray(0, inAcute), bytes.subarray(inAcute, inEmoji), bytes.subarray(inEmoji)];
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            const next = pieces.shift();
            if (next === undefined) controller.close();
            else controller.enqueue(next);
          },
        });
        const res = await f("/set", { method: "POST", headers: { "Content-Type": "application/json" }, body });
        expect(res.status).toBe(200);
        expect(await (await f(path("get", own))).json()).toEqual({ value: "é€😀" });
      });

      it("refuses a body over the value limit with 413 naming limit and size", async () => {
        const f = await open();
        const value = "x".repeat(1024 * 1024 + 20 * 1024);
        const res = await set(f, { key, value });
        expect(res.status).toBe(413);
        const problem = await problemOf(res);
        expect(problem.detail).toMatch(/limit is \d+ bytes/);
        expect(problem).toMatchObject({ code: "body_too_large", limit: expect.any(Number), size: expect.any(Number) });
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: false });
      });

      it("refuses a streamed body over the limit without a Content-Length", async () => {
        const f = await open();
        let sent = 0;
        const chunk = new Uint8Array(64 * 1024).fill(0x20);
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            // Far more than the limit if it were all read: 64 MiB.
            if (sent >= 64 * 1024 * 1024) controller.close();
            else {
              sent += chunk.byteLength;
              controller.enqueue(chunk);
            }
          },
        });
        const res = await f("/set", { method: "POST", headers: { "Content-Type": "application/json" }, body: stream });
        expect(res.status).toBe(413);
        expect(await problemOf(res)).toMatchObject({ code: "body_too_large" });
        expect(sent).toBeLessThan(4 * 1024 * 1024);
      });

      it("answers 414 for a key over the limit in a path", async () => {
        const f = await open();
        const res = await f(path("get", "k".repeat(513)));
        expect(res.status).toBe(414);
        expect(await problemOf(res)).toMatchObject({ code: "key_too_long", limit: 512, size: 513 });
      });

      it("refuses a path key that is not valid percent-encoded UTF-8", async () => {
        const f = await open();
        for (const raw of ["%FF", "%E0%A4", "bad%zz"]) {
          const res = await f(`/get/${raw}`);
          expect(res.status).toBe(400);
          expect(await problemOf(res)).toMatchObject({ code: "key_bad_encoding" });
        }
      });
    });

    describe("routing", () => {
      it("answers an unknown route with a 404 problem", async () => {
        const f = await open();
        const res = await f("/nope");
        expect(res.status).toBe(404);
        expect(await problemOf(res)).toMatchObject({ code: "route_not_found" });
      });

      it.each([
        ["GET", "/set", "POST"],
        ["PUT", "/set", "POST"],
        ["POST", "/get/k", "GET, HEAD"],
        ["PUT", "/delete/k", "DELETE"],
        ["DELETE", "/exists/k", "GET, HEAD"],
      ])("answers %s %s with 405 and Allow: %s", async (method, route, allow) => {
        const f = await open();
        const res = await f(route, { method });
        expect(res.status).toBe(405);
        expect(res.headers.get("allow")).toBe(allow);
        expect(await problemOf(res)).toMatchObject({ code: "method_not_allowed" });
      });
    });

    describe("the older services' workflows", () => {
      it("set, exists, delete, exists false", async () => {
        const f = await open();
        const key = uniqueKey("deletion");
        expect((await set(f, { key, value: "to delete" })).status).toBe(200);
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: true });
        expect((await f(path("delete", key), { method: "DELETE" })).status).toBe(200);
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: false });
      });

      it("set, overwrite, get the new value", async () => {
        const f = await open();
        const key = uniqueKey("overwrite");
        await set(f, { key, value: "original" });
        expect(await (await f(path("exists", key))).json()).toEqual({ key, exists: true });
        await set(f, { key, value: "updated" });
        expect(await (await f(path("get", key))).json()).toEqual({ value: "updated" });
      });

      it("get a missing key: 404", async () => {
        const f = await open();
        const res = await f(path("get", uniqueKey("missing")));
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ detail: expect.stringContaining("not found") });
      });
    });
  });
}
