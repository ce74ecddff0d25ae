// The fake KV server's ways of lying; shared by Node helpers and workerd tests.

/**
 * How the fake KV server misbehaves. It serves each mode under its own path
 * prefix (`http://127.0.0.1:<port>/<mode>`), each with its own store.
 */
export const LIAR_MODES = [
  /** The compatible API, answered correctly: proves the harness itself passes. */
  "honest",
  /** Honest, but 401 unless `Authorization: Bearer secret-token`. */
  "auth",
  /** 200 to everything: values are "a lie", exists is always true. */
  "always-ok",
  /** /set answers 200 and stores nothing. */
  "forgetful",
  /** /set does not replace a key that exists. */
  "stale-overwrite",
  /** /delete answers 200 and keeps the key. */
  "sticky-delete",
  /** /set ignores ttl. */
  "ignores-ttl",
  /** A stored null reads as missing. */
  "null-is-missing",
  /** Bad /set bodies are answered 200 and stored as best it can. */
  "lenient",
  /** Errors are text/plain instead of problem bodies. */
  "plain-errors",
  /** Every request is a 500 problem body (reached, but broken). */
  "server-error",
  /** Honest, except that every DELETE answers 500 with a problem body and keeps the key. */
  "delete-500",
  /** Honest, except that a DELETE of a key that exists removes it and answers 500 with the success message. */
  "delete-500-ok-body",
  /** Never answers. */
  "silent",
  /** Answers every request 401, quoting the Authorization header it got (a hostile server). */
  "echo-auth",
  /** Honest, except that the change feed (GET /v1/watch) never reports a write. */
  "feed-misses",
] as const;

/** One of LIAR_MODES. */
export type LiarMode = (typeof LIAR_MODES)[number];

/** The token the `auth` mode accepts. */
export const LIAR_TOKEN = "secret-token";
