import type { Config, Settings } from "../config";
import { type Access, openAccess } from "./access";
import { bearerToken } from "./bearer";
import { authNotConfigured, tokenInvalid, tokenMissing } from "./challenge";
import { TokenAccess } from "./token-access";
import { tokenTableFor } from "./token-table";

/**
 * Decides the caller's rights from its `Authorization` header, or throws the
 * problem to answer: 401 without a valid token, 503 `auth_not_configured` when
 * no token is configured and anonymous access is not allowed (fail closed).
 * Without tokens, access is open only on the memory backend or with
 * KV_ALLOW_ANONYMOUS=true. Runs before the store is opened.
 */
export async function authenticate(
  settings: Settings,
  config: Config,
  authorization: string | undefined,
): Promise<Access> {
  const table = await tokenTableFor(settings);
  if (!table.configured) {
    if (config.backend === "memory" || config.allowAnonymous) return openAccess;
    throw authNotConfigured(config.backend);
  }
  const token = bearerToken(authorization);
  if (token === undefined) throw tokenMissing();
  const grants = await table.grantsOf(token);
  if (grants.length === 0) throw tokenInvalid();
  return new TokenAccess(grants);
}
