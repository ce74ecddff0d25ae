import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port";

/** How to get redis-server when it is missing (Debian/Ubuntu). */
export const REDIS_SERVER_INSTALL_HINT =
  "redis-server is not on PATH: install it with `sudo apt-get install -y redis-server` " +
  "(or `brew install redis`), or point REDIS_SERVER_BIN at the binary";

/** Options of a test or development redis-server. */
export interface RedisServerOptions {
  /** A fixed port; a free one on 127.0.0.1 when omitted. */
  port?: number;
  /** The data directory; a fresh temporary one (removed by `dispose`) when omitted. */
  dir?: string;
  /** Turns the append-only file on. */
  appendonly?: boolean;
  /** The AOF's fsync policy (with `appendonly`); Redis's default is everysec. */
  appendfsync?: "always" | "everysec" | "no";
  /** Keeps Redis's default RDB snapshot rules; off by default (nothing written to disk). */
  snapshots?: boolean;
  /** The redis-server binary; REDIS_SERVER_BIN or PATH when omitted. */
  binary?: string;
  /** Copies redis-server's log lines to this process's stderr. */
  echoLog?: boolean;
}

/** A redis-server child process bound to 127.0.0.1 that can be stopped and started again. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly dir: string;
  readonly running: boolean;
  /** Stops gracefully (SIGTERM: Redis flushes the AOF / writes its snapshot). */
  stop(): Promise<void>;
  /** Stops abruptly (SIGKILL), like a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and removes the data directory when it was a temporary one. */
  dispose(): Promise<void>;
}

const READY_LINE = "Ready to accept connections";
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_LINES_KEPT = 40;

/** The redis-server binary to use, or null when there is none. */
export function findRedisServer(): string | null {
  const override = process.env.REDIS_SERVER_BIN;
  if (override !== undefined && override !== "") return isExecutable(override) ? override : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "redis-server");
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function argumentsFor(port: number, dir: string, options: RedisServerOptions): string[] {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir];
  args.push("--daemonize", "no", "--protected-mode", "no", "--logfile", "", "--loglevel", "notice");
  if (!options.snapshots) args.push("--save", "");
  args.push("--appendonly", options.appendonly ? "yes" : "no");
  if (options.appendfsync !== undefined) args.push("--appendfsync", options.appendfsync);
  return args;
}

class RedisChild implements RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly log: string[] = [];
  private readonly killOnExit = () => this.child?.kill("SIGKILL");

  constructor(
    private readonly binary: string,
    readonly port: number,
    readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly options: RedisServerOptions,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Spawns redis-server and resolves once it accepts connections. */
  start(): Promise<void> {
    if (this.child !== null) return Promise.resolve();
    const child = spawn(this.binary, argumentsFor(this.port, this.dir, this.options), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    process.once("exit", this.killOnExit);
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        process.removeListener("exit", this.killOnExit);
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        child.removeListener("error", fail);
        child.removeListener("exit", exitedEarly);
      };
      const fail = (error: Error) => {
        settle();
        child.kill("SIGKILL");
        reject(new Error(`${error.message}\n${this.recentLog()}`));
      };
      const exitedEarly = (code: number | null, signal: string | null) =>
        fail(new Error(`redis-server exited early (code ${code}, signal ${signal})`));
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      readLines(child, (line) => {
        this.keep(line);
        if (line.includes(READY_LINE)) {
          settle();
          resolve();
        }
      });
      child.once("error", fail);
      child.once("exit", exitedEarly);
    });
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last log lines, for error messages. */
  recentLog(): string {
    return this.log.join("\n");
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private keep(line: string): void {
    this.log.push(line);
    if (this.log.length > LOG_LINES_KEPT) this.log.shift();
    if (this.options.echoLog) process.stderr.write(`[redis:${this.port}] ${line}\n`);
  }
}

function readLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    });
  }
}

/**
 * Starts a redis-server on 127.0.0.1 (a free port and a temporary directory
 * unless given). Throws with REDIS_SERVER_INSTALL_HINT when there is no binary.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? findRedisServer();
  if (binary === null) throw new Error(REDIS_SERVER_INSTALL_HINT);
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "edge-kv-redis-"));
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const server = new RedisChild(binary, options.port ?? (await freePort()), dir, ownsDir, options);
    try {
      await server.start();
      return server;
    } catch (error) {
      const portTaken = server.recentLog().includes("Address already in use");
      if (!portTaken || attempt >= attempts) {
        if (ownsDir) rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}
