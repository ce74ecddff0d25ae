import { listingStart } from "../../rules/keys";
import type { ListedEntry, ListInput, ListPage } from "../types";
import type { KeyLayout } from "./layout";
import { arrayReply, deadlineReply, integerReply, jsonTextOf, stringReply, unexpected } from "./reply";

/** ARGV of the listing script for one page. */
export function listArgs({ prefix, after, limit, values }: ListInput, layout: KeyLayout): string[] {
  // Byte order is decided here, not in Lua (whose comparison follows the locale).
  const start = listingStart(prefix, after);
  const bound = start.exclusive ? `(${start.key}` : start.key === "" ? "-" : `[${start.key}`;
  return [layout.namespace, layout.metaNamespace, bound, prefix, String(limit), values === true ? "1" : "0"];
}

/** Decodes the listing script's flat reply. */
export function decodeListPage(reply: unknown, values = false): ListPage {
  const items = arrayReply(reply, "the listing script");
  const width = values ? 5 : 4;
  if (items.length % width !== 1) throw unexpected("the listing script", reply);
  const entries: ListedEntry[] = [];
  for (let at = 1; at + width - 1 < items.length; at += width) {
    const metadata = stringReply(items[at + 3], "listed metadata");
    const entry: ListedEntry = {
      key: stringReply(items[at], "listed key"),
      version: integerReply(items[at + 1], "listed version"),
      expiresAt: deadlineReply(items[at + 2], "listed deadline"),
      metadata: metadata === "" ? null : metadata,
    };
    if (values) entry.json = jsonTextOf(stringReply(items[at + 4], "listed value"));
    entries.push(entry);
  }
  return { entries, complete: integerReply(items[0], "listing completeness") === 1 };
}
