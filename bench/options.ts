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
  /** Only scenarios whose id contains one of these (all when empty). */
  only: string[];
  /** Scenario ids to CPU-profile on the Map backend instead of benchmarking. */
  profile: string[];
  /** Where latest.json and latest.md go; null to write nothing. */
  resultsDir: string | null;
}

const USAGE = `npm run bench -- [--quick] [--rounds N] [--duration S] [--only ID] [--profile ID] [--no-write]

  --quick        2 rounds of 0.6 s runs: finishes within 2 minutes
  --rounds N     measured rounds (default 3; quick 2)
  --duration S   seconds per load run (default 2; quick 0.6)
  --only ID      only scenarios whose id contains ID (repeatable), e.g. --only compat.get
  --profile ID   CPU-profile scenario ID on the Map backend through workerd's inspector
  --no-write     print results without writing bench/results/latest.{json,md}`;

/** Parses the command line of `npm run bench`. */
export function parseOptions(argv: string[], defaultResultsDir: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      duration: { type: "string" },
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
    durationSeconds: positive(values.duration, quick ? 0.6 : 2, "duration"),
    warmupSeconds: quick ? 0.2 : 1,
    rounds: Math.round(positive(values.rounds, quick ? 2 : 3, "rounds")),
    connections: 50,
    only: values.only,
    profile: values.profile,
    resultsDir: values["no-write"] ? null : defaultResultsDir,
  };
}
