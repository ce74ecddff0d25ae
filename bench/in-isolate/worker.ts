// An app called through its `fetch` with no HTTP in between: edge-kv's app
// (as src/index.ts exports it, on the Map backend) or the bare Hono reference;
// the bench runs this bundle in two isolates and sends each one app's runs.
// What is left is the JavaScript work of a request
// and the runtime objects it makes (Request, Headers, Response), so a change
// of a few microseconds shows, where the HTTP bench's noise hides it.

import type { ExecutionContext } from "hono";
import kv from "../../src/index";
import bareHono from "../bare-hono-worker";
import type { BenchRequest } from "../http-request";
import type { IsolateRun } from "./protocol";

const apps = { kv, "bare-hono": bareHono };

function requestOf(request: BenchRequest): Request {
  const headers = new Headers(request.headers);
  // As over HTTP: a body arrives with its length declared.
  if (request.body !== undefined) headers.set("Content-Length", String(new TextEncoder().encode(request.body).length));
  return new Request(`http://bench.invalid${request.path}`, { method: request.method, headers, body: request.body });
}

export default {
  async fetch(request: Request, env: Record<string, string>, ctx: ExecutionContext): Promise<Response> {
    const run = (await request.json()) as IsolateRun;
    const app = run.app === "none" ? null : apps[run.app];
    const appEnv = run.app === "kv" ? env : {};
    for (let i = 0; i < run.count; i++) {
      const sent = requestOf(run.requests[i % run.requests.length]!);
      if (app === null) continue;
      const answer = await app.fetch(sent, appEnv, ctx);
      await answer.arrayBuffer();
      if (!run.expectedStatuses.includes(answer.status)) {
        return new Response(`request ${i} (${sent.method} ${sent.url}) answered ${answer.status}`, { status: 500 });
      }
    }
    return new Response("ok");
  },
};
