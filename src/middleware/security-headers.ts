import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { DOCS_CSP } from "./docs-csp";

/** The path of the HTML docs page, which gets its own Content-Security-Policy. */
const DOCS_PATH = "/docs";

/** Set on every response. Fixed, so they are set without first asking what is there. */
const FIXED_HEADERS: [string, string][] = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Frame-Options", "DENY"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Security headers on a response (nosniff, no-referrer, frame denial, HSTS,
 * same-origin resource policy, `Content-Security-Policy: default-src 'none'`,
 * or on the docs page a policy allowing only this origin's scripts, styles and
 * fetches), and `Cache-Control: no-store` unless the route chose its own caching.
 */
export async function applySecurityHeaders(c: Context<AppEnv>): Promise<void> {
  const headers = c.res.headers;
  for (const [name, value] of FIXED_HEADERS) headers.set(name, value);
  headers.set("Content-Security-Policy", c.req.path === DOCS_PATH ? DOCS_CSP : API_CSP);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
}
