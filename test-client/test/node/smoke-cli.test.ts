import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kvWorkerOptions } from "../support/kv-worker";
import { deadUrl, type Liar, startLiar } from "../support/liar";
import { LIAR_TOKEN } from "../support/liar-modes";
import { run } from "../support/processes";
import { buildSmokeCli, type SmokeBundle } from "../support/smoke-build";

const ESC = "\u001b[";

let kv: Miniflare;
let kvUrl: string;
let liar: Liar;
let dead: string;
let cli: SmokeBundle;

/** Runs the bundled smoke CLI with plain node (`npm run smoke` itself is tested once, below). */
function smoke(args: string[], env: Record<string, string | undefined> = {}) {
  return run(process.execPath, [cli.path, ...args], {
    KV_TOKEN: undefined,
    NO_COLOR: undefined,
    npm_command: undefined,
    npm_lifecycle_event: undefined,
    ...env,
  });
}

beforeAll(async () => {
  const [options, bundle] = await Promise.all([kvWorkerOptions(), buildSmokeCli()]);
  cli = bundle;
  // The KV worker's request log goes nowhere; its errors still reach stderr.
  kv = new Miniflare({
    ...options,
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderr.pipe(process.stderr);
    },
  });
  kvUrl = (await kv.ready).href.replace(/\/$/, "");
  liar = await startLiar();
  dead = await deadUrl();
});

afterAll(async () => {
  await kv?.dispose();
  await liar?.close();
  await cli?.remove();
});

