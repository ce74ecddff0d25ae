import { parseArgs } from "node:util";

/** How a bench run is shaped. */
export interface BenchOptions {
  quick: boolean;
  /** Seconds of each measured load run. */
  durationSeconds: number;
  /** Seconds of the unrecorded warm-up run per scenario and worker. */
  warmupSeconds: number;
  rounds: number;
  connections: number;
  /** New workerd processes started per contender for the cold start figures. */
  coldStartRepetitions: number;
  /** Writes per backend whose change-feed events are timed. */
  watchWrites: number;
  /** Exports per backup run (the first one is set apart). */
  backupExports: number;
  /**
   * Only the scenarios and parts whose id contains one of these (all when
   * empty). Parts: cold-start, round-trips, watch, backup.
   */
  only: string[];
  /** Scenario ids to CPU-profile on the Map backend instead of benchmarking. */
  profile: string[];
  /** Where latest.json and latest.md go; null to write nothing. */
  resultsDir: string | null;
}

const USAGE = `npm run bench -- [--quick] [--rounds N] [--duration S] [--cold-starts N] [--only ID] [--profile ID] [--no-write]

  --quick          2 rounds of 0.5 s runs, 10 cold starts, 50 watched writes, backups of a tenth the keys: about 3 minutes
  --rounds N       measured rounds (default 3; quick 2)
  --duration S     seconds per load run (default 2; quick 0.5)
  --cold-starts N  new workerd processes per contender for cold start (default 30; quick 10)
  --only ID        only the scenarios and parts whose id contains ID (repeatable), e.g. --only compat.get;
                   parts: cold-start, round-trips, watch (change feed latency), backup (export and import)
  --profile ID     CPU-profile scenario ID on the Map backend (then bare Hono, the floor) through workerd's inspector
  --no-write       print results without writing bench/results/latest.{json,md}`;

/** Parses the command line of `npm run bench`. */
export function parseOptions(argv: string[], defaultResultsDir: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      duration: { type: "string" },
      "cold-starts": { type: "string" },
      only: { type: "string", multiple: true, default: [] },
      profile: { type: "string", multiple: true, default: [] },
      "no-write": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const positive = (text: string | undefined, fallback: number, name: string) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!(value > 0)) throw new Error(`--${name} must be a positive number, got '${text}'\n${USAGE}`);
    return value;
  };
  return {
    quick,
    durationSeconds: positive(values.duration, quick ? 0.5 : 2, "duration"),
    warmupSeconds: quick ? 0.2 : 1,
    rounds: Math.round(positive(values.rounds, quick ? 2 : 3, "rounds")),
    connections: 50,
    coldStartRepetitions: Math.round(positive(values["cold-starts"], quick ? 10 : 30, "cold-starts")),
    watchWrites: quick ? 50 : 200,
    backupExports: quick ? 3 : 5,
    only: values.only,
    profile: values.profile,
    resultsDir: values["no-write"] ? null : defaultResultsDir,
  };
}
