import { ApiError } from "../http/problem";
import type { Access, Scope } from "./access";
import { REALM } from "./challenge";
import { type Grant, scopeIncludes } from "./scopes";

function insufficient(scope: Scope, detail: string, extras: Record<string, string>): ApiError {
  return new ApiError(
    403,
    "forbidden",
    detail,
    { scope, ...extras },
    {
      "WWW-Authenticate": `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`,
    },
  );
}

/**
 * The rights of a caller who presented a valid token: the union of the grants
 * of every entry that lists that token.
 */
export class TokenAccess implements Access {
  constructor(private readonly grants: readonly Grant[]) {}

  require(scope: Scope, key: string): void {
    if (this.holds(scope, (prefix) => key.startsWith(prefix))) return;
    throw insufficient(scope, `This token does not grant ${scope} access to key '${key}'`, { key });
  }

  requirePrefix(scope: Scope, prefix: string): void {
    if (this.holds(scope, (granted) => prefix.startsWith(granted))) return;
    throw insufficient(scope, `This token does not grant ${scope} access to every key starting with '${prefix}'`, {
      prefix,
    });
  }

  requireStoreWide(scope: Scope): void {
    if (this.holds(scope, (granted) => granted === "")) return;
    throw insufficient(scope, `This operation needs a token with ${scope} scope on the whole store`, {});
  }

  private holds(scope: Scope, covers: (prefix: string) => boolean): boolean {
    return this.grants.some((grant) => scopeIncludes(grant.scope, scope) && covers(grant.prefix));
  }
}
