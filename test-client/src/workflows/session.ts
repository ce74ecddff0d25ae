import { type Check, CheckError, hasExists, hasMessage } from "./checks";
import type { JsonValue } from "./json";
import type { WorkflowContext } from "./runtime";
import { describeExpected, type Step, StepFailure, statusMatches } from "./step";
import { type KvReply, type KvRequest, KvUnreachableError } from "./transport";

/** Prefix of every key the test client writes; user data never lives under it. */
export const TEST_KEY_PREFIX = "edge-kv-test/";

/**
 * One workflow's run: makes requests, records each as a step, stops at the
 * first wrong answer (throwing StepFailure), and remembers the keys it may
 * have left behind so that `cleanup` can remove them.
 */
export class Session {
  readonly steps: Step[] = [];
  private readonly runId: string;
  private readonly leftovers = new Set<string>();

  constructor(
    private readonly ctx: WorkflowContext,
    readonly workflow: string,
  ) {
    this.runId = ctx.newId();
  }

  /** A key no other run uses: `edge-kv-test/<uuid>/<workflow>/<label>`. */
  key(label: string): string {
    return `${TEST_KEY_PREFIX}${this.runId}/${this.workflow}/${label}`;
  }

  /** Waits, e.g. for a TTL to pass. */
  sleep(ms: number): Promise<void> {
    return this.ctx.sleep(ms);
  }

  /**
   * Makes one request; throws StepFailure unless the status and `check` agree. A write
   * (POST, DELETE) carries a fresh Idempotency-Key, as a client that may retry it should.
   */
  async call(step: string, request: KvRequest, expected: number | number[], check?: Check): Promise<KvReply> {
    const sent =
      request.method === "GET" || request.idempotencyKey !== undefined
        ? request
        : { ...request, idempotencyKey: this.ctx.newId() };
    const started = this.ctx.now();
    const record = (reply: KvReply | null, error?: string): Step => {
      const entry: Step = {
        workflow: this.workflow,
        step,
        method: request.method,
        path: request.path,
        expected_status: expected,
        actual_status: reply?.status ?? null,
        pass: error === undefined,
        duration_ms: Math.round((this.ctx.now() - started) * 10) / 10,
        ...(reply?.requestId ? { request_id: reply.requestId } : {}),
        ...(error === undefined ? {} : { error }),
      };
      this.steps.push(entry);
      return entry;
    };
    let reply: KvReply;
    try {
      reply = await this.ctx.transport(sent);
    } catch (error) {
      if (!(error instanceof KvUnreachableError)) throw error;
      throw new StepFailure(record(null, `the KV worker could not be reached: ${error.message}`), true);
    }
    if (!statusMatches(expected, reply.status)) {
      const error = `expected status ${describeExpected(expected)}, got ${reply.status}: ${reply.body.slice(0, 200)}`;
      throw new StepFailure(record(reply, error), false);
    }
    try {
      check?.(reply);
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      throw new StepFailure(record(reply, error.message), false);
    }
    record(reply);
    return reply;
  }

  /** Counts `key` as possibly written, so that `cleanup` deletes it unless a read shows it gone. */
  mayHaveWritten(key: string): void {
    this.leftovers.add(key);
  }

  /** `POST /set` expecting 200 and the compatible API's message. */
  set(step: string, key: string, value: JsonValue, ttl?: number): Promise<KvReply> {
    this.mayHaveWritten(key);
    const body = JSON.stringify(ttl === undefined ? { key, value } : { key, value, ttl });
    return this.call(step, { method: "POST", path: "/set", body }, 200, hasMessage(`Key '${key}' stored successfully`));
  }

  /** `GET /get/{key}` expecting `status`. */
  async get(step: string, key: string, status: number | number[], check?: Check): Promise<KvReply> {
    const reply = await this.call(step, { method: "GET", path: `/get/${encodeURIComponent(key)}` }, status, check);
    if (reply.status === 404) this.leftovers.delete(key);
    return reply;
  }

  /** `GET /exists/{key}` expecting 200 and `{"key": key, "exists": exists}`. */
  async exists(step: string, key: string, exists: boolean): Promise<KvReply> {
    const path = `/exists/${encodeURIComponent(key)}`;
    const reply = await this.call(step, { method: "GET", path }, 200, hasExists(key, exists));
    if (!exists) this.leftovers.delete(key);
    return reply;
  }

  /** `DELETE /delete/{key}` expecting 200 and the compatible API's message. */
  deleteExisting(step: string, key: string): Promise<KvReply> {
    return this.delete(step, key, 200, hasMessage(`Key '${key}' deleted successfully`));
  }

  /** `DELETE /delete/{key}` expecting `status`. */
  async delete(step: string, key: string, status: number, check?: Check): Promise<KvReply> {
    const path = `/delete/${encodeURIComponent(key)}`;
    const reply = await this.call(step, { method: "DELETE", path }, status, check);
    this.leftovers.delete(key);
    return reply;
  }

  /** Deletes every key this run may have left behind; never throws for a wrong answer. */
  async cleanup(): Promise<void> {
    for (const key of [...this.leftovers]) {
      try {
        await this.call("cleanup", { method: "DELETE", path: `/delete/${encodeURIComponent(key)}` }, [200, 404]);
        this.leftovers.delete(key);
      } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
      }
    }
  }
}
