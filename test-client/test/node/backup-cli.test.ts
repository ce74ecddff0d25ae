import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisMissing } from "../../../test/reliability/support/redis-required";
import { upstashBindings, WRITE_TOKEN } from "../../../test/reliability/support/stack";
import { type RunningWorker, startKvWorker } from "../../../test/reliability/support/worker";
import { type RedisServer, startRedisServer } from "../../../tools/testing/redis-server";
import { type RunningBridge, startBridge } from "../../../tools/upstash-bridge/server";
import { type BackupProxy, startBackupProxy } from "../support/backup-proxy";
import { run } from "../support/processes";
import { buildCli, type CliBundle } from "../support/smoke-build";

const ESC = "\u001b[";
const TOKEN = WRITE_TOKEN;

let exporter: CliBundle;
let importer: CliBundle;
let dir: string;

/** Runs a bundled backup CLI with plain node, as `npm run -s` would (no npm banner, no token unless given). */
function cli(bundle: CliBundle, args: string[], env: Record<string, string | undefined> = {}) {
  return run(process.execPath, [bundle.path, ...args], {
    KV_TOKEN: TOKEN,
    npm_command: undefined,
    npm_lifecycle_event: undefined,
    npm_config_loglevel: undefined,
    ...env,
  });
}

/** Exports `prefix` from `url` into a new file; returns its path, after checking the CLI succeeded. */
async function exportTo(url: string, prefix: string, name: string): Promise<string> {
  const out = join(dir, name);
  const result = await cli(exporter, ["--url", url, "--prefix", prefix, "--out", out]);
  expect(result.code, result.stderr).toBe(0);
  return out;
}

/** An export's lines, minus what a round trip may change: versions, revision and time of the header. */
async function comparable(file: string): Promise<string[]> {
  const [header = "", ...lines] = (await readFile(file, "utf8")).trimEnd().split("\n");
  const { format, prefix } = JSON.parse(header) as { format: string; prefix: string };
  return [JSON.stringify({ format, prefix }), ...lines.map((line) => line.replace(/"version":[0-9]+/, '"version":_'))];
}

