import { parseArgs } from "node:util";
import { startBridge } from "./server";

const USAGE = `Upstash-compatible REST bridge to a redis-server.

Usage: npm run bridge -- [--port 8079] [--redis redis://127.0.0.1:6379] --token <token>
                         [--host 127.0.0.1] [--base-path /prefix]

Each flag can come from the environment instead (the flag wins):
  --port       UPSTASH_BRIDGE_PORT       default 8079
  --redis      UPSTASH_BRIDGE_REDIS_URL  default redis://127.0.0.1:6379
  --token      UPSTASH_BRIDGE_TOKEN      required
  --host       UPSTASH_BRIDGE_HOST       default 127.0.0.1
  --base-path  UPSTASH_BRIDGE_BASE_PATH  default none`;

function fail(message: string): never {
  console.error(`upstash-bridge: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      redis: { type: "string" },
      token: { type: "string" },
      host: { type: "string" },
      "base-path": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = process.env;
  const portText = values.port ?? env.UPSTASH_BRIDGE_PORT ?? "8079";
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) fail(`invalid port '${portText}'`);
  const token = values.token ?? env.UPSTASH_BRIDGE_TOKEN ?? "";
  if (token === "") fail("a token is required (--token or UPSTASH_BRIDGE_TOKEN)");
  const bridge = await startBridge({
    port: Number(portText),
    redisUrl: values.redis ?? env.UPSTASH_BRIDGE_REDIS_URL ?? "redis://127.0.0.1:6379",
    token,
    hostname: values.host ?? env.UPSTASH_BRIDGE_HOST ?? "127.0.0.1",
    basePath: values["base-path"] ?? env.UPSTASH_BRIDGE_BASE_PATH ?? "",
  });
  console.log(`upstash-bridge listening on ${bridge.url}`);
  const stop = () => {
    void bridge.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
