import type { BackendFigures, Figures } from "../aggregate";
import type { BenchResults } from "../results";
import type { TargetVerdict } from "../targets";

const n = (value: number) => value.toLocaleString("en-US");
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const latency = (figures: Figures) => `${ms(figures.p50Ms)} / ${ms(figures.p99Ms)}`;
const ratio = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "–" : `${value.toFixed(2)}×`;
const failures = (figures: Figures) => (figures.failures > 0 ? ` ⚠ ${n(figures.failures)} failed` : "");
const verdictWord = (held: boolean | null) => (held === null ? "not measured" : held ? "held" : "**missed**");

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => "---")), ...rows.map(row)].join("\n");
}

const cpu = (value: number | null) => (value === null ? "–" : n(Math.round(value)));

function mapTable(results: BenchResults): string {
  const rows = results.scenarios.flatMap((scenario) => {
    const memory: BackendFigures | null = scenario.memory;
    const floor = scenario.floor;
    if (memory === null || floor === null) return [];
    return [
      [
        scenario.title,
        n(floor.requestsPerSecond),
        n(memory.requestsPerSecond) + failures(memory),
        ratio(memory.ratioToFloor),
        latency(floor),
        latency(memory),
        `${cpu(floor.cpuUsPerResponse)} / ${cpu(memory.cpuUsPerResponse)}`,
        ratio(memory.cpuRatioToFloor ?? undefined),
      ],
    ];
  });
  return table(
    [
      "scenario",
      "floor req/s",
      "Map req/s",
      "Map ÷ floor",
      "floor p50 / p99 ms",
      "Map p50 / p99 ms",
      "workerd CPU µs/req: floor / Map",
      "CPU: floor ÷ Map",
    ],
    rows,
  );
}

function upstashTable(results: BenchResults): string | null {
  const rows = results.scenarios.flatMap((scenario) => {
    const upstash = scenario.upstash;
    if (upstash === null) return [];
    return [
      [
        scenario.title,
        n(upstash.requestsPerSecond) + failures(upstash),
        latency(upstash),
        ratio(upstash.ratioToFloor),
        upstash.serial === undefined ? "–" : latency(upstash.serial),
        upstash.directSerial === undefined ? "–" : latency(upstash.directSerial),
        ratio(upstash.p50OverDirect),
      ],
    ];
  });
  if (rows.length === 0) return null;
  return table(
    [
      "scenario",
      "worker req/s",
      "worker p50 / p99 ms",
      "worker ÷ floor",
      "1 at a time: worker p50 / p99 ms",
      "1 at a time: direct p50 / p99 ms",
      "worker p50 ÷ direct p50",
    ],
    rows,
  );
}

function roundTripTable(results: BenchResults): string | null {
  const roundTrips = results.roundTrips;
  if (roundTrips === null) return null;
  const executed = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([name, calls]) => (calls === 1 ? name : `${name} ×${calls}`))
      .join(", ") || "–";
  const sent = (commands: string[]) => {
    const counts: Record<string, number> = {};
    for (const command of commands) counts[command] = (counts[command] ?? 0) + 1;
    return executed(counts);
  };
  const rows = roundTrips.calls.map((call) => [
    call.call,
    String(call.status),
    String(call.httpRequests) +
      (call.mustBeOne && call.httpRequests !== 1 ? " ❌" : "") +
      (call.firstPassHttpRequests !== call.httpRequests ? ` (first pass: ${call.firstPassHttpRequests})` : ""),
    [...new Set(call.endpoints)].join(", ") || "–",
    sent(call.commandsSent),
    executed(call.commandsExecuted),
  ]);
  const text = table(
    ["API call", "status", "HTTP requests to Upstash", "endpoint", "commands sent", "Redis executed"],
    rows,
  );
  const unprobed =
    roundTrips.unprobedRoutes.length === 0 ? "" : `\n\nRoutes not probed: ${roundTrips.unprobedRoutes.join(", ")}.`;
  const intro =
    "Counted at a proxy in front of the bridge, for one call at a time; Redis's own `INFO commandstats` " +
    "gives what ran, scripts' inner commands included. Each call runs twice on fresh keys and the second " +
    "is shown: on a Redis that has not cached a script yet, its first EVALSHA answers NOSCRIPT and is " +
    "retried as EVAL (once per script per Redis).\n\n";
  return intro + text + unprobed;
}

function targetLines(targets: TargetVerdict[]): string {
  return targets.map((t) => `- ${verdictWord(t.held)}: ${t.target}: ${t.measured}`).join("\n");
}

/** The results as Markdown: the tables bench/results/latest.md holds. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, settings } = results;
  const parts = [
    `# edge-kv benchmark results`,
    `Produced by \`${results.command}\` on ${results.generatedAt.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, workerd ${machine.workerd} ` +
      `(1-min load average at start ${machine.loadAverageAtStart}). ${settings.rounds} rounds of ` +
      `${settings.durationSeconds} s per run, ${settings.connections} connections, worker and floor alternating.`,
    `## Targets`,
    targetLines(results.targets),
    `## Map backend against the floor`,
    `The floor is a worker that reads the body and answers a constant small JSON, sent the same requests in the same workerd process. ` +
      `Ratios are per round, then the median. "workerd CPU µs/req" is the CPU time workerd used per response during the run ` +
      `(all its threads, from /proc): a shared machine moves it much less than req/s, and floor ÷ Map is the throughput ` +
      `ratio a quiet machine would show while workerd is the bottleneck.`,
    mapTable(results),
  ];
  const upstash = upstashTable(results);
  if (upstash !== null) {
    parts.push(
      `## Upstash backend through the bridge to redis-server`,
      `Under load: ${settings.connections} connections, as for the Map backend. One at a time: the worker with one ` +
        `connection, and "direct", the very Redis calls the worker makes for each request (recorded at the bridge) ` +
        `replayed with \`@upstash/redis\` from Node against the same bridge. Their p50 ratio is the worker's overhead.`,
      upstash,
    );
  }
  const roundTrips = roundTripTable(results);
  if (roundTrips !== null) parts.push(`## Round trips to Upstash per API call`, roundTrips);
  parts.push(
    `## Bundle`,
    `${(results.bundle.bytes / 1024).toFixed(1)} KiB, ${(results.bundle.gzipBytes / 1024).toFixed(1)} KiB gzip ` +
      `(\`wrangler deploy --dry-run\`, measured as wrangler reports it). Largest parts, raw bytes: ` +
      results.bundle.largestParts.map((part) => `${part.origin} ${(part.bytes / 1024).toFixed(1)} KiB`).join(", ") +
      ".",
  );
  if (results.notes.length > 0) parts.push(`## Notes`, results.notes.map((note) => `- ${note}`).join("\n"));
  return parts.join("\n\n") + "\n";
}
