import { type Answer, call, type Sent } from "../support/client";
import { expectProblem, fail, problemCode } from "./checks";
import type { RunContext } from "./context";
import { runValid } from "./run-valid";
import type { HostileStep, Step } from "./steps";

export { Mismatch } from "./checks";
export type { RunContext } from "./context";

async function runHostile(
  ctx: RunContext,
  s: HostileStep,
  send: (path: string, sent: Sent) => Promise<Answer>,
): Promise<Answer> {
  const fill = (text: string) => text.replaceAll("{ep}", encodeURIComponent(ctx.prefix)).replaceAll("{p}", ctx.prefix);
  const headers = { ...s.headers, ...(s.anonymous ? { Authorization: "" } : {}) };
  const body = s.body === null ? undefined : typeof s.body === "string" ? fill(s.body) : Uint8Array.from(s.body);
  const answer = await send(
    fill(s.path),
    body === undefined ? { method: s.method, headers } : { method: s.method, headers, body },
  );
  if (!s.expect.includes(answer.status)) fail(`${s.name}: expected ${s.expect.join(" or ")}`, answer);
  if (s.method !== "HEAD") problemCode(answer);
  return answer;
}

/**
 * Sends one generated request with its junk headers, failing the storage call
 * it makes when the step says so, and checks the answer against the model
 * (updating it). Throws a Mismatch naming what differed.
 */
export async function runStep(ctx: RunContext, s: Step): Promise<void> {
  const faultsBefore = ctx.proxy.injected;
  ctx.proxy.failNext(s.fault ? 1 : 0);
  const send = (path: string, sent: Sent): Promise<Answer> =>
    call(ctx.base, path, { ...sent, headers: { ...Object.fromEntries(s.junk), ...sent.headers } });
  let answer: Answer;
  try {
    answer = s.t === "hostile" ? await runHostile(ctx, s, send) : await runValid(ctx, s, send);
  } finally {
    ctx.proxy.failNext(0);
  }
  const consumed = ctx.proxy.injected - faultsBefore;
  ctx.stats.requests++;
  if (s.t === "hostile") ctx.stats.hostile++;
  ctx.stats.faults += consumed;
  ctx.stats.byStatus.set(answer.status, (ctx.stats.byStatus.get(answer.status) ?? 0) + 1);
  if (!answer.headers.get("x-request-id")) fail("every answer has an X-Request-Id", answer);
  const head = s.t === "vget" ? s.head : s.t === "hostile" && s.method === "HEAD";
  if (answer.status >= 500) {
    if (answer.status !== 503 || consumed === 0) fail("a 5xx without an injected storage fault", answer);
    if (!head) expectProblem(answer, 503, "storage_unavailable", "injected fault");
    if (answer.headers.get("retry-after") === null) fail("a 503 without Retry-After", answer);
  } else if (consumed > 0) {
    fail("a storage fault was injected but the answer hid it", answer);
  }
  if (s.t === "hostile" && consumed > 0) fail(`${s.name} reached storage`, answer);
}
