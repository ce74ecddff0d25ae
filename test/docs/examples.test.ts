// Every `console` block of README.md and docs/*.md runs against a fresh KV worker and prints what
// the docs show (docs/development.md, "Executable examples"). A docs file's commands run in order
// in one bash session, with $B the worker's base URL: once per backend the file asks for.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findRedisServer, REDIS_SERVER_INSTALL_HINT } from "../../tools/testing/redis-server";
import { type Stack, startStack } from "../reliability/support/stack";
import { type RunningWorker, startKvWorker } from "../reliability/support/worker";
import { compareOutput, type DocsFile, parseDocsFile } from "./examples";
import { Shell } from "./shell";

const ROOT = new URL("../../", import.meta.url);
const FILES = [
  "README.md",
  ...readdirSync(new URL("docs/", ROOT))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];
const COMMAND_TIMEOUT_MS = 20_000;
const redisMissing = findRedisServer() === null ? REDIS_SERVER_INSTALL_HINT : null;

// A worker serves the Map backend with no token, unless the file's settings say otherwise. The
// Upstash backend fails closed without a token: a file that sets none runs it open, so that one
// walk-through serves both backends.
const NO_SECRETS = { KV_READ_TOKENS: "", KV_WRITE_TOKENS: "", KV_ADMIN_TOKENS: "" };

interface Target {
  url: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

async function startTarget(backend: "memory" | "upstash", bindings: Record<string, string>): Promise<Target> {
  if (backend === "memory") {
    const worker: RunningWorker = await startKvWorker({ ...NO_SECRETS, STORAGE_BACKEND: "memory", ...bindings });
    return { url: worker.url, env: {}, close: () => worker.dispose() };
  }
  const anyToken = ["KV_READ_TOKENS", "KV_WRITE_TOKENS", "KV_ADMIN_TOKENS"].some((name) => bindings[name]);
  const stack: Stack = await startStack({
    bindings: { ...NO_SECRETS, ...(anyToken ? {} : { KV_ALLOW_ANONYMOUS: "true" }), ...bindings },
  });
  return { url: stack.worker.url, env: { REDIS_PORT: String(stack.redis.port) }, close: () => stack.close() };
}

async function runFile(name: string, file: DocsFile, backend: "memory" | "upstash"): Promise<string[]> {
  const failures: string[] = [];
  for (const [section, bindings] of file.sections.entries()) {
    const examples = file.examples.filter((example) => example.section === section);
    if (examples.length === 0) continue;
    const target = await startTarget(backend, { ...bindings });
    const shell = new Shell({ B: target.url, NO_COLOR: "1", ...target.env });
    try {
      for (const example of examples) {
        const { printed, status } = await shell.run(example.command, COMMAND_TIMEOUT_MS);
        const difference =
          status === null ? "the command did not finish" : compareOutput(example.command, example.expected, printed);
        if (difference === null) continue;
        failures.push(
          [
            `${name}:${example.line} (${backend}): ${difference}`,
            `  $ ${example.command.replaceAll("\n", "\n    ")}`,
            "  expected:",
            ...example.expected.map((line) => `    ${line}`),
            `  printed (exit ${status ?? "none"}):`,
            ...printed.split("\n").map((line) => `    ${line}`),
          ].join("\n"),
        );
        if (status === null) break;
      }
    } finally {
      shell.close();
      await target.close();
    }
  }
  return failures;
}

describe.each(FILES)("%s", (name) => {
  const file = parseDocsFile(readFileSync(new URL(name, ROOT), "utf8"), name);

  it("marks every shell block that talks to the service as run (console) or not run", () => {
    expect(file.problems.join("\n")).toBe("");
  });

  // A file without examples has nothing to run.
  for (const backend of file.examples.length === 0 ? [] : file.settings.backends) {
    const skip = backend === "upstash" && redisMissing !== null;
    if (skip) {
      if (process.env.CI === "true") throw new Error(`${redisMissing} (CI=true: the docs tests may not skip)`);
      console.warn(`[docs examples on upstash skipped] ${redisMissing}`);
    }
    it.skipIf(skip)(`prints what the docs show (${backend})`, async () => {
      const failures = await runFile(name, file, backend);
      expect(failures.join("\n\n"), `${failures.length} example(s) printed something else`).toBe("");
    });
  }
});
