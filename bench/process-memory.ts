import { readFileSync, writeFileSync } from "node:fs";

/** A field of /proc/<pid>/status in bytes (kB there), or null where /proc is not available. */
function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** Resident memory of a process now, bytes (null off Linux). */
export function residentBytes(pid: number): number | null {
  return statusBytes(pid, "VmRSS");
}

/** The highest resident memory of a process since it started, or since `resetPeakResident`. */
export function peakResidentBytes(pid: number): number | null {
  return statusBytes(pid, "VmHWM");
}

/** Resets a process's peak resident memory to its current one (Linux: `5` into clear_refs); false where refused. */
export function resetPeakResident(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's resident memory every `everyMs` until stopped; the highest sample. */
export function sampleResident(pid: number, everyMs: number): { stop(): number | null } {
  let highest: number | null = residentBytes(pid);
  const timer = setInterval(() => {
    const now = residentBytes(pid);
    if (now !== null && (highest === null || now > highest)) highest = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const now = residentBytes(pid);
      if (now !== null && (highest === null || now > highest)) highest = now;
      return highest;
    },
  };
}
