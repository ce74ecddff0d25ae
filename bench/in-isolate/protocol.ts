import type { BenchRequest } from "../http-request";

/**
 * One measured run inside the isolate: which app ("none" makes the requests
 * and sends them nowhere: what the loop itself costs), the requests to send
 * in turn, how many, and the statuses every answer must have.
 */
export interface IsolateRun {
  app: "kv" | "bare-hono" | "none";
  requests: BenchRequest[];
  count: number;
  expectedStatuses: number[];
}
