import type { Command } from "./protocol/command";
import { refusal } from "./protocol/refused";
import { errorJson, resultJson } from "./protocol/reply-json";
import type { ConnectionPool } from "./redis/pool";
import type { RespValue } from "./resp/types";

/** An HTTP answer: status and JSON body text. */
export interface Answer {
  status: 200 | 400;
  body: string;
}

const MULTI = [Buffer.from("MULTI")];
const EXEC = [Buffer.from("EXEC")];

/** The reply at `index`: a connection resolves one reply per command sent, so a gap is a bridge defect. */
function replyAt(replies: readonly RespValue[], index: number): RespValue {
  const reply = replies.at(index);
  if (reply === undefined) throw new Error(`Redis answered ${replies.length} replies; reply ${index} is missing`);
  return reply;
}

/** `/`: one command; a Redis error is a 400 with its text verbatim. */
export async function runSingle(pool: ConnectionPool, command: Command, base64: boolean): Promise<Answer> {
  const refused = refusal(command);
  if (refused !== null) return { status: 400, body: errorJson(refused) };
  const reply = replyAt(await pool.use((connection) => connection.send([command.args])), 0);
  const body = resultJson(reply, base64);
  return { status: reply.kind === "error" ? 400 : 200, body };
}

/** `/pipeline`: commands in order on one connection, one result or error each (not atomic). */
export async function runPipeline(pool: ConnectionPool, commands: Command[], base64: boolean): Promise<Answer> {
  const refusals = commands.map(refusal);
  const allowed = commands.filter((_, index) => refusals[index] === null);
  const replies =
    allowed.length === 0 ? [] : await pool.use((connection) => connection.send(allowed.map((c) => c.args)));
  let next = 0;
  const items = refusals.map((refused) =>
    refused !== null ? errorJson(refused) : resultJson(replyAt(replies, next++), base64),
  );
  return { status: 200, body: `[${items.join(",")}]` };
}

/**
 * `/multi-exec`: MULTI, the commands, EXEC, written at once on a connection of
 * its own. A runtime error inside EXEC is that item's error; a transaction
 * Redis discards (EXECABORT after a queuing error) is one 400 error.
 */
export async function runTransaction(pool: ConnectionPool, commands: Command[], base64: boolean): Promise<Answer> {
  const refused = commands.map(refusal).find((reason) => reason !== null);
  if (refused !== undefined && refused !== null) return { status: 400, body: errorJson(refused) };
  const replies = await pool.use((connection) => connection.send([MULTI, ...commands.map((c) => c.args), EXEC]));
  const exec = replyAt(replies, -1);
  if (exec.kind === "error") {
    const queuingError = replies.slice(1, -1).find((reply) => reply.kind === "error");
    return { status: 400, body: errorJson(describeDiscard(exec, queuingError)) };
  }
  if (exec.kind !== "array" || exec.items === null) {
    return { status: 400, body: errorJson("EXECABORT Transaction discarded") };
  }
  return { status: 200, body: `[${exec.items.map((item) => resultJson(item, base64)).join(",")}]` };
}

function describeDiscard(exec: RespValue & { kind: "error" }, queuingError: RespValue | undefined): string {
  if (queuingError === undefined || queuingError.kind !== "error") return exec.message;
  return `${exec.message} First error: ${queuingError.message}`;
}
