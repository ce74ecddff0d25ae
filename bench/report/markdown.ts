import type { BackendFigures, Figures } from "../aggregate";
import type { BackupResult } from "../backup/measure-backup";
import { COLD_START_CONTENDERS, type ColdStartFigures, type ColdStartResult } from "../cold-start/measure-cold-start";
import type { BenchResults } from "../results";
import type { TargetVerdict } from "../targets";
import type { FeedLatency, Quantiles } from "../watch/delivery-latency";

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
const kibText = (size: { bytes: number; gzipBytes: number }) =>
  `${(size.bytes / 1024).toFixed(1)} KiB, ${(size.gzipBytes / 1024).toFixed(1)} KiB gzip`;

/** What a reference's figures show in a cell: `pick` of them, or a dash where the reference did not run. */
const shownFrom = (figures: BackendFigures | null) => (pick: (figures: BackendFigures) => string) =>
  figures === null ? "–" : pick(figures);

function mapTable(results: BenchResults): string {
  const rows = results.scenarios.flatMap((scenario) => {
    const { memory, floor, bareHono, bareHonoHeaders } = scenario;
    if (memory === null || floor === null) return [];
    const hono = shownFrom(bareHono);
    const withHeaders = shownFrom(bareHonoHeaders);
    return [
      [
        scenario.title,
        n(floor.requestsPerSecond),
        hono((f) => n(f.requestsPerSecond) + failures(f)),
        n(memory.requestsPerSecond) + failures(memory),
        ratio(memory.ratioToBareHono),
        ratio(memory.ratioToBareHonoHeaders),
        ratio(memory.ratioToFloor),
        hono((f) => ratio(f.ratioToFloor)),
        `${cpu(floor.cpuUsPerResponse)} / ${hono((f) => cpu(f.cpuUsPerResponse))} / ` +
          `${withHeaders((f) => cpu(f.cpuUsPerResponse))} / ${cpu(memory.cpuUsPerResponse)}`,
        ratio(memory.cpuRatioToBareHono ?? undefined),
        ratio(memory.cpuRatioToBareHonoHeaders ?? undefined),
        `${latency(floor)}; ${hono(latency)}; ${latency(memory)}`,
      ],
    ];
  });
  return table(
    [
      "scenario",
      "floor req/s",
      "bare Hono req/s",
      "Map req/s",
      "Map ÷ bare Hono",
      "Map ÷ bare Hono + headers",
      "Map ÷ floor",
      "bare Hono ÷ floor",
      "workerd CPU µs/req: floor / bare Hono / + headers / Map",
      "CPU: bare Hono ÷ Map",
      "CPU: bare Hono + headers ÷ Map",
      "p50 / p99 ms: floor; bare Hono; Map",
    ],
    rows,
  );
}

const millis = (value: number | null) => (value === null ? "–" : value < 10 ? value.toFixed(2) : value.toFixed(1));

function coldStartSection(cold: ColdStartResult): string {
  const { figures } = cold;
  const columns = COLD_START_CONTENDERS.map((contender) => figures[contender]);
  const line = (label: string, pick: (f: ColdStartFigures) => number | null) => [
    label,
    ...columns.map((f) => millis(pick(f))),
    ratio(ratioOf(pick(figures["kv-memory"]), pick(figures["bare-hono"]))),
  ];
  const rows = [
    line("workerd start → listening", (f) => f.toListenMs),
    line("**workerd start → first 200**", (f) => f.toFirstResponseMs),
    line(`workerd start → first 200, fastest of ${cold.repetitions}`, (f) => f.fastestToFirstResponseMs),
    line("workerd CPU time to first 200", (f) => f.workerdCpuMs),
    line("isolate built (`Server::makeWorker`)", (f) => f.makeWorkerMs),
    line("of which bundle compiled (`compileModules`)", (f) => f.compileMs),
    line("of which top-level evaluation", (f) => f.evaluateMs),
    line("first request's handler", (f) => f.firstRequestMs),
  ];
  const text = table(["ms, median", "floor", "bare Hono", "edge-kv (Map)", "edge-kv ÷ bare Hono"], rows);
  return (
    `Each worker alone in a new \`workerd serve\` process (the throughput runs' binary and config, one worker), ` +
    `started in turn, ${cold.repetitions} times each, the order reversed every other time, before anything else ` +
    `of the bench runs. The first request is \`${cold.request}\` with the bench's token, answered 200 by all three. ` +
    `Times run from spawning workerd; its CPU time (all threads, /proc) is read when the first response is in. ` +
    `The phases come from workerd's own trace spans (\`--perfetto-trace=FILE=workerd\`, µs resolution): ` +
    `\`Server::makeWorker\` creates the isolate, compiles the bundle (\`compileModules\`), evaluates the main ` +
    `module's top level (the stretch between the script's and the worker's \`compileGlobals\`; a module that ` +
    `spins 150 ms at top level shows 150 ms there) and binds the env; the first request's handler is its ` +
    `\`ServiceWorkerGlobalScope::request\`, which also pays for whatever the module left to first use. ` +
    `Medians per row; the ratio column divides the medians, except the target's (per start, then the median: ` +
    `${ratio(cold.kvOverBareHono)}). Other work on a shared machine only ever adds wall time: the CPU row and the ` +
    `fastest start move least with it.\n\n${text}`
  );
}

