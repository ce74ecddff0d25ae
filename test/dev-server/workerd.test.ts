import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAsDeployed } from "../../bench/build";
import { workerdConfigText } from "../../bench/workerd/capnp-config";
import { type RunningWorkerd, startWorkerd } from "../../bench/workerd/serve";
import { ROOT } from "../../test-client/test/support/processes";
import { answered, rawExchange, rawRequest, setBody } from "./http";

// What a deployment does with the requests `npm run dev` handles badly: the bundle
// `wrangler deploy` would upload, served by plain `workerd serve` (no dev proxy, no
// dev middleware). See docs/dev-server.md.
const TOKEN = "dev-server-write-token-0123";
const VALUE_LIMIT = 1024 * 1024;

let workerd: RunningWorkerd;
let base: string;
let port: number;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-kv-workerd-"));
  const build = await buildAsDeployed(ROOT, join(dir, "worker"));
  const configPath = join(dir, "workerd.capnp");
  const config = workerdConfigText([
    {
      name: "kv",
      modules: build.modules.map((file) => ({ name: file, path: join("worker", file) })),
      compatibilityDate: build.compatibilityDate,
      compatibilityFlags: build.compatibilityFlags,
      // The Map backend, with a write token so that an upload without it is refused.
      textBindings: { ...build.vars, STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: TOKEN },
    },
  ]);
  await writeFile(configPath, config);
  workerd = await startWorkerd({ configPath, socketNames: ["kv"] });
  port = workerd.ports.get("kv") ?? 0;
  base = `http://127.0.0.1:${port}`;
}, 90_000);

afterAll(async () => {
  await workerd?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const authorized = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };

describe("plain workerd, as deployed", () => {
  it.each([
    ["413, Content-Length over the limit", 413, "body_too_large", authorized],
    ["401, no token", 401, "unauthorized", { "Content-Type": "application/json" }],
  ])(
    "answers a refused upload at once, as problem+json, before the body is sent (%s)",
    async (_, status, code, headers) => {
      const refused = answered(
        await rawRequest(base, {
          method: "POST",
          path: "/set",
          headers: { ...headers, "Content-Length": 2 * VALUE_LIMIT },
          body: setBody("workerd/expect", 2 * VALUE_LIMIT),
          expectContinue: true,
          giveUpMs: 5_000,
        }),
      );
      expect(refused.status).toBe(status);
      expect(refused.contentType).toBe("application/problem+json");
      expect(JSON.parse(refused.text)).toMatchObject({ status, code });
      expect(refused.bodySent).toBe(false);
      // curl waits one second for a 100 Continue before sending anyway: this came well before.
      expect(refused.ms).toBeLessThan(900);
    },
  );

  it("answers an oversized chunked upload with 413 naming its size, then every request on the same connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let round = 1; round <= 3; round++) {
        const body = setBody(`workerd/big-${round}`, Math.floor(VALUE_LIMIT * 1.5));
        const refused = answered(
          await rawRequest(base, { method: "POST", path: "/set", headers: authorized, body, agent }),
        );
        expect(refused.status).toBe(413);
        expect(JSON.parse(refused.text)).toMatchObject({ code: "body_too_large", size: body.length });
        const next = answered(await rawRequest(base, { method: "GET", path: "/", agent }));
        expect(next.status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });

  it("refuses headers over its own limit (about 128 KiB) with a plain-text 431 (or a reset) before the worker runs", async () => {
    const response = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: kv\r\nX-Big: ${"a".repeat(200 * 1024)}\r\nConnection: close\r\n\r\n`,
    );
    // workerd answers before reading the rest of the headers, so the kernel may reset the
    // connection before the client reads the answer: either the 431 or nothing arrives.
    if (response !== "") {
      expect(response).toMatch(/^HTTP\/1\.1 431 /);
      expect(response).toMatch(/\r\nContent-Type: text\/plain\r\n/i);
    }
    expect(response).not.toContain("problem+json");
    expect(answered(await rawRequest(base, { method: "GET", path: "/" })).status).toBe(200);
  });
});
