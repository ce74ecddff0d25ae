import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { ROOT } from "../../tools/testing/kv-worker-bundle";
import { type Answer, call } from "./support/client";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack, WRITE_TOKEN } from "./support/stack";
import { type RunningWorker, startKvWorker } from "./support/worker";

// The worker as it meets the world, from Node: the configuration `wrangler deploy`
// would publish (issue 16 item 1), and header bytes as they travel over HTTP, which
// the workers pool cannot send (item 4: its header strings are Latin-1 byte strings).

const run = promisify(execFile);

/** Settings that are secrets: a deployment must never publish them as plain vars. */
const SECRETS = [
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "KV_READ_TOKENS",
  "KV_WRITE_TOKENS",
  "KV_ADMIN_TOKENS",
];

/**
 * The variables `wrangler deploy --dry-run` says it would publish, read from the
 * bindings table it prints: `env.NAME ("value")  Environment Variable`.
 */
function publishedVars(output: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of output.split("\n")) {
    const match = /^env\.([A-Za-z0-9_]+) \((.*)\)\s+Environment Variable\s*$/.exec(line.trim());
    if (match !== null) vars[match[1] as string] = match[2] as string;
  }
  return vars;
}

describe("what `wrangler deploy` publishes", () => {
  let dir: string;
  let output: string;
  let vars: Record<string, string>;
  let configured: string[];
  let observability: ReturnType<typeof unstable_readConfig>["observability"];
  let deployed: Miniflare;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edge-kv-deploy-"));
    const outdir = join(dir, "worker");
    const { stdout } = await run(
      join(ROOT, "node_modules", ".bin", "wrangler"),
      ["deploy", "--dry-run", "--outdir", outdir],
      {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
      },
    );
    output = stdout;
    vars = publishedVars(stdout);
    const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true });
    configured = Object.keys(config.vars);
    observability = config.observability;
    // The published bundle, with the published vars and nothing else: no secret is set yet.
    const bindings: Record<string, string> = {};
    for (const [name, quoted] of Object.entries(vars)) bindings[name] = JSON.parse(quoted) as string;
    deployed = new Miniflare({
      name: "edge-kv-deployed",
      modulesRoot: outdir,
      modules: [
        {
          type: "ESModule",
          path: join(outdir, "index.js"),
          contents: await readFile(join(outdir, "index.js"), "utf8"),
        },
      ],
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags,
      bindings,
    });
    await deployed.ready;
  }, 90_000);

  afterAll(async () => {
    await deployed?.dispose();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("turns on Workers Logs, which record every invocation (the worker logs only what they cannot say)", () => {
    expect(observability).toMatchObject({ enabled: true });
    expect(observability?.head_sampling_rate ?? 1).toBe(1);
  });

  it("publishes STORAGE_BACKEND = upstash, no Map backend and no secret", () => {
    expect(Object.keys(vars).length, output).toBeGreaterThan(0);
    expect(vars.STORAGE_BACKEND).toBe('"upstash"');
    for (const [name, value] of Object.entries(vars)) {
      expect(value.toLowerCase(), name).not.toContain("memory");
      expect(value, name).not.toContain("(hidden)");
      expect(SECRETS, name).not.toContain(name);
    }
    expect(vars.KV_ALLOW_ANONYMOUS ?? '"false"').toBe('"false"');
  });

  it("publishes wrangler.toml's [vars] and nothing else (never .dev.vars, which `npm run dev` writes)", () => {
    expect(Object.keys(vars).sort()).toEqual([...configured].sort());
  });

  it("the published bundle with only those vars answers GET / misconfigured, naming UPSTASH_REDIS_REST_URL", async () => {
    const res = await deployed.dispatchFetch("http://kv/");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      backend: "upstash",
      status: "misconfigured",
      code: "misconfigured",
      setting: "UPSTASH_REDIS_REST_URL",
    });
  });

  it.each([
    ["GET", "/get/k"],
    ["GET", "/v1/kv/k"],
    ["PUT", "/v1/kv/k"],
    ["GET", "/v1/kv"],
  ])("and %s %s with a 503 misconfigured naming it", async (method, path) => {
    const res = await deployed.dispatchFetch(`http://kv${path}`, {
      method,
      ...(method === "PUT" ? { body: "1", headers: { "Content-Type": "application/json" } } : {}),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: "misconfigured", setting: "UPSTASH_REDIS_REST_URL" });
  });
});

