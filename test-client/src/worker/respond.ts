import type { Step } from "../workflows/step";
import type { SuiteReport } from "../workflows/suite";
import type { Outcome, WorkflowReport } from "../workflows/workflow";

const NO_STORE = { "Cache-Control": "no-store" };

const FAILURES = {
  failed: { status: 500, code: "workflow_failed", title: "Internal Server Error" },
  unreachable: { status: 502, code: "kv_unreachable", title: "Bad Gateway" },
} as const;

/** A JSON answer that no cache keeps. */
export function jsonAnswer(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** An RFC 9457 problem answer, with extension members. */
export function problemAnswer(
  status: number,
  code: string,
  title: string,
  detail: string,
  extras: Record<string, unknown> = {},
): Response {
  const body = { type: `urn:edge-kv-test-client:problem:${code}`, title, status, detail, code, ...extras };
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...NO_STORE, "Content-Type": "application/problem+json" },
  });
}

function failureAnswer(
  outcome: Exclude<Outcome, "passed">,
  target: string,
  fields: { message: string; details: string; steps: Step[] } & Record<string, unknown>,
): Response {
  const failure = FAILURES[outcome];
  const detail =
    outcome === "unreachable"
      ? `The KV worker (${target}) could not be reached. ${fields.details}`
      : `${fields.message}. ${fields.details}`;
  const { steps, ...rest } = fields;
  return problemAnswer(failure.status, failure.code, failure.title, detail, { ...rest, target, steps });
}

/** 200 with the older fields plus `steps`; 500 or 502 with the failing step. */
export function workflowAnswer(report: WorkflowReport, target: string, passedStatus = 200): Response {
  const { message, details, steps } = report;
  if (report.outcome === "passed") {
    return jsonAnswer(passedStatus, { message, details, ...report.fields, target, steps });
  }
  return failureAnswer(report.outcome, target, { message, details, failed_step: report.failed_step, steps });
}

/** 200 when every workflow passed; otherwise 500 or 502 with each failing step. */
export function suiteAnswer(report: SuiteReport, target: string): Response {
  const { message, details, workflows, steps, failed_steps } = report;
  if (report.outcome === "passed") return jsonAnswer(200, { message, details, workflows, target, steps });
  return failureAnswer(report.outcome, target, { message, details, workflows, failed_steps, steps });
}
