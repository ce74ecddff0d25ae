import { Hono } from "hono";
import type * as v from "valibot";
import { jsonAnswer, jsonWithRaw } from "../http/answers";
import { type AppEnv, ndjsonBody, query, route } from "../http/route";
import { claimOf, idempotencyInFlight, idempotencyKeyReused, idempotent } from "../http/writes";
import { ApiError, type ProblemCode, problemBody, toApiError } from "../problems";
import { expiryAt } from "../rules/expiry";
import { isJsonObject, metadataText, valueText } from "../rules/json";
import { ExportQuery, ImportAnswer, ImportLine, ImportQuery } from "../schemas";
import type { KvStore, ListedEntry, StoreOp } from "../store/types";

/** The format named in an export's first line. */
export const EXPORT_FORMAT = "edge-kv/1";

/** Keys an export reads per storage round trip. */
const EXPORT_PAGE = 500;

/** Lines an import applies per storage round trip. */
const IMPORT_GROUP = 100;

/** Seconds an import may run before a retry with its Idempotency-Key runs it again. */
const IMPORT_HOLD_SECONDS = 120;

/** Failed lines an import answer lists (the rest are counted). */
const LISTED_FAILURES = 100;

const encoder = new TextEncoder();

/** One key's line of an export: its value and metadata spliced in as they are stored. */
function exportLine(entry: ListedEntry): string {
  const raw = {
    value: entry.json ?? "null",
    version: String(entry.version),
    expires_at: entry.expiresAt === null ? "null" : String(entry.expiresAt),
    metadata: entry.metadata ?? "null",
  };
  return `${jsonWithRaw({ key: entry.key }, raw)}\n`;
}

/**
 * The export of `prefix` as NDJSON, read a page at a time as the client reads:
 * a first line naming the format and the revision when it began, then one line
 * per live key in listing order. A storage failure mid-way ends the stream with
 * a line `{"error": <problem>}`.
 */