describe.concurrent("npm run smoke", () => {
  it("passes against a running KV worker, one PASS line per step, without colour off a TTY", async () => {
    const result = await smoke(["--url", kvUrl]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`edge-kv smoke test of ${kvUrl}`);
    expect(result.stdout).toMatch(/All 8 workflows passed in \d+\.\d s/);
    const stepLines = result.stdout.split("\n").filter((line) => /^ {2}(PASS|FAIL) {2}/.test(line));
    expect(stepLines.length).toBeGreaterThan(20);
    expect(stepLines.every((line) => line.startsWith("  PASS"))).toBe(true);
    expect(result.stdout).toContain("PASS  ttl: get after expiry  (GET /get/");
    expect(result.stdout).not.toContain(ESC);
  });

  it("prints the whole report as JSON with --json", async () => {
    const result = await smoke(["--url", kvUrl, "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { target: string; outcome: string; steps: { pass: boolean }[] };
    expect(report).toMatchObject({ target: kvUrl, outcome: "passed" });
    expect(report.steps.every((step) => step.pass)).toBe(true);
  });

  it("exits 1 against a server that answers 200 with wrong values, naming each failing step", async () => {
    const result = await smoke(["--url", liar.url("always-ok")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL  deletion: exists after delete");
    expect(result.stdout).toContain("expected exists false, got true");
    expect(result.stdout).toContain("FAIL  overwrite: get after overwrite");
    expect(result.stdout).toContain(
      "7 of 8 workflows failed: deletion, overwrite, ttl, null_value, bad_input, unknown_key, change_feed",
    );
  });

  it("exits 1 when a single check fails (TTL ignored)", async () => {
    const result = await smoke(["--url", liar.url("ignores-ttl")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL  ttl: get after expiry");
    expect(result.stdout).toContain("1 of 8 workflows failed: ttl");
    expect(result.stdout).toContain("PASS  ttl: cleanup  (DELETE /delete/");
    expect(liar.keys("ignores-ttl")).toEqual([]);
  });

  it("exits 1 when only DELETE answers 500, even with the success message as its body", async () => {
    const result = await smoke(["--url", liar.url("delete-500-ok-body")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL {2}deletion: delete {2}\(DELETE \/delete\/\S+ → 500, expected 200,/);
    expect(result.stdout).toContain("4 of 8 workflows failed: deletion, overwrite, null_value, change_feed");
    expect(result.stdout).not.toMatch(/PASS .*→ 5\d\d/);
  });

  it("exits 1 when nothing listens at the URL", async () => {
    const result = await smoke(["--url", dead]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("(the KV worker could not be reached)");
    expect(result.stdout).toContain("no answer");
  });

  it("exits 1 when the worker never answers, after --timeout", async () => {
    const result = await smoke(["--url", liar.url("silent"), "--timeout", "300"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("no answer within 300 ms");
  });

  it("sends KV_TOKEN from the environment as a bearer token", async () => {
    const [withToken, none] = await Promise.all([
      smoke(["--url", liar.url("auth")], { KV_TOKEN: LIAR_TOKEN }),
      smoke(["--url", liar.url("auth")]),
    ]);
    expect(withToken.code, withToken.stdout).toBe(0);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("got 401");
  });

  it("never prints the token, even when the server quotes it back, as text or JSON", async () => {
    const token = "smoke-secret-0123456789";
    const [text, json] = await Promise.all([
      smoke(["--url", liar.url("echo-auth")], { KV_TOKEN: token }),
      smoke(["--url", liar.url("echo-auth"), "--json"], { KV_TOKEN: token }),
    ]);
    for (const result of [text, json]) {
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).not.toContain(token);
    }
    expect(text.stdout).toContain("Refused 'Authorization: Bearer [KV_TOKEN]'");
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain("Bearer [KV_TOKEN]");
  });

  it("refuses --token (exit 2) and a malformed KV_TOKEN, never printing either", async () => {
    const flag = await smoke(["--url", kvUrl, "--token", "flag-secret-0123456789"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("put the token in the KV_TOKEN environment variable");
    expect(flag.stdout + flag.stderr).not.toContain("flag-secret");
    const malformed = await smoke(["--url", kvUrl], { KV_TOKEN: "env secret\r\nX-Injected: 1" });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("KV_TOKEN is not a bearer token");
    expect(malformed.stdout + malformed.stderr).not.toContain("env secret");
  });

  it("exits 2 with the usage on stderr when the command line is wrong", async () => {
    const result = await smoke(["--url", "localhost:8787"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("smoke: --url must use http or https");
    expect(result.stderr).toContain("npm run -s smoke -- --url <KV worker URL>");
    expect(result.stdout).toBe("");
  });

  it("prints usage and exits 0 with --help", async () => {
    const result = await smoke(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: [KV_TOKEN=<token>] npm run -s smoke -- --url <KV worker URL>");
  });

  it("is wired as `npm run -s smoke -- --url ... --json`: stdout is the JSON report alone, no token anywhere", async () => {
    const token = "npm-secret-0123456789";
    const result = await run("npm", ["run", "-s", "smoke", "--", "--url", kvUrl, "--json"], { KV_TOKEN: token });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ target: kvUrl, outcome: "passed" });
    expect(result.stdout + result.stderr).not.toContain(token);
  });
});

// After the concurrent tests, one at a time: a 2-core machine running many smoke runs at once
// slows the ttl workflow's 1 s TTL past its first read.
describe("npm run smoke, one run at a time", () => {
  it("sends an Idempotency-Key on every write, a new one each time", async () => {
    const result = await smoke(["--url", liar.url("honest")]);
    expect(result.code, result.stdout).toBe(0);
    const writes = liar.writes("honest");
    expect(writes.filter((write) => write.path.endsWith("/set")).length).toBeGreaterThan(5);
    for (const write of writes)
      expect(write.idempotencyKey, `${write.method} ${write.path}`).toMatch(/^[0-9a-f-]{36}$/);
    const keys = writes.map((write) => write.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("exits 1 when a write never shows up in the change feed", async () => {
    const result = await smoke(["--url", liar.url("feed-misses")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL {2}change_feed: feed shows the write {2}\(GET \/v1\/watch\?prefix=\S+&since=\d+ → 200/,
    );
    expect(result.stdout).toContain("no event with id");
    expect(result.stdout).toContain("1 of 8 workflows failed: change_feed");
  });

  it("writes the JSON report to --out, stdout keeping one line; refuses --json into npm's banner", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edge-kv-smoke-out-"));
    try {
      const out = join(dir, "smoke.json");
      const token = "out-secret-0123456789";
      const written = await smoke(["--url", kvUrl, "--json", "--out", out], { KV_TOKEN: token });
      expect(written.code, written.stderr).toBe(0);
      expect(written.stdout).toBe(`All 8 workflows passed; report written to ${out}\n`);
      const text = await readFile(out, "utf8");
      expect(JSON.parse(text)).toMatchObject({ target: kvUrl, outcome: "passed" });
      expect(text).not.toContain(token);
      const banner = await smoke(["--url", kvUrl, "--json"], { npm_command: "run", npm_lifecycle_event: "smoke" });
      expect(banner.code).toBe(2);
      expect(banner.stderr).toContain("run `npm run -s smoke -- ...` or give --out FILE");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
