import { type BenchRequest, send } from "./http-request";
import type { Scenario } from "./scenarios";

/** Whether a worker can run a scenario, and why not. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Requests in flight at once while seeding and checking. */
const CONCURRENCY = 16;

function routeMissing(status: number, text: string): boolean {
  return status === 405 || (status === 404 && text.includes('"route_not_found"'));
}

function describe(request: BenchRequest): string {
  return `${request.method} ${request.path}`;
}

/** Sends every request, CONCURRENCY at a time; the first non-null verdict wins. */
async function sendAll(
  origin: string,
  requests: readonly BenchRequest[],
  judge: (request: BenchRequest, status: number, text: string) => string | null,
): Promise<string | null> {
  let next = 0;
  let verdict: string | null = null;
  const worker = async () => {
    while (verdict === null && next < requests.length) {
      const request = requests[next++]!;
      const { status, text } = await send(origin, request);
      verdict ??= judge(request, status, text);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return verdict;
}

/**
 * Seeds a scenario's keys on a worker and checks one pass of its cycle answers
 * the expected statuses. A route the worker does not have yet makes the
 * scenario "not ready" (skipped, and said so); any other surprise is an error.
 */
export async function prepareScenario(origin: string, scenario: Scenario): Promise<Readiness> {
  const missing = (request: BenchRequest, status: number, text: string) =>
    routeMissing(status, text) ? `no route for ${describe(request)}` : null;
  const seeded = await sendAll(origin, scenario.seed, (request, status, text) => {
    if (status >= 300 && !routeMissing(status, text)) {
      throw new Error(`seeding ${scenario.id}: ${describe(request)} answered ${status} ${text.slice(0, 300)}`);
    }
    return missing(request, status, text);
  });
  if (seeded !== null) return { ready: false, reason: seeded };
  const checked = await sendAll(origin, scenario.cycle, (request, status, text) => {
    if (!scenario.expectedStatuses.includes(status) && !routeMissing(status, text)) {
      throw new Error(`${scenario.id}: ${describe(request)} answered ${status} ${text.slice(0, 300)}`);
    }
    return missing(request, status, text);
  });
  return checked === null ? { ready: true } : { ready: false, reason: checked };
}
