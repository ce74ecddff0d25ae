import { createRequire } from "node:module";
import { cpus, loadavg, release, totalmem, type } from "node:os";

/** The machine and runtime a run measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  workerd: string;
  /** 1-minute load average when the run started: other work on the machine shows here. */
  loadAverageAtStart: number;
}

/** Describes this machine for the results. */
export function describeMachine(): MachineInfo {
  const require = createRequire(import.meta.url);
  const workerd = require("workerd") as { version: string };
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    workerd: workerd.version,
    loadAverageAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}
