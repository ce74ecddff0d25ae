import type { Answer, Sent } from "../support/client";
import { check, expectStatus, fail, parse } from "./checks";
import { FAR_TTL, type RunContext } from "./context";
import { incrText } from "./model";
import { type BatchStepOp, poolKey } from "./steps";

type BatchItem = {
  op: string;
  key: string;
  status: number;
  value?: unknown;
  version?: number;
  expires_at?: number | null;
  metadata?: unknown;
  code?: string;
};

/** One operation as the batch body writes it. */
function wireOp(key: string, op: BatchStepOp): string {
  switch (op.op) {
    case "get":
    case "delete":
      return `{"op":"${op.op}","key":${JSON.stringify(key)}}`;
    case "incr":
      return `{"op":"incr","key":${JSON.stringify(key)},"by":${op.by}}`;
    case "put": {
      const ttl = op.ttl ? `,"ttl":${FAR_TTL}` : "";
      const meta = op.meta === null ? "" : `,"metadata":${op.meta}`;
      return `{"op":"put","key":${JSON.stringify(key)},"value":${op.value.text}${ttl}${meta}}`;
    }
  }
}

/** The item's version; a Mismatch when it has none. */
function versionOf(item: BatchItem, where: string, answer: Answer): number {
  if (item.version === undefined) fail(`${where}: no version`, answer);
  return item.version;
}

/** Sends a generated batch and checks each result against the model, applying the operations in order. */
export async function runBatch(
  ctx: RunContext,
  ops: BatchStepOp[],
  send: (path: string, sent: Sent) => Promise<Answer>,
): Promise<Answer> {
  const { model } = ctx;
  const wire = ops.map((op) => wireOp(poolKey(ctx.prefix, op.k), op));
  const answer = await send("/v1/batch", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: `{"ops":[${wire.join(",")}]}`,
  });
  if (answer.status === 503) return answer;
  expectStatus(answer, 200, "batch");
  const { results } = parse<{ results: BatchItem[] }>(answer);
  if (results.length !== ops.length) fail("batch result count", answer);
  ops.forEach((op, i) => {
    const key = poolKey(ctx.prefix, op.k);
    const entry = model.get(key);
    const where = `batch[${i}] ${op.op}`;
    const r = results[i];
    if (r === undefined) fail(`${where}: no result`, answer);
    if (r.op !== op.op || r.key !== key) fail(`${where}: op/key`, answer);
    switch (op.op) {
      case "get":
        if (entry === undefined) {
          if (r.status !== 404 || r.code !== "key_not_found") fail(`${where}: expected 404`, answer);
          return;
        }
        if (r.status !== 200 || JSON.stringify(r.value) !== JSON.stringify(JSON.parse(entry.json)))
          fail(`${where}: expected ${entry.json}`, answer);
        check(model.seenVersion(key, versionOf(r, where, answer)), answer);
        if ((r.expires_at !== null) !== entry.expires) fail(`${where}: expiry`, answer);
        if ((r.metadata === undefined || r.metadata === null ? null : JSON.stringify(r.metadata)) !== entry.meta)
          fail(`${where}: metadata`, answer);
        return;
      case "delete":
        if (r.status !== (entry === undefined ? 404 : 204)) fail(`${where}: status`, answer);
        model.delete(key);
        return;
      case "put": {
        if (r.status !== (entry === undefined ? 201 : 200)) fail(`${where}: status`, answer);
        const version = versionOf(r, where, answer);
        check(model.newVersion(version), answer);
        if ((r.expires_at !== null) !== op.ttl) fail(`${where}: expiry`, answer);
        model.set(key, {
          json: op.value.canon,
          version,
          expires: op.ttl,
          meta: op.meta === null ? null : JSON.stringify(JSON.parse(op.meta)),
        });
        return;
      }
      case "incr": {
        const next = incrText(entry?.json, op.by);
        if (next === null) {
          if (r.status !== 409 || r.code !== "not_an_integer") fail(`${where}: expected 409`, answer);
          return;
        }
        if (r.status !== 200 || JSON.stringify(r.value) !== JSON.stringify(JSON.parse(next)))
          fail(`${where}: expected ${next}`, answer);
        const version = versionOf(r, where, answer);
        check(model.newVersion(version), answer);
        model.set(key, {
          json: next,
          version,
          expires: entry?.expires ?? false,
          meta: entry?.meta ?? null,
        });
        return;
      }
    }
  });
  return answer;
}
