import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const CHILD_SCRIPT = fileURLToPath(new URL("./bridge-child.ts", import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** The bridge, running in its own Node process. */
export interface BridgeProcess {
  /** Base URL for UPSTASH_REDIS_REST_URL. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts tools/upstash-bridge (its programmatic `startBridge`) in a child Node
 * process with the tsx loader, in front of the redis-server at `redisUrl`.
 */
export async function startBridgeProcess(redisUrl: string, token: string): Promise<BridgeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD_SCRIPT, redisUrl, token], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    process.removeListener("exit", killOnExit);
  };
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => errors.push(line));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the bridge did not start in time")), START_TIMEOUT_MS);
      createInterface({ input: child.stdout }).once("line", (line) => {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      });
      void exited.then(() => reject(new Error("the bridge exited while starting")));
    });
    return { url, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${errors.join("\n")}`);
  }
}
