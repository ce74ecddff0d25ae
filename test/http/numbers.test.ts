import { describe, expect, it } from "vitest";
import { BACKENDS, type BackendApp, openBackend, skipReasonOf } from "../support/backends";
import { type Fetch, kv, problemOf, uniqueKey } from "../support/http";

// Numbers in request JSON (issue 16, items 5 and 6). The bodies are written as
// text: JSON.stringify would turn 2.0 into 2 and 1E+2 into 100.

const q = (key: string) => JSON.stringify(key);

function post(f: Fetch, path: string, body: string): Promise<Response> {
  return f(path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
}

function put(f: Fetch, key: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return f(kv(key), { method: "PUT", headers: { "Content-Type": "application/json", ...headers }, body });
}

function patch(f: Fetch, key: string, body: string): Promise<Response> {
  return f(kv(key), { method: "PATCH", headers: { "Content-Type": "application/json" }, body });
}

/** Number literals whose text a double does not keep (or keeps only by luck), and JSON holding one. */
const EXACT_TEXTS = ["-0", "5.0", "1E+2", "0.1e1", "1e-400", "1.50", "12345678901234567890", '{"a":1e3}', "100e-2"];

describe.each(BACKENDS)("numbers on the %s backend", (backend) => {
  let app: BackendApp | undefined;
  const open = () => {
    app ??= openBackend(backend, "numbers");
    return app;
  };

  describe.skipIf(skipReasonOf(backend) !== null)("through HTTP", () => {
    describe("a number where an integer is expected may be an integral float, whatever the other numbers", () => {
      it.each([
        '{"by":2.0,"ttl":60}',
        '{"by":2.0,"ttl":1.5}',
        '{"by":2,"ttl":1.5}',
        '{"by":2.0}',
        '{"by":2e0,"ttl":60.0}',
      ])("incr %s adds 2", async (body) => {
        const { fetch: f } = open();
        const key = uniqueKey("incr");
        const res = await post(f, `${kv(key)}/incr`, body);
        expect(res.status, await res.clone().text()).toBe(200);
        expect(await res.json()).toMatchObject({ value: 2 });
      });

      it.each(['{"by":2.5,"ttl":60}', '{"by":2.5,"ttl":1.5}', '{"by":2.5}'])(
        "incr %s is a 400 invalid_by",
        async (body) => {
          const { fetch: f } = open();
          const res = await post(f, `${kv(uniqueKey("incr"))}/incr`, body);
          expect(res.status).toBe(400);
          expect((await problemOf(res)).code).toBe("invalid_by");
        },
      );

      it.each(["1.5", "1", "1.0", "-0", "12345678901234567890", '"text"'])(
        "/set with ttl 60.0 and value %s is stored with a 60 s TTL",
        async (value) => {
          const { fetch: f } = open();
          const key = uniqueKey("set");
          const res = await post(f, "/set", `{"key":${q(key)},"value":${value},"ttl":60.0}`);
          expect(res.status, await res.clone().text()).toBe(200);
          const read = await f(kv(key));
          expect(await read.text()).toBe(value);
          const expiresAt = Number(read.headers.get("kv-expires-at"));
          expect(expiresAt - Date.now()).toBeGreaterThan(55_000);
          expect(expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
        },
      );

      it.each(["1.5", "1", "1.0"])("/set with ttl 60.5 and value %s is a 400 invalid_ttl", async (value) => {
        const { fetch: f } = open();
        const res = await post(f, "/set", `{"key":${q(uniqueKey("set"))},"value":${value},"ttl":60.5}`);
        expect(res.status).toBe(400);
        expect((await problemOf(res)).code).toBe("invalid_ttl");
      });

      it("PATCH ttl 1.50 does what 1.5 does", async () => {
        const { fetch: f } = open();
        const expiries: number[] = [];
        for (const ttl of ["1.5", "1.50", "1.500", "15e-1"]) {
          const key = uniqueKey("patch");
          expect((await put(f, key, "1")).status).toBe(201);
          const res = await patch(f, key, `{"ttl":${ttl}}`);
          expect(res.status, `ttl ${ttl}: ${await res.clone().text()}`).toBe(200);
          expiries.push((((await res.json()) as { expires_at: number }).expires_at ?? 0) - Date.now());
        }
        for (const remaining of expiries) {
          expect(remaining).toBeGreaterThan(1_000);
          expect(remaining).toBeLessThanOrEqual(1_500);
        }
      });

      describe("a batch op's verdict does not depend on its neighbours", () => {
        const before = ["", '{"op":"put","key":"N","value":1.5},', '{"op":"put","key":"N","value":1},'];
        const after = ["", ',{"op":"put","key":"N","value":12345678901234567890}', ',{"op":"get","key":"N"}'];
        const neighbours = before.flatMap((b) => after.map((a): [string, string] => [b, a]));
        const batch = (f: Fetch, ops: string) =>
          post(f, "/v1/batch", `{"ops":[${ops.replace(/"N"/g, q(uniqueKey("n")))}]}`);

        it.each(neighbours)("incr by 2.0 and put ttl 60.0 are accepted after [%s] and before [%s]", async (b, a) => {
          const { fetch: f } = open();
          const counter = uniqueKey("batch-incr");
          const stored = uniqueKey("batch-put");
          const res = await batch(
            f,
            `${b}{"op":"incr","key":${q(counter)},"by":2.0,"ttl":60},{"op":"put","key":${q(stored)},"value":"v","ttl":60.0}${a}`,
          );
          expect(res.status, await res.clone().text()).toBe(200);
          const { results } = (await res.json()) as { results: { key: string; status: number; value?: unknown }[] };
          expect(results.find((result) => result.key === counter)).toMatchObject({ status: 200, value: 2 });
          expect(results.find((result) => result.key === stored)?.status).toBe(201);
        });

        it.each(neighbours)("incr by 2.5 is a 400 invalid_by after [%s] and before [%s]", async (b, a) => {
          const { fetch: f } = open();
          const res = await batch(f, `${b}{"op":"incr","key":${q(uniqueKey("batch-incr"))},"by":2.5}${a}`);
          expect(res.status).toBe(400);
          expect((await problemOf(res)).code).toBe("invalid_by");
        });
      });
    });

    describe("every number keeps the exact text it was sent with", () => {
      it.each(EXACT_TEXTS)("PUT %s reads back verbatim", async (text) => {
        const { fetch: f, storedText } = open();
        const key = uniqueKey("put");
        expect((await put(f, key, text)).status).toBe(201);
        expect(await (await f(kv(key))).text()).toBe(text);
        expect(await (await f(`/get/${encodeURIComponent(key)}`)).text()).toBe(`{"value":${text}}`);
        if (backend === "upstash") expect(await storedText(key)).toBe(text);
      });

      it.each(EXACT_TEXTS)("/set %s reads back verbatim", async (text) => {
        const { fetch: f, storedText } = open();
        const key = uniqueKey("set");
        expect((await post(f, "/set", `{"key":${q(key)},"value":${text}}`)).status).toBe(200);
        expect(await (await f(`/get/${encodeURIComponent(key)}`)).text()).toBe(`{"value":${text}}`);
        if (backend === "upstash") expect(await storedText(key)).toBe(text);
      });

      it.each(EXACT_TEXTS)("a batch put of %s reads back verbatim, in the batch and alone", async (text) => {
        const { fetch: f, storedText } = open();
        const key = uniqueKey("batch");
        const res = await post(
          f,
          "/v1/batch",
          `{"ops":[{"op":"put","key":${q(key)},"value":${text},"metadata":{"n":${text}}},{"op":"get","key":${q(key)}}]}`,
        );
        expect(res.status).toBe(200);
        const answer = await res.text();
        expect(answer).toContain(`"value":${text}`);
        expect(answer).toContain(`"metadata":{"n":${text}}`);
        const read = await f(kv(key));
        expect(await read.text()).toBe(text);
        expect(read.headers.get("kv-metadata")).toBe(`{"n":${text}}`);
        if (backend === "upstash") expect(await storedText(key)).toBe(text);
      });

      it.each(EXACT_TEXTS)("KV-Metadata holding %s reads back verbatim, on GET and in the listing", async (text) => {
        const { fetch: f } = open();
        const key = uniqueKey("meta");
        expect((await put(f, key, "1", { "KV-Metadata": `{"n":${text}}` })).status).toBe(201);
        expect((await f(kv(key))).headers.get("kv-metadata")).toBe(`{"n":${text}}`);
        const listing = await (await f(`/v1/kv?prefix=${encodeURIComponent(key)}`)).text();
        expect(listing).toContain(`"metadata":{"n":${text}}`);
      });
    });

    describe("a number too large for a double is refused, and nothing is stored", () => {
      const refusals: [string, (f: Fetch, key: string) => Promise<Response>][] = [
        ["a PUT value", (f, key) => put(f, key, "1e400")],
        ["a PUT value in an object", (f, key) => put(f, key, '{"a":[-1e400]}')],
        ["a /set value", (f, key) => post(f, "/set", `{"key":${q(key)},"value":1e400}`)],
        ["a batch put value", (f, key) => post(f, "/v1/batch", `{"ops":[{"op":"put","key":${q(key)},"value":1e400}]}`)],
        ["KV-Metadata", (f, key) => put(f, key, "1", { "KV-Metadata": '{"a":1e400}' })],
        [
          "batch metadata",
          (f, key) => post(f, "/v1/batch", `{"ops":[{"op":"put","key":${q(key)},"value":1,"metadata":{"a":-1e400}}]}`),
        ],
      ];

      it.each(refusals)("%s of 1e400 is a 400 number_out_of_range", async (_label, send) => {
        const { fetch: f, storedText } = open();
        const key = uniqueKey("huge");
        const res = await send(f, key);
        expect(res.status).toBe(400);
        expect((await problemOf(res)).code).toBe("number_out_of_range");
        expect((await f(kv(key))).status).toBe(404);
        if (backend === "upstash") expect(await storedText(key)).toBeNull();
      });
    });
  });
});
