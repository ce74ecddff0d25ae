import type { Scope } from "./access";

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** What one configured token entry grants: a scope, on keys starting with `prefix` ("" = every key). */
export interface Grant {
  readonly scope: Scope;
  readonly prefix: string;
}

/** True when `held` includes `wanted`: admin includes write, write includes read. */
export function scopeIncludes(held: Scope, wanted: Scope): boolean {
  return RANK[held] >= RANK[wanted];
}

/** The setting each scope's tokens come from. */
export const TOKEN_SETTINGS = {
  read: "KV_READ_TOKENS",
  write: "KV_WRITE_TOKENS",
  admin: "KV_ADMIN_TOKENS",
} as const satisfies Record<Scope, keyof Env>;
