import { defineProject } from "vitest/config";
import { unitProject } from "./vitest.config";

// What `npm run mutate` runs (stryker.config.mjs): the unit project's rule tests. Not the OpenAPI
// lint, which builds the whole app and runs Redocly, so it would cover every mutant and take minutes.
// Stryker's own `testFiles` option would select them too, but StrykerJS 9.6 then activates static
// mutants (module-level constants and regular expressions) after the modules have loaded, and
// reports every one as survived (stryker-mutator/stryker-js#6144).
export default defineProject({
  test: { ...unitProject, include: ["test/unit/rules/**/*.test.ts"] },
});
