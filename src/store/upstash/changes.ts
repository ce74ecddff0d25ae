import type { Change, ChangePage } from "../types";
import { arrayReply, integerReply, stringReply, unexpected } from "./reply";

function fieldsOf(reply: unknown): Map<string, string> {
  const items = arrayReply(reply, "change fields");
  const fields = new Map<string, string>();
  for (let at = 0; at + 1 < items.length; at += 2) {
    fields.set(stringReply(items[at], "change field"), stringReply(items[at + 1], "change value"));
  }
  return fields;
}

function changeOf(reply: unknown): Change {
  const [id, rawFields] = arrayReply(reply, "a change");
  const match = /^([0-9]+)-([0-9]+)$/.exec(stringReply(id, "change id"));
  if (match === null) throw unexpected("a change id", id);
  const fields = fieldsOf(rawFields);
  const type = fields.get("t");
  if (type !== "put" && type !== "delete") throw unexpected("a change type", type);
  const at = fields.get("x") ?? "";
  const revision = Number(match[1]);
  return {
    revision,
    seq: Number(match[2]),
    type,
    key: fields.get("k") ?? "",
    version: revision,
    expiresAt: at === "" ? null : Number(at),
    metadata: fields.get("m") || null,
    json: type === "put" ? (fields.get("j") ?? null) : null,
  };
}

/**
 * Decodes the changes script's reply to a read of the log after revision
 * `after`: the changes, whether the log lost some of them, and the revision.
 */
export function decodeChangePage(reply: unknown, after: number): ChangePage {
  const [rawRevision, rawEntries] = arrayReply(reply, "the changes script");
  const revision = integerReply(rawRevision, "revision");
  let changes = arrayReply(rawEntries, "changes").map(changeOf);
  const first = changes[0];
  let trimmedBefore: number | null = null;
  if (after < revision) {
    // Every revision has at least one change, numbered from 0: a gap means the log was trimmed.
    if (first === undefined) trimmedBefore = revision + 1;
    else if (first.revision > after + 1 || first.seq > 0)
      trimmedBefore = first.seq === 0 ? first.revision : first.revision + 1;
  }
  if (trimmedBefore !== null) changes = changes.filter((change) => change.revision >= trimmedBefore);
  return { changes, trimmedBefore, revision };
}
