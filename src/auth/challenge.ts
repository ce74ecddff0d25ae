import { ApiError } from "../http/problem";

/** The realm named in every `WWW-Authenticate` challenge. */
export const REALM = "edge-kv";

/** 401 for a request that carries no bearer token. */
export function tokenMissing(): ApiError {
  return new ApiError(
    401,
    "unauthorized",
    "This route needs a bearer token: send 'Authorization: Bearer <token>'",
    {},
    { "WWW-Authenticate": `Bearer realm="${REALM}"` },
  );
}

/** 401 for a bearer token that is not one of the configured tokens. The token is never echoed. */
export function tokenInvalid(): ApiError {
  return new ApiError(
    401,
    "invalid_token",
    "The bearer token is not valid for this service",
    {},
    { "WWW-Authenticate": `Bearer realm="${REALM}", error="invalid_token"` },
  );
}

/** 503 for a deployment that would serve real storage with no token configured. */
export function authNotConfigured(backend: string): ApiError {
  return new ApiError(
    503,
    "auth_not_configured",
    `No API token is configured (KV_READ_TOKENS, KV_WRITE_TOKENS, KV_ADMIN_TOKENS) for the ${backend} backend, ` +
      "so data routes are closed. Set tokens with 'wrangler secret put', or set KV_ALLOW_ANONYMOUS=true to serve without auth",
    { settings: ["KV_READ_TOKENS", "KV_WRITE_TOKENS", "KV_ADMIN_TOKENS", "KV_ALLOW_ANONYMOUS"] },
  );
}
