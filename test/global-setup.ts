import type { TestProject } from "vitest/node";
import { freePort } from "../tools/testing/free-port";
import { type RedisControl, startRedisControl } from "../tools/testing/redis-control";
import {
  findRedisServer,
  REDIS_SERVER_INSTALL_HINT,
  type RedisServer,
  startRedisServer,
} from "../tools/testing/redis-server";
import { type RunningBridge, startBridge } from "../tools/upstash-bridge";
import type { UpstashTestContext } from "./support/upstash-context";

/**
 * Vitest globalSetup of the workers-pool tests (runs in Node): starts two
 * redis-servers on free ports with temporary directories, a bridge in front
 * of each, and a control server for the failure tests, and provides their
 * URLs as `inject("upstash")`. Without redis-server the Upstash tests skip
 * with the install hint, except with CI=true, where that is an error.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  if (findRedisServer() === null) {
    if (process.env.CI === "true")
      throw new Error(`${REDIS_SERVER_INSTALL_HINT} (CI=true: the Upstash tests may not skip)`);
    console.warn(`\n[upstash tests skipped] ${REDIS_SERVER_INSTALL_HINT}\n`);
    const context: UpstashTestContext = {
      bridge: null,
      faultBridge: null,
      controlUrl: null,
      deadUrl,
      skipReason: REDIS_SERVER_INSTALL_HINT,
    };
    project.provide("upstash", context);
    return async () => undefined;
  }

  const token = `test-${crypto.randomUUID()}`;
  const redisServers: RedisServer[] = [];
  const bridges: RunningBridge[] = [];
  let control: RedisControl | undefined;
  const teardown = async () => {
    await control?.close();
    for (const bridge of bridges) await bridge.close();
    for (const redis of redisServers) await redis.dispose();
  };
  try {
    const shared = await startRedisServer();
    redisServers.push(shared);
    const fault = await startRedisServer({ appendonly: true, appendfsync: "always" });
    redisServers.push(fault);
    const sharedBridge = await startBridge({ port: 0, redisUrl: shared.url, token });
    bridges.push(sharedBridge);
    const faultBridge = await startBridge({ port: 0, redisUrl: fault.url, token });
    bridges.push(faultBridge);
    control = await startRedisControl(fault);
    const context: UpstashTestContext = {
      bridge: { url: sharedBridge.url, token },
      faultBridge: { url: faultBridge.url, token },
      controlUrl: control.url,
      deadUrl,
      skipReason: "",
    };
    project.provide("upstash", context);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
