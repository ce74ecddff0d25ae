import { badInput } from "./bad-input";
import { changeFeed } from "./change-feed";
import { deletion } from "./deletion";
import { health } from "./health";
import { nullValue } from "./null-value";
import { overwrite } from "./overwrite";
import type { WorkflowContext } from "./runtime";
import type { Step } from "./step";
import { ttl } from "./ttl";
import { unknownKey } from "./unknown-key";
import { type Outcome, runWorkflow, type Workflow, type WorkflowReport } from "./workflow";

/** Every workflow of `/test_all` and the smoke CLI, in report order. */
export const SUITE: readonly Workflow[] = [
  health,
  deletion,
  overwrite,
  ttl,
  nullValue,
  badInput,
  unknownKey,
  changeFeed,
];

/** The result of the whole suite. */
export interface SuiteReport {
  outcome: Outcome;
  message: string;
  details: string;
  /** One line per workflow. */
  workflows: { workflow: string; outcome: Outcome; message: string; details: string }[];
  /** Every request of every workflow, grouped by workflow. */
  steps: Step[];
  /** The first failing step of each workflow that did not pass. */
  failed_steps: Step[];
}

/**
 * Runs every workflow at once (their keys never collide), so the run takes
 * about as long as the TTL wait. A wrong answer outranks an unreachable
 * worker; `details` lists every workflow when all passed, else the failing ones.
 */
export async function runSuite(ctx: WorkflowContext, workflows: readonly Workflow[] = SUITE): Promise<SuiteReport> {
  const reports: WorkflowReport[] = await Promise.all(workflows.map((workflow) => runWorkflow(workflow, ctx)));
  const failing = reports.filter((report) => report.outcome !== "passed");
  const outcome: Outcome = failing.some((report) => report.outcome === "failed")
    ? "failed"
    : failing.length > 0
      ? "unreachable"
      : "passed";
  return {
    outcome,
    message:
      outcome === "passed"
        ? `All ${reports.length} workflows passed`
        : `${failing.length} of ${reports.length} workflows failed: ${failing.map((r) => r.workflow).join(", ")}`,
    details: (outcome === "passed" ? reports : failing).map((r) => `${r.workflow}: ${r.details}`).join("\n"),
    workflows: reports.map(({ workflow, outcome, message, details }) => ({ workflow, outcome, message, details })),
    steps: reports.flatMap((report) => report.steps),
    failed_steps: reports.flatMap((report) => (report.outcome === "passed" ? [] : [report.failed_step])),
  };
}
