import type { JsonValue } from "./json";
import type { WorkflowContext } from "./runtime";
import { Session } from "./session";
import { type Step, StepFailure } from "./step";

/** Extra answer fields of a workflow (`final_value`, `value`, ...). */
export type Fields = Record<string, JsonValue>;

/** What a workflow's body returns when every step passed. */
export interface Success<F extends Fields> {
  /** Overrides the default "<Title> test passed". */
  message?: string;
  details: string;
  fields: F;
}

/** A named sequence of requests against the KV worker. */
export interface Workflow<F extends Fields = Fields> {
  /** Short name: `deletion`, `overwrite`, ... */
  name: string;
  /** Used in messages: "Deletion test passed". */
  title: string;
  run(session: Session): Promise<Success<F>>;
}

/** passed: every step right; failed: the KV worker answered wrongly; unreachable: no answer. */
export type Outcome = "passed" | "failed" | "unreachable";

/** The result of one workflow run. */
export type WorkflowReport<F extends Fields = Fields> = {
  workflow: string;
  message: string;
  details: string;
  steps: Step[];
} & ({ outcome: "passed"; fields: F } | { outcome: "failed" | "unreachable"; failed_step: Step });

/** Runs a workflow, then removes whatever keys it may have left behind. */
export async function runWorkflow<F extends Fields>(
  workflow: Workflow<F>,
  ctx: WorkflowContext,
): Promise<WorkflowReport<F>> {
  const session = new Session(ctx, workflow.name);
  let report: WorkflowReport<F>;
  try {
    const success = await workflow.run(session);
    report = {
      workflow: workflow.name,
      outcome: "passed",
      message: success.message ?? `${workflow.title} test passed`,
      details: success.details,
      fields: success.fields,
      steps: session.steps,
    };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    const failed = error.step;
    report = {
      workflow: workflow.name,
      outcome: error.unreachable ? "unreachable" : "failed",
      message: `${workflow.title} test failed`,
      details: `Step '${failed.step}' (${failed.method} ${failed.path}) failed: ${failed.error ?? "wrong answer"}`,
      failed_step: failed,
      steps: session.steps,
    };
  }
  await session.cleanup();
  return report;
}
