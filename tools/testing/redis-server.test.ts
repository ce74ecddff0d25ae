import { afterEach, describe, expect, it } from "vitest";
import { RedisConnection } from "../upstash-bridge/redis/connection";
import { parseRedisUrl } from "../upstash-bridge/redis/url";
import { findRedisServer, REDIS_SERVER_INSTALL_HINT, type RedisServer, startRedisServer } from "./redis-server";

const skip = findRedisServer() === null && process.env.CI !== "true";
if (skip) console.warn(`redis-server helper tests skipped: ${REDIS_SERVER_INSTALL_HINT}`);

const started: RedisServer[] = [];

afterEach(async () => {
  for (const server of started.splice(0)) await server.dispose();
});

async function command(server: RedisServer, ...args: string[]): Promise<string> {
  const connection = await RedisConnection.open(parseRedisUrl(server.url), 2_000);
  try {
    const [reply] = await connection.send([args.map((arg) => Buffer.from(arg))]);
    if (reply === undefined) throw new Error("no reply");
    if (reply.kind === "bulk") return reply.bytes?.toString() ?? "(nil)";
    if (reply.kind === "simple") return reply.bytes.toString();
    if (reply.kind === "integer") return reply.text;
    throw new Error(JSON.stringify(reply));
  } finally {
    connection.close();
  }
}

describe.skipIf(skip)("test redis-server helper", () => {
  it("starts servers on distinct free ports, each with its own data", async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    started.push(a, b);
    expect(a.port).not.toBe(b.port);
    await command(a, "SET", "k", "a");
    expect(await command(b, "GET", "k")).toBe("(nil)");
    expect(await command(a, "GET", "k")).toBe("a");
  });

  it("keeps data across stop, kill and start with appendonly and appendfsync always", async () => {
    const server = await startRedisServer({ appendonly: true, appendfsync: "always" });
    started.push(server);
    await command(server, "SET", "k", "1");
    await server.restart();
    expect(await command(server, "GET", "k")).toBe("1");
    await command(server, "SET", "k", "2");
    await server.kill();
    expect(server.running).toBe(false);
    await expect(command(server, "PING")).rejects.toThrow(/unreachable/);
    await server.start();
    expect(await command(server, "GET", "k")).toBe("2");
  });

  it("starts empty again without persistence (the test default)", async () => {
    const server = await startRedisServer();
    started.push(server);
    await command(server, "SET", "k", "1");
    await server.restart();
    expect(await command(server, "GET", "k")).toBe("(nil)");
  });
});