function ratioOf(a: number | null, b: number | null): number | undefined {
  return a === null || b === null || b === 0 ? undefined : a / b;
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
    String(call.status) + (call.replayed ? " (replayed)" : ""),
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
    "retried as EVAL (once per script per Redis). Every write route is also sent with an `Idempotency-Key` of its " +
    "own, and retried with it (the same request again: answered from the stored outcome, `Idempotent-Replayed: true`). " +
    "What a watch costs is in the change feed section.\n\n";
  return intro + text + unprobed;
}

const signedMs = (value: number) => (Number.isNaN(value) ? "–" : ms(value));
const spread = (q: Quantiles) => `${signedMs(q.p50Ms)} / ${signedMs(q.p99Ms)} / ${signedMs(q.maxMs)}`;

function changeFeedSection(results: BenchResults): string | null {
  const feed = results.changeFeed;
  if (feed === null) return null;
  const feeds = [feed.memory, feed.upstash].filter((f): f is FeedLatency => f !== null);
  const backendOf = (f: FeedLatency) =>
    f.backend === "memory" ? "Map (in-isolate)" : `Upstash (KV_WATCH_POLL_MS=${f.pollMs}, the default)`;
  const rows = feeds.map((f) => [
    backendOf(f),
    `${n(f.delivered)} of ${n(f.writes)}` +
      (f.repeated + f.outOfOrder > 0 ? ` ⚠ ${f.repeated} repeated, ${f.outOfOrder} out of order` : ""),
    `**${signedMs(f.ackToEvent.p50Ms)} / ${signedMs(f.ackToEvent.p99Ms)}** / ${signedMs(f.ackToEvent.maxMs)}`,
    String(f.eventsBeforeAck),
    spread(f.sentToEvent),
    spread(f.write),
    String(f.reconnects),
    `${f.seconds} s`,
  ]);
  const text = table(
    [
      "backend",
      "events received",
      "write acknowledged → event, ms: p50 / p99 / max",
      "events before the write's answer",
      "write sent → event, ms: p50 / p99 / max",
      "write sent → answer, ms: p50 / p99 / max",
      "resumed streams",
      "time",
    ],
    rows,
  );
  const idle = feed.upstash?.idlePollsPerSecond;
  return (
    `One watcher (\`GET /v1/watch?prefix=…\` from the revision before the first write, a real HTTP connection to ` +
    `the worker under plain workerd, read by Node as it arrives) and ${n(results.settings.watchWrites)} ` +
    "`PUT /v1/kv/{key}` under its prefix, started at random intervals (they may overlap; about ten per poll " +
    "interval on Upstash) so that writes fall anywhere in the poll cycle. Each write is matched with its event by " +
    "key. Latency runs from reading the write's answer to reading its event; a negative figure is an event that " +
    "came before the write's answer. The Map backend wakes the watch from the write itself; Upstash's watch reads " +
    `the log every KV_WATCH_POLL_MS (wrangler.toml's ${results.settings.watchPollMs} ms, the default), so its ` +
    "latency is mostly where the write falls in that interval. The Upstash worker is the counted one (a proxy in " +
    "front of the bridge, well under a millisecond per request)" +
    (idle === undefined
      ? "."
      : `: with the watch open and no writes, it made ${idle} requests to Upstash per second (one per poll), ` +
        "each a read of the change log.") +
    `\n\n${text}`
  );
}