function exportStream(store: KvStore, prefix: string, revision: number): ReadableStream<Uint8Array> {
  let after: string | null = null;
  let started = false;
  let complete = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          const header = { format: EXPORT_FORMAT, revision, exported_at: Date.now(), prefix };
          controller.enqueue(encoder.encode(`${JSON.stringify(header)}\n`));
          return;
        }
        try {
          // Each pull answers with a page of lines, or ends the stream.
          for (;;) {
            if (complete) {
              controller.close();
              return;
            }
            const page = await store.list({ prefix, after, limit: EXPORT_PAGE, values: true });
            after = page.entries.at(-1)?.key ?? after;
            complete = page.complete || page.entries.length === 0;
            if (page.entries.length > 0) {
              controller.enqueue(encoder.encode(page.entries.map(exportLine).join("")));
              return;
            }
          }
        } catch (error) {
          controller.enqueue(encoder.encode(`${JSON.stringify({ error: problemBody(toApiError(error)) })}\n`));
          controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/** One failed line of an import. */
interface FailedLine {
  line: number;
  code: ProblemCode;
  detail: string;
}

/** A line ready to write: its line number and its store op. */
interface PendingLine {
  line: number;
  op: Extract<StoreOp, { op: "put" }>;
}

/**
 * Backups: `GET /v1/export` streams NDJSON a page at a time; `POST /v1/import`
 * reads it back, each line checked as a PUT would be, applied in groups of up
 * to a hundred lines (one storage round trip each).
 */
export const backupRoutes = new Hono<AppEnv>()
  .get(
    "/v1/export",
    route({
      scope: "read",
      tag: "v1",
      summary: "Export keys as NDJSON: a header line, then one line per live key in listing order",
      description:
        `The first line is {"format":"${EXPORT_FORMAT}","revision":R,"exported_at":ms,"prefix":...}; each further line ` +
        '{"key","value","version","expires_at","metadata"}. Keys are read a page at a time while other writes go on, so ' +
        "the export is not a point-in-time snapshot: a key written meanwhile may appear with a version above R, or be " +
        "missed. To catch up, watch from R (GET /v1/watch?since=R). A storage failure part-way ends the stream with a " +
        'line {"error": problem}.',
      responses: { 200: { description: "NDJSON lines", mediaType: "application/x-ndjson" } },
    }),
    query(ExportQuery, { prefix: (q) => q.prefix ?? "" }),
    async (c) => {
      const { prefix = "" } = c.req.valid("query");
      const revision = await c.get("store").revision();
      return new Response(exportStream(c.get("store"), prefix, revision), {
        headers: { "Content-Type": "application/x-ndjson" },
      });
    },
  )
  .post(
    "/v1/import",
    route({
      scope: "write",
      tag: "v1",
      summary: "Import NDJSON lines as an export writes them; each line checked as a PUT",
      description:
        "The body is read whole (at most KV_MAX_IMPORT_BYTES) before any line is applied. The export's header line is " +
        "optional. A line whose expires_at has passed is skipped; a line that fails its checks (or, with " +
        "mode=create_only, names a key that exists) is listed in `failed` with its code, and the others are applied. " +
        "Needs write scope on every key it writes: a line whose key the token may not write is a failed line, `forbidden`.",
      responses: {
        200: {
          description: "What was done, line by line",
          schema: ImportAnswer,
          example: { imported: 2, skipped: 0, failed: [], failed_not_listed: 0 },
        },
      },
      errors: ["invalid_mode", "idempotency_in_flight"],
    }),
    query(ImportQuery),
    ndjsonBody(ImportLine, {
      limit: (config) => config.maxImportBytes,
      header: (data) => {
        if (!isJsonObject(data) || !("format" in data)) return false;
        if (data.format !== EXPORT_FORMAT) {
          throw new ApiError("invalid_line", { detail: `Line 1 names a format other than ${EXPORT_FORMAT}` });
        }
        return true;
      },
      keys: (entry) => [{ key: entry.key }],
      codes: ["invalid_mode", "invalid_line"],
    }),
    idempotent(),
    async (c) => {
      const { mode } = c.req.valid("query");
      const { limits } = c.get("setup").config;
      const claim = await claimOf(c);
      const now = Date.now();
      const failed: FailedLine[] = [];
      const pending: PendingLine[] = [];
      let skipped = 0;
      for (const item of c.req.valid("json")) {
        if ("error" in item) {
          failed.push({ line: item.line, code: item.error.code, detail: item.error.detail });
          continue;
        }
        const { line, value: entry } = item;
        try {
          if (typeof entry.expires_at === "number" && entry.expires_at <= now) {
            skipped++;
            continue;
          }
          const expiry =
            typeof entry.expires_at === "number" ? expiryAt(entry.expires_at / 1000, now) : ({ kind: "none" } as const);
          const metadata = entry.metadata == null ? null : metadataText(entry.metadata, limits.maxMetadataBytes);
          const json = valueText(entry.value, limits.maxValueBytes);
          const condition = mode === "create_only" ? ({ kind: "absent" } as const) : ({ kind: "always" } as const);
          pending.push({ line, op: { op: "put", key: entry.key, input: { json, expiry, metadata, condition } } });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          failed.push({ line, code: error.code, detail: `Line ${line}: ${error.detail}` });
        }
      }
      let imported = 0;
      // With an Idempotency-Key, each group keeps its own record (in the same step as its
      // writes), so a retry replays the groups that ran. An import of several groups also holds a
      // mark while it runs, so that a retry meanwhile is told so (one group is one atomic step).
      const running = claim === undefined || pending.length <= IMPORT_GROUP ? undefined : `${claim.id}#running`;
      if (running !== undefined && !(await c.get("store").hold(running, IMPORT_HOLD_SECONDS)))
        throw idempotencyInFlight();
      try {
        for (let start = 0, step = 0; start === 0 || start < pending.length; start += IMPORT_GROUP, step++) {
          const group = pending.slice(start, start + IMPORT_GROUP);
          if (group.length === 0 && claim === undefined) break;
          const idempotency = claim === undefined ? undefined : { ...claim, id: `${claim.id}#${step}` };
          const outcome = await c.get("store").run(
            group.map((item) => item.op),
            idempotency === undefined ? {} : { idempotency },
          );
          if (outcome.kind === "idempotency_reused") throw idempotencyKeyReused();
          if (outcome.kind !== "done") throw new Error(`import: unexpected ${outcome.kind}`);
          if (outcome.replayed) c.set("replayed", true);
          outcome.results.forEach((result, offset) => {
            const item = group[offset];
            if (result.op !== "put" || item === undefined) return;
            if (result.result.status === "conflict") {
              failed.push({
                line: item.line,
                code: "precondition_failed",
                detail: `Line ${item.line}: key '${item.op.key}' exists (mode=create_only)`,
              });
            } else imported++;
          });
        }
      } finally {
        if (running !== undefined) await c.get("store").release(running);
      }
      failed.sort((a, b) => a.line - b.line);
      return jsonAnswer({
        imported,
        skipped,
        failed: failed.slice(0, LISTED_FAILURES),
        failed_not_listed: Math.max(0, failed.length - LISTED_FAILURES),
      } satisfies v.InferOutput<typeof ImportAnswer>);
    },
  );