async function put(url: string, key: string, body: string, headers: Record<string, string> = {}, query = "") {
  const res = await fetch(`${url}/v1/kv/${encodeURIComponent(key)}${query}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json", ...headers },
    body,
  });
  expect(res.status).toBe(201);
}

/** Writes `count` keys under `prefix`, with exact number texts, metadata, Unicode and a TTL among them. */
async function seed(url: string, prefix: string, count: number): Promise<void> {
  await put(url, `${prefix}exact`, "[1.50,1e3,-0,12345678901234567890]");
  await put(url, `${prefix}meta ü/é`, '{"n":null}', { "KV-Metadata": '{"tags":["x"]}' });
  await put(url, `${prefix}ttl`, '"soon"', {}, "?ttl=3600");
  for (let i = 0; i < count; i++) await put(url, `${prefix}k${String(i).padStart(4, "0")}`, JSON.stringify({ i }));
}

beforeAll(async () => {
  [exporter, importer] = await Promise.all([buildCli("export"), buildCli("import")]);
  dir = await mkdtemp(join(tmpdir(), "edge-kv-backup-test-"));
});

afterAll(async () => {
  await exporter?.remove();
  await importer?.remove();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Export → import into an empty store → export: the same lines apart from versions. */
async function roundTrip(source: string, target: string, prefix: string) {
  await seed(source, prefix, 40);
  const first = await exportTo(source, prefix, `${prefix.replace(/\W/g, "")}-first.ndjson`);
  // A small budget: the 44 lines go in several requests.
  const imported = await cli(importer, ["--url", target, "--max-request-bytes", "600", first]);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stdout).toBe("");
  expect(imported.stderr).toMatch(
    /^import: 43 imported, 0 skipped \(expired\), 0 failed from 44 lines of .* keys\/s\)\n$/,
  );
  const second = await exportTo(target, prefix, `${prefix.replace(/\W/g, "")}-second.ndjson`);
  expect(await comparable(second)).toEqual(await comparable(first));
  expect((await comparable(first)).length).toBe(44);
}

describe("npm run export / import on the Map backend", () => {
  let source: RunningWorker;
  let target: RunningWorker;
  let proxy: BackupProxy;
  const bindings = { STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: TOKEN };

  beforeAll(async () => {
    [source, target] = await Promise.all([startKvWorker(bindings), startKvWorker(bindings)]);
    proxy = await startBackupProxy(target.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await source?.dispose();
    await target?.dispose();
  });

  it("round-trips export → import into an empty store → export, in several requests", async () => {
    await roundTrip(source.url, target.url, "rt/");
  });

  it("stops at a failed request with the line to resume from; --from-line then reaches the same data", async () => {
    const prefix = "resume/";
    await seed(source.url, prefix, 30);
    const backup = await exportTo(source.url, prefix, "resume.ndjson");
    // 34 lines: header, then 33 keys, 10 lines a request; the third request fails.
    proxy.plan(["pass", "pass"], "fail");
    const stopped = await cli(importer, ["--url", proxy.url, "--max-request-lines", "10", "--retries", "0", backup]);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toContain("import: stopped at line 22: the request for lines 22–31 failed: HTTP 503");
    expect(stopped.stderr).toMatch(
      /import: 20 imported, 0 skipped \(expired\), 0 failed before it .*; resume with --from-line 22\n$/,
    );
    proxy.plan([], "pass");
    const resumed = await cli(importer, ["--url", proxy.url, "--from-line", "22", backup]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain("import: 13 imported");
    expect(await comparable(await exportTo(target.url, prefix, "resume-after.ndjson"))).toEqual(
      await comparable(backup),
    );
  });

  it("retries a request whose answer was lost with the same Idempotency-Key, so it applies once", async () => {
    const prefix = "lost/";
    await seed(source.url, prefix, 5);
    const backup = await exportTo(source.url, prefix, "lost.ndjson");
    proxy.plan(["lose-answer", "pass"]);
    // create_only: a second application would report every key as existing.
    const result = await cli(importer, ["--url", proxy.url, "--mode", "create_only", backup]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain("import: 8 imported, 0 skipped (expired), 0 failed");
    expect(proxy.imports.map((request) => request.fault)).toEqual(["lose-answer", "pass"]);
    expect(proxy.imports[0]?.idempotencyKey).toMatch(/^edge-kv-import-/);
    expect(proxy.imports[1]?.idempotencyKey).toBe(proxy.imports[0]?.idempotencyKey);
  });

  it("lists refused lines by their line in the file and exits 1; skips expired lines", async () => {
    const file = join(dir, "mixed.ndjson");
    const past = Date.now() - 60_000;
    const lines = [
      '{"format":"edge-kv/1","revision":1,"exported_at":0,"prefix":""}',
      '{"key":"mixed/ok","value":1}',
      "",
      "not json",
      `{"key":"mixed/gone","value":1,"expires_at":${past}}`,
      '{"key":"__edgekv__:x","value":1}',
    ];
    await writeFile(file, `${lines.join("\n")}\n`);
    const result = await cli(importer, ["--url", target.url, "--max-request-lines", "2", file]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      // Line 4 of the file is line 1 of the second request: the detail speaks of the file's line.
      expect.stringMatching(/^line 4: malformed_json: Line 4 is not valid JSON/),
      expect.stringMatching(/^line 6: key_reserved: /),
      "",
    ]);
    expect(result.stderr).toMatch(/^import: 1 imported, 1 skipped \(expired\), 2 failed from 6 lines of /);
  });

  it("stops naming a line larger than a request may be, after importing the lines before it", async () => {
    const file = join(dir, "big-line.ndjson");
    await writeFile(file, `{"key":"big/a","value":1}\n{"key":"big/b","value":"${"x".repeat(500)}"}\n`);
    const result = await cli(importer, ["--url", target.url, "--max-request-bytes", "300", file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "import: stopped at line 2: line 2 is 527 bytes, more than --max-request-bytes (300) allows in one request",
    );
    expect(result.stderr).toContain("import: 1 imported, 0 skipped (expired), 0 failed before it");
  });

  it("stops at a 413 when the budget is above the service's limit, with a hint and the resume line", async () => {
    const small = await startKvWorker({ ...bindings, KV_MAX_IMPORT_BYTES: "200" });
    try {
      const file = join(dir, "over-limit.ndjson");
      const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ key: `limit/${i}`, value: "y".repeat(30) }));
      await writeFile(file, `${lines.join("\n")}\n`);
      const result = await cli(importer, ["--url", small.url, file]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain("HTTP 413 body_too_large");
      expect(result.stderr).toContain("lower --max-request-bytes");
      expect(result.stderr).toContain("resume with --from-line 1");
      const fits = await cli(importer, ["--url", small.url, "--max-request-bytes", "200", file]);
      expect(fits.code, fits.stderr).toBe(0);
      expect(fits.stderr).toContain("import: 10 imported");
    } finally {
      await small.dispose();
    }
  });

  it("never prints the token, from --token or KV_TOKEN, even when a server quotes it back", async () => {
    const file = join(dir, "one.ndjson");
    await writeFile(file, '{"key":"secret/a","value":1}\n');
    const token = "backup-secret-token-0123456789";
    proxy.plan([], "echo-auth");
    const results = await Promise.all([
      cli(importer, ["--url", proxy.url, "--token", token, "--retries", "0", file]),
      cli(importer, ["--url", proxy.url, "--retries", "0", file], { KV_TOKEN: token }),
      cli(exporter, ["--url", "http://127.0.0.1:1", "--token", token]),
      cli(importer, ["--url", proxy.url, "--token", `${token} bad`, file]),
    ]);
    proxy.plan([]);
    for (const result of results) expect(result.stdout + result.stderr).not.toContain(token);
    expect(results[0]?.stderr).toContain("Refused 'Authorization: Bearer [KV_TOKEN]'");
    expect(results.map((result) => result.code)).toEqual([3, 3, 3, 2]);
  });

  it("draws no progress bar when stderr is not a terminal: one plain summary line", async () => {
    const result = await cli(exporter, ["--url", source.url, "--prefix", "rt/"]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^\{"format":"edge-kv\/1","revision":[0-9]+,/);
    expect(result.stderr).toMatch(
      /^export: 43 keys under 'rt\/' at revision [0-9]+ in [0-9.]+ s \([0-9]+ keys\/s\)\n$/,
    );
    expect(result.stderr).not.toContain(ESC);
    expect(result.stderr).not.toContain("\r");
  });

  // `script` (util-linux) runs the command on a pseudo-terminal; without it there is no terminal to test on.
  it.skipIf(!existsSync("/usr/bin/script"))(
    "draws a progress bar with keys, keys/s and ETA on a terminal",
    async () => {
      const backup = await exportTo(source.url, "rt/", "tty.ndjson");
      const command = `${process.execPath} ${importer.path} --url ${target.url} --max-request-lines 5 ${backup}`;
      const result = await run("/usr/bin/script", ["-qec", command, "/dev/null"], {
        KV_TOKEN: TOKEN,
        npm_command: undefined,
        npm_lifecycle_event: undefined,
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain(ESC);
      expect(result.stdout).toMatch(/import \[[#-]{30}\] [0-9]+% \| [0-9]+ keys \| [0-9]+ keys\/s \| ETA /);
      expect(result.stdout).toContain("import: 43 imported, 0 skipped (expired), 0 failed");
    },
  );

  it("exits 2 on usage errors, and refuses stdout that npm's banner already went into", async () => {
    const [noFile, badMode, banner, silent] = await Promise.all([
      cli(importer, ["--url", target.url, join(dir, "missing.ndjson")]),
      cli(importer, ["--url", target.url, "--mode", "merge", "x"]),
      cli(exporter, ["--url", source.url], { npm_command: "run", npm_lifecycle_event: "export" }),
      cli(exporter, ["--url", source.url, "--prefix", "none/"], {
        npm_command: "run",
        npm_lifecycle_event: "export",
        npm_config_loglevel: "silent",
      }),
    ]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("is not a file that can be read");
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain("--mode must be upsert or create_only");
    expect(banner.code).toBe(2);
    expect(banner.stdout).toBe("");
    expect(banner.stderr).toContain("run `npm run -s export -- ...` or give --out FILE");
    expect(silent.code).toBe(0);
  });

  it("exits 3 and removes the partial file when the export cannot be read", async () => {
    const out = join(dir, "unreachable.ndjson");
    const result = await cli(exporter, ["--url", "http://127.0.0.1:1", "--out", out]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^export: stopped, nothing was written: /);
    await expect(readFile(out)).rejects.toThrow();
    await expect(readFile(`${out}.partial`)).rejects.toThrow();
  });
});

describe("npm run export against a stream that breaks off", () => {
  let server: Server;
  let base: string;
  const header = '{"format":"edge-kv/1","revision":7,"exported_at":0,"prefix":""}\n';
  const line = '{"key":"a","value":1,"version":1,"expires_at":null,"metadata":null}\n';

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.writeHead(200, { "Content-Type": "application/x-ndjson" });
      if (request.url?.includes("prefix=error")) {
        response.end(
          `${header}${line}{"error":{"status":503,"code":"storage_unavailable","detail":"Storage is down"}}\n`,
        );
      } else {
        // Half a line, then the connection closes.
        response.end(`${header}${line}{"key":"b","val`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("exits 3 on the service's error line, which it does not write", async () => {
    const result = await cli(exporter, ["--url", base, "--prefix", "error"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(header + line);
    expect(result.stderr).toBe(
      "export: stopped, the output is incomplete: the service stopped the export: storage_unavailable: Storage is down\n",
    );
  });

  it("exits 3 when --out cannot be written", async () => {
    const result = await cli(exporter, ["--url", base, "--prefix", "error", "--out", join(dir, "no-such-dir", "b")]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^export: stopped, nothing was written: the output cannot be written: ENOENT/);
  });

  it("exits 3 on a last line cut short, leaving no file with --out", async () => {
    const out = join(dir, "cut.ndjson");
    const result = await cli(exporter, ["--url", base, "--prefix", "cut", "--out", out]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("export: stopped, nothing was written: the export ended in the middle of a line");
    await expect(readFile(out)).rejects.toThrow();
    await expect(readFile(`${out}.partial`)).rejects.toThrow();
  });
});

describe.skipIf(redisMissing !== null)("npm run export / import on the Upstash backend (bridge)", () => {
  let redis: RedisServer;
  let bridge: RunningBridge;
  let source: RunningWorker;
  let target: RunningWorker;

  beforeAll(async () => {
    const bridgeToken = `bridge-${process.pid}-${Date.now()}`;
    redis = await startRedisServer();
    bridge = await startBridge({ port: 0, redisUrl: redis.url, token: bridgeToken });
    // One Redis, two namespaces: the target starts empty.
    [source, target] = await Promise.all([
      startKvWorker(upstashBindings(bridge.url, bridgeToken, { KV_PREFIX: "source:" })),
      startKvWorker(upstashBindings(bridge.url, bridgeToken, { KV_PREFIX: "target:" })),
    ]);
  });

  afterAll(async () => {
    await source?.dispose();
    await target?.dispose();
    await bridge?.close();
    await redis?.dispose();
  });

  it("round-trips export → import into an empty store → export, in several requests", async () => {
    await roundTrip(source.url, target.url, "rt/");
  });
});
