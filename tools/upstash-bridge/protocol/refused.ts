import type { Command } from "./command";

/**
 * Commands that would change a shared connection's state, block it, or take it
 * over (pub/sub, MONITOR, transactions, replication), or that Upstash refuses
 * over REST. Transactions go through /multi-exec instead.
 */
const REFUSED = new Set([
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
  "MONITOR",
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SELECT",
  "AUTH",
  "HELLO",
  "QUIT",
  "RESET",
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
  "WAITAOF",
  "SYNC",
  "PSYNC",
  "REPLCONF",
]);

/** Commands that block only when given a BLOCK argument. */
const BLOCKING_WITH_OPTION = new Set(["XREAD", "XREADGROUP"]);

/** Why the bridge refuses this command, or null when it may run. */
export function refusal(command: Command): string | null {
  const { name, args } = command;
  if (REFUSED.has(name)) return `ERR command '${name}' is not allowed over the REST bridge`;
  if (BLOCKING_WITH_OPTION.has(name) && args.some((arg) => arg.toString("latin1").toUpperCase() === "BLOCK")) {
    return `ERR blocking '${name} ... BLOCK' is not allowed over the REST bridge`;
  }
  if (name === "CLIENT" && args[1]?.toString("latin1").toUpperCase() === "REPLY") {
    return "ERR 'CLIENT REPLY' is not allowed over the REST bridge";
  }
  return null;
}
