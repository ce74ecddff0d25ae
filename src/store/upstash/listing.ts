import { listingStart } from "../../rules/keys";
import type { ListedEntry, ListInput, ListPage } from "../types";
import type { KeyLayout } from "./layout";
import { arrayReply, deadlineReply, integerReply, stringReply, unexpected } from "./reply";

/** ARGV of the listing script for one page. */
export function listArgs({ prefix, after, limit }: ListInput, layout: KeyLayout): string[] {
  // Byte order is decided here, not in Lua (whose comparison follows the locale).
  const start = listingStart(prefix, after);
  const bound = start.exclusive ? `(${start.key}` : start.key === "" ? "-" : `[${start.key}`;
  return [layout.namespace, layout.metaNamespace, bound, prefix, String(limit)];
}

/** Decodes the listing script's flat reply. */
export function decodeListPage(reply: unknown): ListPage {
  const items = arrayReply(reply, "the listing script");
  if (items.length % 4 !== 1) throw unexpected("the listing script", reply);
  const entries: ListedEntry[] = [];
  for (let at = 1; at + 3 < items.length; at += 4) {
    const metadata = stringReply(items[at + 3], "listed metadata");
    entries.push({
      key: stringReply(items[at], "listed key"),
      version: integerReply(items[at + 1], "listed version"),
      expiresAt: deadlineReply(items[at + 2], "listed deadline"),
      metadata: metadata === "" ? null : metadata,
    });
  }
  return { entries, complete: integerReply(items[0], "listing completeness") === 1 };
}
