import type { ScenarioResult } from "./aggregate";
import type { BackupResult } from "./backup/measure-backup";
import type { BundleSize } from "./bundle-size";
import type { ColdStartResult } from "./cold-start/measure-cold-start";
import type { MachineInfo } from "./machine";
import type { RoundTripResult } from "./round-trips";
import type { TargetVerdict } from "./targets";
import type { ChangeFeedResult } from "./watch/delivery-latency";

/** Everything one `npm run bench` measured: the shape of bench/results/latest.json. */
export interface BenchResults {
  generatedAt: string;
  /** The command that produced these results. */
  command: string;
  machine: MachineInfo;
  settings: {
    rounds: number;
    durationSeconds: number;
    warmupSeconds: number;
    connections: number;
    coldStartRepetitions: number;
    /** Writes per backend whose change-feed events are timed. */
    watchWrites: number;
    /** KV_WATCH_POLL_MS of the Upstash worker (wrangler.toml's value). */
    watchPollMs: number;
    /** Exports per backup run. */
    backupExports: number;
  };
  bundle: BundleSize;
  /** The bare Hono reference, bundled the same way. */
  bareHonoBundle: BundleSize;
  scenarios: ScenarioResult[];
  /** Null when the run did not measure it (see notes). */
  coldStart: ColdStartResult | null;
  roundTrips: RoundTripResult | null;
  /** Change feed delivery latency (issue 15); null when not measured. */
  changeFeed: ChangeFeedResult | null;
  /** Export memory and speed, import speed (issue 13); null when not measured. */
  backup: BackupResult | null;
  targets: TargetVerdict[];
  /** What did not run, and why. */
  notes: string[];
}