/**
 * A header value that puts the UTF-8 bytes of `text` on the wire: fetch writes
 * header strings as Latin-1, one byte per character. (node:http does too, but
 * only with a byte body: with a string body it writes the header block as UTF-8.)
 */
const utf8Bytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");

/** A header value of these bytes on the wire. */
const rawBytes = (...bytes: number[]) => Buffer.from(bytes).toString("latin1");

const kv = (key: string) => `/v1/kv/${encodeURIComponent(key)}`;

async function putWithMetadata(base: string, key: string, header: string): Promise<Answer> {
  const res = await fetch(`${base}${kv(key)}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${WRITE_TOKEN}`, "Content-Type": "application/json", "KV-Metadata": header },
    body: "1",
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null).each(["memory", "upstash"])(
  "KV-Metadata as UTF-8 bytes over HTTP, %s backend",
  (backend) => {
    let memory: RunningWorker | undefined;
    let stack: Stack | undefined;
    let base: string;

    beforeAll(async () => {
      if (backend === "memory") {
        memory = await startKvWorker({ STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: WRITE_TOKEN });
        base = memory.url;
      } else {
        stack = await startStack();
        base = stack.worker.url;
      }
    });

    afterAll(async () => {
      await memory?.dispose();
      await stack?.close();
    });

    it.each([
      ["a Latin-1 letter", '{"n":"é"}'],
      ["an astral character", '{"n":"😀","s":"日本語"}'],
      ["the same, escaped as \\uXXXX", '{"n":"\\u00e9\\ud83d\\ude00"}'],
    ])("%s is stored and read back, on GET and in the listing", async (_label, text) => {
      const key = `meta/${crypto.randomUUID()}`;
      const stored = await putWithMetadata(base, key, utf8Bytes(text));
      expect(stored.status, stored.text).toBe(201);

      const read = await call(base, kv(key));
      expect(read.status).toBe(200);
      const header = read.headers.get("kv-metadata") ?? "";
      // Sent back in ASCII (non-ASCII escaped), so any client reads it whatever it assumes of header bytes.
      expect(header).toMatch(/^[\x20-\x7e]*$/);
      expect(JSON.parse(header)).toEqual(JSON.parse(text));

      const listing = await call(base, `/v1/kv?prefix=${encodeURIComponent(key)}`);
      expect((JSON.parse(listing.text) as { keys: { metadata: unknown }[] }).keys[0]?.metadata).toEqual(
        JSON.parse(text),
      );
    });

    it.each([
      ["a lone Latin-1 byte", rawBytes(...Buffer.from('{"n":"'), 0xe9, ...Buffer.from('"}'))],
      ["a truncated sequence", rawBytes(...Buffer.from('{"n":"'), 0xc3, ...Buffer.from('"}'))],
      ["an encoded surrogate", rawBytes(...Buffer.from('{"n":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}'))],
      ["an overlong encoding", rawBytes(...Buffer.from('{"n":"'), 0xc0, 0xaf, ...Buffer.from('"}'))],
    ])("a header that is not UTF-8 (%s) is a 400 invalid_metadata, and nothing is stored", async (_label, header) => {
      const key = `meta/${crypto.randomUUID()}`;
      const refused = await putWithMetadata(base, key, header);
      expect(refused.status, refused.text).toBe(400);
      expect(JSON.parse(refused.text)).toMatchObject({ code: "invalid_metadata" });
      expect((await call(base, kv(key))).status).toBe(404);
    });
  },
);
