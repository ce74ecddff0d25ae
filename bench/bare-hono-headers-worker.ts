// Bare Hono answering with edge-kv's answer headers: the security headers and
// a fresh X-Request-Id on every answer, made as edge-kv makes its answers
// (from a Headers object made once; not through `c.json`, whose per-header
// copying would make the reference slower than edge-kv), and nothing else of
// edge-kv. Map ÷ this reference is what edge-kv costs beyond the headers
// every answer carries.
import { SECURITY_HEADERS } from "../src/http/answers";
import { bareHonoApp } from "./bare-hono-worker";

export default bareHonoApp({ fixed: SECURITY_HEADERS, fresh: () => ({ "X-Request-Id": crypto.randomUUID() }) });
