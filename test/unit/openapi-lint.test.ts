import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import app from "../../src/index";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;

it("the OpenAPI document passes Redocly's recommended rules with no error and no warning", async () => {
  const res = await app.request("http://127.0.0.1:8787/openapi.json", {}, {
    STORAGE_BACKEND: "memory",
  } as unknown as Env);
  expect(res.status).toBe(200);
  const dir = await mkdtemp(join(tmpdir(), "edge-kv-openapi-"));
  try {
    const file = join(dir, "openapi.json");
    await writeFile(file, await res.text());
    const lint = await run(join(ROOT, "node_modules", ".bin", "redocly"), ["lint", file, "--format", "json"], {
      cwd: dir,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? "",
    }));
    const report = JSON.parse(lint.stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems, JSON.stringify(report.problems, null, 2).slice(0, 2000)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
