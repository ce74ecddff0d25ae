import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../testing/free-port";
import { type RedisServer, startRedisServer } from "../../testing/redis-server";
import { SKIP_WITHOUT_REDIS } from "./harness";

// The shell examples of README.md's "Running it" section, run as printed except for
// the ports (free ones instead of 6390 and 8079), each output checked against the
// `# ...` line under it.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
const run = promisify(execFile);

interface Example {
  command: string;
  expected: string;
}

/** The `sh` blocks between two headings, as commands each followed by its expected output. */
function examples(from: string, to: string): Example[] {
  const section = README.slice(README.indexOf(from), README.indexOf(to));
  const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, body = ""]) => body.trimEnd().split("\n"));
  return lines.flatMap((line, index) => {
    if (line.startsWith("#")) return [];
    const next = lines[index + 1] ?? "";
    return [{ command: line, expected: next.startsWith("# ") ? next.slice(2) : "" }];
  });
}

const found = examples("## Running it", "### From code");
let redis: RedisServer;
let bridge: ChildProcess;
let bridgePort: number;
let started = "";

/** An example's text with the test's ports in place of the documented ones. */
function localized(text: string): string {
  return text.replaceAll("6390", String(redis.port)).replaceAll("8079", String(bridgePort));
}

beforeAll(async () => {
  if (SKIP_WITHOUT_REDIS) return;
  redis = await startRedisServer();
  bridgePort = await freePort();
  const command = found.find((example) => example.command.startsWith("npm run bridge"));
  if (command === undefined) throw new Error("README.md shows no `npm run bridge` command");
  const args = localized(command.command).split(" ").slice(1);
  // Its own process group, so that stopping it also stops tsx and node under npm.
  bridge = spawn("npm", [...args, "--port", String(bridgePort)], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bridge did not start:\n${started}`)), 20_000);
    const read = (chunk: Buffer) => {
      started += chunk.toString("utf8");
      if (started.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    bridge.stdout?.on("data", read);
    bridge.stderr?.on("data", read);
    bridge.once("exit", (code) => reject(new Error(`the bridge exited with ${code}:\n${started}`)));
  });
}, 30_000);

afterAll(async () => {
  if (bridge?.pid !== undefined && bridge.exitCode === null) {
    const exited = new Promise((resolve) => bridge.once("exit", resolve));
    process.kill(-bridge.pid, "SIGTERM");
    await exited;
  }
  await redis?.dispose();
});

describe.skipIf(SKIP_WITHOUT_REDIS)("the bridge README's examples", () => {
  it("shows a redis-server, the bridge, and three curl calls with their answers", () => {
    expect(found.map((example) => example.command.split(" ")[0])).toEqual([
      "redis-server",
      "npm",
      "curl",
      "curl",
      "curl",
    ]);
  });

  it("starts the bridge as shown, and it says where it listens", () => {
    const shown = found.find((example) => example.command.startsWith("npm run bridge"));
    expect(started).toContain(localized(shown?.expected ?? "(no expected line)"));
  });

  it.each(found.filter((example) => example.command.startsWith("curl")))("$command", async ({ command, expected }) => {
    expect(expected).not.toBe("");
    // The commands quote with '...' only; split them the way a shell would.
    const args = [...localized(command).matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? "");
    const [program, ...rest] = args;
    assert.isDefined(program, "a curl example names a program");
    const { stdout } = await run(program, rest);
    expect(stdout).toBe(localized(expected));
  });
});
