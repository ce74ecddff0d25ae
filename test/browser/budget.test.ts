import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { buildConsole, describeBuild, GZIP_BUDGET_BYTES } from "../../console/build";

const outDir = mkdtempSync(join(tmpdir(), "edge-kv-console-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it(`keeps the console's JS and CSS within ${GZIP_BUDGET_BYTES / 1024} KiB gzip`, async () => {
  const report = await buildConsole(outDir);
  console.log(describeBuild(report));
  expect(report.files.map((file) => file.path)).toEqual(
    expect.arrayContaining([
      "_headers",
      "console/index.html",
      "console/console.js",
      "console/docs.js",
      "console/docs.css",
    ]),
  );
  expect(report.scriptAndStyleGzipBytes).toBeGreaterThan(0);
  expect(report.scriptAndStyleGzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
});

it("references nothing on another origin from its page or styles", () => {
  const html = readFileSync(join(outDir, "console/index.html"), "utf8");
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  for (const css of ["console/console.css", "console/docs.css"]) {
    expect(readFileSync(join(outDir, css), "utf8")).not.toMatch(/url\(|@import/);
  }
});

it("writes nothing on a second build of the same sources, so a watcher of the assets sees no change", async () => {
  const files = (await buildConsole(outDir)).files.map((file) => join(outDir, file.path));
  const identity = (path: string) => {
    const stat = statSync(path);
    return `${stat.ino}:${stat.mtimeMs}`;
  };
  const before = files.map(identity);
  await buildConsole(outDir);
  expect(files.map(identity)).toEqual(before);
});
