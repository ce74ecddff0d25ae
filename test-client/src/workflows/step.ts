/** One request a workflow made, and whether its answer was right. */
export interface Step {
  workflow: string;
  step: string;
  method: string;
  path: string;
  /** The status the step needs; a list when several are fine (cleanup, reads of a user's key). */
  expected_status: number | number[];
  /** `null` when no answer came (the KV worker could not be reached). */
  actual_status: number | null;
  pass: boolean;
  duration_ms: number;
  /** The KV worker's `X-Request-Id` for this request, when it sent one. */
  request_id?: string;
  /** Why the step failed. */
  error?: string;
}

/** A step failed: the workflow stops there. */
export class StepFailure extends Error {
  override readonly name = "StepFailure";
  constructor(
    readonly step: Step,
    /** True when no answer came at all. */
    readonly unreachable: boolean,
  ) {
    super(step.error ?? `step '${step.step}' failed`);
  }
}

/** True when `status` is one the step expects. */
export function statusMatches(expected: number | number[], status: number): boolean {
  return Array.isArray(expected) ? expected.includes(status) : expected === status;
}

/** The expected status, as words for messages. */
export function describeExpected(expected: number | number[]): string {
  return Array.isArray(expected) ? expected.join(" or ") : String(expected);
}
