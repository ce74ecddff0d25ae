import { env, exports } from "cloudflare:workers";
import type { ClientEnv } from "../../src/worker/env";
import app from "../../src/worker/index";
import type { Step } from "../../src/workflows/step";

/**
 * The real KV worker behind the test client's `KV` binding. `env` is typed
 * as the KV worker's own bindings (the root worker-configuration.d.ts), so
 * the test client's binding is named here.
 */
export const kvBinding = (env as unknown as { KV: Fetcher }).KV;

/** A test client answer, parsed. */
export interface Answer {
  status: number;
  contentType: string;
  body: {
    message?: string;
    details?: string;
    code?: string;
    detail?: string;
    target?: string;
    steps: Step[];
    failed_step?: Step;
    failed_steps?: Step[];
    workflows?: { workflow: string; outcome: string }[];
    [field: string]: unknown;
  };
}

async function parse(response: Response): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: (await response.json()) as Answer["body"],
  };
}

/** Calls the test client as configured by test-client/wrangler.toml (the binding). */
export async function callClient(path: string): Promise<Answer> {
  return parse(await exports.default.fetch(`http://client${path}`));
}

/** Calls the test client with other bindings (KV_URL, KV_TOKEN, a fake binding). */
export async function callClientWith(path: string, bindings: Partial<ClientEnv>): Promise<Answer> {
  const clientEnv: ClientEnv = { KV: kvBinding, KV_URL: "", KV_TOKEN: "", ...bindings };
  return parse(await app.fetch(new Request(`http://client${path}`), clientEnv));
}

/** The keys a run's steps touched, decoded from their paths. */
export function keysIn(steps: Step[]): string[] {
  const keys = steps.flatMap((step) => {
    const match = /^\/(?:get|exists|delete)\/(.+)$/.exec(step.path);
    return match?.[1] === undefined ? [] : [decodeURIComponent(match[1])];
  });
  return [...new Set(keys)];
}

/** Whether the real KV worker holds `key`. */
export async function kvHas(key: string): Promise<boolean> {
  const response = await kvBinding.fetch(`http://kv/exists/${encodeURIComponent(key)}`);
  const body = (await response.json()) as { exists: boolean };
  return body.exists;
}
