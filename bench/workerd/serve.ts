import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** The workerd binary the project installs (the `workerd` package's default export). */
const WORKERD_BINARY = (createRequire(import.meta.url)("workerd") as { default: string }).default;

const STARTUP_TIMEOUT_MS = 30_000;
const LOG_LINES_KEPT = 200;

/** A `workerd serve` process and where it listens. */
export interface RunningWorkerd {
  /** The port of each socket, by socket name. */
  ports: Map<string, number>;
  /** The inspector's port, when asked for. */
  inspectorPort: number | null;
  pid: number;
  /** The last lines workerd printed on stderr (console.error and workerd's own errors). */
  recentLog(): string;
  stop(): Promise<void>;
}

/**
 * Starts the project's workerd binary (node_modules/workerd) on a config file
 * and waits until every named socket listens: workerd reports the ports the
 * kernel picked on its control descriptor (fd 3).
 */
export async function startWorkerd(options: {
  configPath: string;
  socketNames: string[];
  /** Also open the V8 inspector on a free port (for CPU profiles; it slows the isolate a little). */
  inspector?: boolean;
  /** Write workerd's own trace spans (category "workerd") to this Perfetto file, complete once workerd has stopped. */
  perfettoTrace?: string;
}): Promise<RunningWorkerd> {
  const args = ["serve", options.configPath, "--control-fd=3"];
  if (options.inspector) args.push("--inspector-addr=127.0.0.1:0");
  if (options.perfettoTrace !== undefined) args.push(`--perfetto-trace=${options.perfettoTrace}=workerd`);
  // stdout (console.log: one access-log line per request) goes to /dev/null: piping
  // thousands of lines a second into this process would load the machine and could
  // stall workerd on a full pipe, which production logging never does. stderr is
  // kept for errors.
  const child = spawn(WORKERD_BINARY, args, { stdio: ["ignore", "ignore", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    log.push(line);
    if (log.length > LOG_LINES_KEPT) log.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    process.removeListener("exit", killOnExit);
  };

  const ports = new Map<string, number>();
  let inspectorPort: number | null = null;
  const listening = (async () => {
    for await (const line of createInterface({ input: child.stdio[3] as Readable })) {
      const message = JSON.parse(line) as { event: string; socket?: string; port: number };
      if (message.event === "listen" && message.socket !== undefined) ports.set(message.socket, message.port);
      if (message.event === "listen-inspector") inspectorPort = message.port;
      const allListen = options.socketNames.every((name) => ports.has(name));
      if (allListen && (!options.inspector || inspectorPort !== null)) return;
    }
    throw new Error("workerd closed its control descriptor before listening");
  })();
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("workerd did not listen in time")), STARTUP_TIMEOUT_MS);
    void exited.then((code) => reject(new Error(`workerd exited with code ${code}`)));
  });
  failure.catch(() => undefined); // settles later too, when workerd is stopped
  try {
    await Promise.race([listening, failure]);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${log.join("\n")}`);
  } finally {
    clearTimeout(timer);
  }
  return { ports, inspectorPort, pid: child.pid!, recentLog: () => log.join("\n"), stop };
}
