import type { Transport } from "./transport";

/** What workflows need from their host, so one implementation runs in workerd and Node. */
export interface WorkflowContext {
  transport: Transport;
  /** A fresh unique id for this run's keys. */
  newId(): string;
  sleep(ms: number): Promise<void>;
  /** Milliseconds on a clock that moves across I/O, for step durations. */
  now(): number;
}

/** A context on the globals workerd and Node 20 both provide. */
export function standardContext(transport: Transport): WorkflowContext {
  return {
    transport,
    newId: () => crypto.randomUUID(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => performance.now(),
  };
}
