import { DOCS_PAGE } from "../openapi/docs-page";

async function hashSource(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

async function hashesOf(html: string, tag: "script" | "style"): Promise<string> {
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
  const hashes = await Promise.all([...html.matchAll(pattern)].map((match) => hashSource(match[1] ?? "")));
  return hashes.length === 0 ? "'none'" : hashes.join(" ");
}

async function buildDocsCsp(): Promise<string> {
  return [
    "default-src 'none'",
    `script-src ${await hashesOf(DOCS_PAGE, "script")}`,
    `style-src ${await hashesOf(DOCS_PAGE, "style")}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

let docsCsp: Promise<string> | undefined;

/**
 * The Content-Security-Policy of the `/docs` page: nothing but its own inline
 * script and style (allowed by their SHA-256 hashes) and fetches of this origin.
 */
export function docsContentSecurityPolicy(): Promise<string> {
  docsCsp ??= buildDocsCsp();
  return docsCsp;
}
