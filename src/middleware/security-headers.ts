import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../http/app-env";
import { docsContentSecurityPolicy } from "./docs-csp";

/** The path of the HTML docs page, which gets its own Content-Security-Policy. */
const DOCS_PATH = "/docs";

const common = {
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  overwrite: false,
} as const;

const apiHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
});

const htmlHeaders = secureHeaders(common);

/**
 * Security headers on every response (nosniff, no-referrer, frame denial,
 * HSTS, same-origin resource policy, `Content-Security-Policy: default-src
 * 'none'`, or on the docs page a policy allowing only its own inline script
 * and style by hash), and `Cache-Control: no-store` on any response whose
 * route did not choose its own caching.
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  const isDocs = c.req.path === DOCS_PATH;
  await (isDocs ? htmlHeaders : apiHeaders)(c, next);
  if (isDocs && !c.res.headers.has("Content-Security-Policy")) {
    c.res.headers.set("Content-Security-Policy", await docsContentSecurityPolicy());
  }
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});
