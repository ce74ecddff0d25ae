const BEARER = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header: undefined when the
 * header is absent or uses another scheme, "" when it is Bearer but malformed.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const header = authorization.trim();
  if (!/^Bearer(?:[ \t]|$)/i.test(header)) return undefined;
  return BEARER.exec(header)?.[1] ?? "";
}
