import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time a process has used so far, in microseconds, summed over its
 * threads from /proc/<pid>/task/<tid>/schedstat (nanosecond resolution).
 * Null where /proc is not available (not Linux).
 */
export function processCpuMicros(pid: number): number | null {
  try {
    let nanoseconds = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ");
      nanoseconds += Number(fields[0]);
    }
    return nanoseconds / 1000;
  } catch {
    return null;
  }
}
