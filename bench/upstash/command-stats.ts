/**
 * Counts the commands redis-server itself executed, from `INFO commandstats`
 * (asked through the bridge). Unlike the HTTP bodies, this sees inside Lua
 * scripts: an EVALSHA that runs GET and SET shows as evalsha, get and set.
 */

/** Calls per command name (lower case), e.g. { get: 3, evalsha: 1 }. */
export type CommandCounts = Record<string, number>;

/** Parses the `cmdstat_<name>:calls=<n>,...` lines of INFO commandstats. */
export function parseCommandStats(info: string): CommandCounts {
  const counts: CommandCounts = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

/** Reads the counts through the bridge (plain JSON, no base64). */
export async function readCommandStats(bridgeUrl: string, token: string): Promise<CommandCounts> {
  const response = await fetch(bridgeUrl.replace(/\/$/, "") + "/", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(["info", "commandstats"]),
  });
  const body = (await response.json()) as { result?: string; error?: string };
  if (typeof body.result !== "string") throw new Error(`INFO commandstats failed: ${body.error ?? response.status}`);
  return parseCommandStats(body.result);
}

/** What ran between two readings, without the INFO calls that took them. */
export function commandsBetween(before: CommandCounts, after: CommandCounts): CommandCounts {
  const ran: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    const delta = calls - (before[name] ?? 0);
    if (delta > 0 && name !== "info") ran[name] = delta;
  }
  return ran;
}
