import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startRedisServer } from "./testing/redis-server";
import { startBridge } from "./upstash-bridge";

const USAGE = `npm run dev:redis -- [--port 8789] [--redis-port 6380] [--bridge-port <port>] [--data-dir .data/redis] [--auth]

Local development on the Upstash backend with real persistence: starts
redis-server (AOF + snapshots under --data-dir), the Upstash bridge in front of
it (on a free port unless --bridge-port), and \`wrangler dev\` with
STORAGE_BACKEND=upstash pointed at the bridge. Ctrl-C stops all three. Without
--auth the worker allows anonymous access (KV_ALLOW_ANONYMOUS=true); with it,
the tokens of .dev.vars apply.

The default ports differ from those of \`npm run dev\` (8787), \`npm run dev:client\`
(8788) and \`npm run bridge\` (8079, Redis 6379), so all of them can run at once.`;

/** Where the worker listens unless --port says otherwise: beside `npm run dev` (8787) and `dev:client` (8788). */
const WORKER_PORT = 8789;
const REDIS_PORT = 6380;

function portOption(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^[0-9]{1,5}$/.test(text) || port < 1 || port > 65535) {
    console.error(`dev:redis: --${name} must be a port number, got '${text}'\n\n${USAGE}`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "bridge-port": { type: "string" },
      "redis-port": { type: "string" },
      "data-dir": { type: "string" },
      auth: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const workerPort = portOption(values.port, WORKER_PORT, "port");
  // 0: a free port. Nothing outside this command needs to know it; it is printed.
  const bridgePort = values["bridge-port"] === undefined ? 0 : portOption(values["bridge-port"], 0, "bridge-port");
  const redisPort = portOption(values["redis-port"], REDIS_PORT, "redis-port");
  const dataDir = resolve(values["data-dir"] ?? ".data/redis");
  mkdirSync(dataDir, { recursive: true });

  const redis = await startRedisServer({
    port: redisPort,
    dir: dataDir,
    appendonly: true,
    appendfsync: "everysec",
    snapshots: true,
  });
  const token = `dev-${randomUUID()}`;
  const bridge = await startBridge({ port: bridgePort, redisUrl: redis.url, token }).catch(async (error: unknown) => {
    await redis.stop();
    throw error;
  });
  console.log(`dev:redis: redis-server on ${redis.url} (data in ${dataDir}); try \`redis-cli -p ${redis.port}\``);
  console.log(`dev:redis: Upstash bridge on ${bridge.url} (token ${token})`);

  const vars = [
    "STORAGE_BACKEND:upstash",
    `UPSTASH_REDIS_REST_URL:${bridge.url}`,
    `UPSTASH_REDIS_REST_TOKEN:${token}`,
    ...(values.auth ? [] : ["KV_ALLOW_ANONYMOUS:true"]),
  ];
  const wrangler = spawn(
    resolve("node_modules/.bin/wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(workerPort), ...vars.flatMap((v) => ["--var", v])],
    // As `npm run dev` does: no Request.cf download and no telemetry (docs/dev-server.md).
    {
      stdio: "inherit",
      env: { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", ...process.env },
    },
  );

  let stopping = false;
  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    if (wrangler.exitCode === null && wrangler.signalCode === null) {
      wrangler.kill("SIGINT");
      await new Promise((done) => wrangler.once("exit", done));
    }
    await bridge.close();
    await redis.stop();
    console.log("dev:redis: stopped wrangler, the bridge and redis-server");
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  wrangler.once("exit", (code) => void stopAll(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(`dev:redis: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
