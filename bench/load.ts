import autocannon from "autocannon";
import type { BenchRequest } from "./http-request";
import { quantile } from "./stats";

/** What one timed load run measured. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /**
   * CPU time the serving process used per response during the run (µs), when
   * known: steadier than req/s on a shared machine, as other load barely moves it.
   */
  serverCpuUsPerResponse: number | null;
}

/**
 * Drives `connections` keep-alive connections at `origin` for `durationSeconds`,
 * each cycling through `requests` in order. Latencies are taken per response
 * at microsecond resolution (autocannon's own histogram keeps whole ms).
 */
export async function runLoad(options: {
  origin: string;
  requests: readonly BenchRequest[];
  connections: number;
  durationSeconds: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: options.origin,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    // autocannon notices the end of `duration` only at a sample tick (default 1 s).
    sampleInt: 100,
    requests: options.requests.map((request) => ({ ...request })),
  });
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) statuses[status] = Number(count);
  return {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    responses: latencies.length,
    statuses,
    errors: result.errors,
    serverCpuUsPerResponse: null,
  };
}
