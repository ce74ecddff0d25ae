import fc from "fast-check";
import type { Answer } from "../support/client";

/** A step's outcome differed from the model's prediction. */
export class Mismatch extends Error {
  override readonly name = "Mismatch";
}

/** Throws a Mismatch naming what differed and the answer. */
export function fail(what: string, answer: Answer): never {
  throw new Mismatch(`${what}; got ${answer.status} ${answer.text.slice(0, 300)}`);
}

/** The answer's body as JSON; a Mismatch when it is not JSON. */
export function parse<T>(answer: Answer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    fail("expected a JSON body", answer);
  }
}

/** The code of a problem body; a Mismatch unless the body is a well-formed problem of the answer's status. */
export function problemCode(answer: Answer): string {
  if (!answer.headers.get("content-type")?.startsWith("application/problem+json"))
    fail("expected a problem body", answer);
  const body = parse<{ status?: unknown; code?: unknown; detail?: unknown }>(answer);
  if (body.status !== answer.status || typeof body.code !== "string" || typeof body.detail !== "string") {
    fail("malformed problem body", answer);
  }
  return body.code;
}

/** A Mismatch unless the answer has `status`. */
export function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) fail(`${what}: expected ${status}`, answer);
}

/** A Mismatch unless the answer is a problem of `status` with `code`. */
export function expectProblem(answer: Answer, status: number, code: string, what: string): void {
  expectStatus(answer, status, what);
  const actual = problemCode(answer);
  if (actual !== code) fail(`${what}: expected code ${code}, not ${actual}`, answer);
}

/** The version in the answer's ETag; a Mismatch without one. */
export function etagVersion(answer: Answer): number {
  const match = /^"([0-9]+)"$/.exec(answer.headers.get("etag") ?? "");
  if (match === null) fail("expected an ETag", answer);
  return Number(match[1]);
}

/** A Mismatch when `error` (a model check's verdict) is not null. */
export function check(error: string | null, answer: Answer): void {
  if (error !== null) fail(error, answer);
}

/**
 * Runs a property once per `numRuns`, stopping at the first failure without
 * shrinking (each run replays whole sequences against a server); a failure
 * throws with the seed and path that reproduce it (fc.check's `seed` and `path`).
 */
export async function checkProperty<Ts>(property: fc.IAsyncProperty<Ts>, numRuns: number): Promise<void> {
  const details = await fc.check(property, { numRuns, endOnFailure: true });
  if (!details.failed) return;
  const error = details.errorInstance;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(`seed ${details.seed}, path ${details.counterexamplePath}: ${reason}`);
}
