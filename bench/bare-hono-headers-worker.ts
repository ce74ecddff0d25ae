// Bare Hono answering with edge-kv's answer headers: the security headers and
// a fresh X-Request-Id on every answer, given to the Response constructor with
// the rest as edge-kv gives them (not through `c.json`, whose per-header
// copying would make the reference slower than edge-kv), and nothing else of
// edge-kv. Map ÷ this reference is what edge-kv costs beyond the headers
// every answer carries.
import { SECURITY_HEADERS } from "../src/http/answers";
import { bareHonoApp } from "./bare-hono-worker";

export default bareHonoApp(() => ({ ...SECURITY_HEADERS, "X-Request-Id": crypto.randomUUID() }));
