// `npm run bench`: throughput against the runtime's floor and a bare Hono app,
// cold start, round trips to Upstash, change feed latency, export and import,
// bundle size. README.md ("Performance") says what it measures.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { aggregateScenario, type ScenarioResult } from "./aggregate";
import { BACKUP_SIZES, type BackupResult, measureBackup } from "./backup/measure-backup";
import { buildAsDeployed, buildBareHono } from "./build";
import { bundleSize } from "./bundle-size";
import { type ColdStartResult, measureColdStart } from "./cold-start/measure-cold-start";
import { startFleet } from "./fleet";
import { describeMachine } from "./machine";
import { contenderRunner, measureInRounds } from "./measure";
import { parseOptions } from "./options";
import { planScenarios, upstashServes } from "./plan";
import { profileScenarios } from "./profile/run-profile";
import { renderMarkdown } from "./report/markdown";
import type { BenchResults } from "./results";
import { countRoundTrips, type RoundTripResult } from "./round-trips";
import { allScenarios } from "./scenarios";
import { judgeTargets } from "./targets";
import { directRunner } from "./upstash/direct-runner";
import { startUpstashStack, type UpstashStack } from "./upstash/stack";
import { type ChangeFeedResult, measureChangeFeed } from "./watch/delivery-latency";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const started = Date.now();
const log = (line: string) => console.log(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv, join(ROOT, "bench", "results"));
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
  const machine = describeMachine();
  const selected = (id: string) => options.only.length === 0 || options.only.some((part) => id.includes(part));
  const notes: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), "edge-kv-bench-"));
  const stops: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  try {
    log("building the worker as deployed (wrangler deploy --dry-run)");
    const build = await buildAsDeployed(ROOT, join(dir, "worker"));
    const bundle = await bundleSize(build.outdir, build.modules, build.metafilePath);
    log("building the bare Hono reference the same way");
    const bareHono = await buildBareHono(ROOT, join(dir, "bare-hono"), build);
    const bareHonoBundle = await bundleSize(bareHono.outdir, bareHono.modules, bareHono.metafilePath);
    const bareHonoHeaders = await buildBareHono(ROOT, join(dir, "bare-hono-headers"), build, "headers");
    const builds = { kv: build, bareHono, bareHonoHeaders };

    // Before anything else runs, so that no other workerd or bridge shares the machine.
    let coldStart: ColdStartResult | null = null;
    if (options.profile.length === 0 && selected("cold-start")) {
      log(`cold start: ${options.coldStartRepetitions} new workerd processes per contender`);
      coldStart = await measureColdStart({
        dir: join(dir, "cold-start"),
        builds,
        repetitions: options.coldStartRepetitions,
        log,
      });
    }

    let upstash: UpstashStack | null = null;
    try {
      const stack = await startUpstashStack();
      stops.push(() => stack.stop());
      upstash = stack;
    } catch (error) {
      notes.push(`Upstash backend not measured: ${(error as Error).message.split("\n")[0]}`);
    }
    const fleet = await startFleet({
      dir,
      builds,
      upstash: upstash && { token: upstash.token, bridgeUrl: upstash.bridgeUrl, countingUrl: upstash.proxy.url },
      inspector: options.profile.length > 0,
    });
    stops.push(() => fleet.stop());
    log(`workerd ${machine.workerd} serving ${Object.keys(fleet.origins).join(", ")}`);
    if (upstash !== null) {
      const reason = await upstashServes(fleet.origins["kv-upstash"]!);
      if (reason !== null) {
        notes.push(`Upstash backend not measured: ${reason}`);
        upstash = null;
      }
    }

    const scenarios = allScenarios(fleet.tokens.write).filter((scenario) => selected(scenario.id));
    if (options.profile.length > 0) {
      await profileScenarios({
        fleet,
        build,
        scenarios,
        ids: options.profile,
        seconds: Math.max(options.durationSeconds, 3),
        connections: options.connections,
        log,
      });
      return;
    }

    const skipped = new Map<string, Record<string, string>>();
    const plan = await planScenarios(scenarios, fleet, upstash !== null, skipped, log);
    log(`seeded and checked ${plan.length} scenarios`);
    const direct = upstash === null ? null : await directRunner({ stack: upstash, fleet, plan });
    if (direct !== null) log("recorded the Upstash calls to replay with the direct client");
    const samples = await measureInRounds({
      plan,
      rounds: options.rounds,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      run: contenderRunner({
        origins: fleet.origins,
        workerdPid: fleet.workerd.pid,
        connections: options.connections,
        direct,
      }),
      log,
    });
    const results: ScenarioResult[] = plan.map(({ scenario }) =>
      aggregateScenario(scenario, samples.get(scenario.id)!, skipped.get(scenario.id)!),
    );
    for (const [id, reasons] of skipped) {
      for (const [backend, reason] of Object.entries(reasons))
        notes.push(`${id} on ${backend}: not measured (${reason})`);
    }

    let roundTrips: RoundTripResult | null = null;
    if (upstash !== null && selected("round-trips")) {
      log("counting round trips to Upstash per API call");
      const stack = upstash;
      roundTrips = await countRoundTrips({
        origin: fleet.origins["kv-upstash-counted"]!,
        writeToken: fleet.tokens.write,
        adminToken: fleet.tokens.admin,
        takeCalls: () => stack.proxy.take(),
        readCommandStats: () => stack.commandStats(),
      });
    }

    const watchPollMs = Number(build.vars.KV_WATCH_POLL_MS || 500);
    let changeFeed: ChangeFeedResult | null = null;
    if (selected("watch")) {
      log(`change feed: ${options.watchWrites} watched writes per backend`);
      const stack = upstash;
      changeFeed = await measureChangeFeed({
        memoryOrigin: fleet.origins["kv-memory"]!,
        upstash:
          stack === null
            ? null
            : {
                origin: fleet.origins["kv-upstash-counted"]!,
                takeCalls: () => stack.proxy.take(),
                pollMs: watchPollMs,
              },
        token: fleet.tokens.write,
        writes: options.watchWrites,
        idleSeconds: options.quick ? 1 : 2,
      });
      for (const feed of [changeFeed.memory, changeFeed.upstash]) {
        if (feed === null) continue;
        log(
          `change feed ${feed.backend}: ${feed.delivered}/${feed.writes} delivered, ack → event p50 ` +
            `${feed.ackToEvent.p50Ms} ms, p99 ${feed.ackToEvent.p99Ms} ms`,
        );
      }
    }

    let backup: BackupResult | null = null;
    if (selected("backup")) {
      log("export and import: each backend and key count in a workerd of its own");
      backup = await measureBackup({
        dir: join(dir, "backup"),
        builds,
        sizes: {
          memory: BACKUP_SIZES.memory[options.quick ? "quick" : "full"],
          upstash: BACKUP_SIZES.upstash[options.quick ? "quick" : "full"],
        },
        exportsPerRun: options.backupExports,
        upstash: upstash === null ? null : { bridgeUrl: upstash.bridgeUrl, token: upstash.token },
        log,
      });
    }

    const report: BenchResults = {
      generatedAt: new Date().toISOString(),
      command,
      machine,
      settings: {
        rounds: options.rounds,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        connections: options.connections,
        coldStartRepetitions: options.coldStartRepetitions,
        watchWrites: options.watchWrites,
        watchPollMs,
        backupExports: options.backupExports,
      },
      bundle,
      bareHonoBundle,
      scenarios: results,
      coldStart,
      roundTrips,
      changeFeed,
      backup,
      targets: judgeTargets({
        scenarios: results,
        bareHonoTargetIds: new Set(plan.filter((p) => p.scenario.bareHonoTarget).map((p) => p.scenario.id)),
        roundTrips,
        bundle,
        upstashMeasured: upstash !== null,
        coldStart,
        backup,
      }),
      notes,
    };
    const markdown = renderMarkdown(report);
    if (options.resultsDir !== null) {
      await mkdir(options.resultsDir, { recursive: true });
      await writeFile(join(options.resultsDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
      await writeFile(join(options.resultsDir, "latest.md"), markdown);
      log(`wrote ${join(options.resultsDir, "latest.json")} and latest.md`);
    }
    console.log(`\n${markdown}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
    log("done");
  }
}

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));
await main();
