import type { ScenarioResult } from "./aggregate";
import type { BundleSize } from "./bundle-size";
import type { ColdStartResult } from "./cold-start/measure-cold-start";
import type { MachineInfo } from "./machine";
import type { RoundTripResult } from "./round-trips";
import type { TargetVerdict } from "./targets";

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
  };
  bundle: BundleSize;
  /** The bare Hono reference, bundled the same way. */
  bareHonoBundle: BundleSize;
  scenarios: ScenarioResult[];
  /** Null when the run did not measure it (see notes). */
  coldStart: ColdStartResult | null;
  roundTrips: RoundTripResult | null;
  targets: TargetVerdict[];
  /** What did not run, and why. */
  notes: string[];
}