function backupSection(backup: BackupResult): string {
  const rows = backup.runs.map((run) => [
    run.backend === "memory" ? "Map" : "Upstash (bridge)",
    n(run.keys),
    (run.bytes / 2 ** 20).toFixed(1),
    `${n(run.importKeysPerSecond)} (${run.importRequests} request${run.importRequests === 1 ? "" : "s"})`,
    n(run.exportKeysPerSecond),
    `${run.residentAtStartMiB} / ${run.exports[0]?.residentBeforeMiB ?? "–"} / ${run.exportPeakMiB}`,
    `+${run.firstExportGrowthMiB}`,
    `+${run.laterExportGrowthMiB} (+${run.laterExportGrowthHighestMiB})`,
  ]);
  const text = table(
    [
      "backend",
      "keys",
      "NDJSON MiB",
      "import keys/s",
      "export keys/s (median)",
      "workerd RSS MiB: started / before the first export / peak",
      "peak growth, first export",
      "peak growth, later exports: median (highest)",
    ],
    rows,
  );
  return (
    "Each backend and key count in a new `workerd serve` with edge-kv alone (as deployed; Map backend, or Upstash " +
    "through the bridge): the keys (a value of about 80 bytes each) imported with `POST /v1/import` in requests of " +
    `at most ${(backup.importRequestBytes / 2 ** 20).toFixed(0)} MiB, one after the other, then exported with ` +
    `\`GET /v1/export?prefix=…\` ${backup.exportsPerRun} times, read as fast as Node takes it, every line counted. ` +
    "Memory is workerd's resident set: the kernel's high-water mark (`VmHWM`, reset through `clear_refs` before " +
    "each export, with 5 ms samples of `VmRSS` beside it), against `VmRSS` just before the export. On the Map " +
    "backend the keys themselves live in the isolate, hence the larger RSS before the export. The first export " +
    "after an import also pays for the V8 heap growing to its working size (garbage not collected yet); the " +
    "later exports show what an export itself holds, their median compared: one of them may step up once while V8 " +
    "grows its heap, and the ones after it do not (seen at 20,000 keys on Upstash: +14.2 MiB on the third of eight " +
    "exports, under 1 MiB on each of the five after it), which a per-export hold would not do.\n\n" +
    text
  );
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
      `${settings.durationSeconds} s per run, ${settings.connections} connections, worker, bare Hono (plain and with headers) and floor alternating; ` +
      `${settings.coldStartRepetitions} cold starts per worker.`,
    `## Targets`,
    targetLines(results.targets),
    `## Map backend against bare Hono and the floor`,
    `The floor is a worker that reads the body and answers a constant small JSON. Bare Hono ` +
      `(\`bench/bare-hono-worker.ts\`) is a plain Hono app with an in-isolate Map serving the four routes with the ` +
      `statuses and bodies edge-kv answers, without auth, validation, limits, security headers, request ids or logs; ` +
      `it is bundled by \`wrangler deploy --dry-run\` as edge-kv is, with edge-kv's \`minify\` and \`keep_names\` ` +
      `(bare Hono ${kibText(results.bareHonoBundle)}). ` +
      `"Bare Hono + headers" (\`bench/bare-hono-headers-worker.ts\`) is the same app giving every answer edge-kv's ` +
      `answer headers as well (the seven security headers and a fresh X-Request-Id, copied from a Headers object ` +
      `made once, as edge-kv makes its answers): ` +
      `Map ÷ it is what edge-kv costs beyond the headers it must send. ` +
      `All four are sent the same requests (bearer token included) by the same load generator, in the same workerd ` +
      `process, one after the other, the order reversed every other round. ` +
      `Ratios are per round, then the median. "workerd CPU µs/req" is the CPU time workerd used per response during the run ` +
      `(all its threads, from /proc): a shared machine moves it much less than req/s, and bare Hono ÷ Map is the ` +
      `throughput ratio a quiet machine would show while workerd is the bottleneck.`,
    mapTable(results),
  ];
  if (results.coldStart !== null) parts.push(`## Cold start`, coldStartSection(results.coldStart));
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
  const changeFeed = changeFeedSection(results);
  if (changeFeed !== null) parts.push(`## Change feed delivery latency`, changeFeed);
  if (results.backup !== null) parts.push(`## Export and import`, backupSection(results.backup));
  parts.push(
    `## Bundle`,
    `${kibText(results.bundle)} (\`wrangler deploy --dry-run\`, measured as wrangler reports it). Largest parts, raw bytes: ` +
      results.bundle.largestParts.map((part) => `${part.origin} ${(part.bytes / 1024).toFixed(1)} KiB`).join(", ") +
      ".",
  );
  if (results.notes.length > 0) parts.push(`## Notes`, results.notes.map((note) => `- ${note}`).join("\n"));
  return parts.join("\n\n") + "\n";
}
