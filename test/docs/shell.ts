import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";

/** What one command printed (stdout and stderr together) and its exit status. */
export interface CommandResult {
  readonly printed: string;
  readonly status: number | null;
}

/**
 * One bash session: commands run in it one after the other, so variables set by one
 * (`V=$(curl …)`) reach the next, as in a terminal.
 */
export class Shell {
  readonly #bash: ChildProcessWithoutNullStreams;
  readonly #marker = `__docs_done_${randomUUID().replaceAll("-", "")}`;
  #output = "";
  #waiting: (() => void) | null = null;

  constructor(env: Record<string, string>) {
    this.#bash = spawn("bash", ["--noprofile", "--norc"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", LANG: "C.UTF-8", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const take = (chunk: Buffer) => {
      this.#output += chunk.toString("utf8");
      this.#waiting?.();
    };
    this.#bash.stdout.on("data", take);
    this.#bash.stderr.on("data", take);
    this.#bash.stdin.write("exec 2>&1\n");
  }

  /** Runs one command; gives up (and says so in `printed`) after `timeoutMs`. */
  async run(command: string, timeoutMs: number): Promise<CommandResult> {
    this.#output = "";
    // Braces keep the command in this shell (its variables carry on); stdin is /dev/null, so a
    // command that reads it cannot swallow the lines that follow.
    this.#bash.stdin.write(`{\n${command}\n} </dev/null\nprintf '\\n%s %s\\n' ${this.#marker} "$?"\n`);
    const end = new RegExp(`\\n${this.#marker} (\\d+)\\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = end.exec(this.#output);
      if (match !== null) return { printed: this.#output.slice(0, match.index), status: Number(match[1]) };
      const left = deadline - Date.now();
      if (left <= 0) return { printed: `${this.#output}\n[no end after ${timeoutMs} ms]`, status: null };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiting = null;
    }
  }

  close(): void {
    this.#bash.kill("SIGKILL");
  }
}
