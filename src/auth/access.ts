import { ApiError } from "../http/problem";

/** What a caller may do: read implies nothing else; write implies read; admin is store-wide operations. */
export type Scope = "read" | "write" | "admin";

/** The caller's rights, checked by each route once it knows the keys involved. */
export interface Access {
  /** Throws a 403 problem unless the caller holds `scope` on `key`. */
  require(scope: Scope, key: string): void;
  /** Throws a 403 problem unless the caller holds `scope` on every key starting with `prefix`. */
  requirePrefix(scope: Scope, prefix: string): void;
  /** Throws a 403 problem unless the caller holds `scope` store-wide. */
  requireStoreWide(scope: Scope): void;
}

/** Access for an API without tokens (the memory backend, or anonymous access allowed). */
export const openAccess: Access = {
  require: () => undefined,
  requirePrefix: () => undefined,
  requireStoreWide: () => undefined,
};

/** The 403 every refused check answers. */
export function forbidden(detail: string): ApiError {
  return new ApiError(403, "forbidden", detail);
}
