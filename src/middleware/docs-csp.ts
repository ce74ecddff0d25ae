/**
 * The Content-Security-Policy of the `/docs` page: its script and stylesheet
 * come from this origin's static assets, it fetches only this origin, and
 * nothing inline runs.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
