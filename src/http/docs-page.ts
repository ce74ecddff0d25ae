/**
 * `GET /docs`: an HTML shell with no inline script or style. It loads the
 * renderer from the console's static assets (console/src/docs/, served by
 * Workers Static Assets at /console/), which renders /openapi.json with a
 * form per operation that sends it with the token signed in in this tab.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edge-kv API</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/docs.css">
<script type="module" src="/console/docs.js"></script>
</head>
<body>
<div id="docs"><h1>edge-kv API</h1><p>Loading the reference of <a href="/openapi.json">/openapi.json</a>…</p></div>
<noscript><p>The reference needs JavaScript to render; the API description itself is <a href="/openapi.json">/openapi.json</a>.</p></noscript>
</body>
</html>
`;
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
