import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { PROBLEMS } from "../../src/problems";

// docs/errors.md lists every problem code with its statuses: the same list as src/problems.ts.
it("docs/errors.md lists exactly the codes and statuses of PROBLEMS", () => {
  const text = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
  const documented = [...text.matchAll(/^\| `([a-z0-9_]+)` \| ([\d, ]+) \|/gm)].map(
    ([, code, statuses]) => `${code}: ${statuses?.trim()}`,
  );
  const defined = Object.entries(PROBLEMS).map(([code, kind]) => `${code}: ${kind.statuses.join(", ")}`);
  expect(documented.sort()).toEqual(defined.sort());
});
