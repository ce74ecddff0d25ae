import type { TraceSlice } from "./perfetto";

/** Where a new isolate's start-up went, from workerd's trace spans (ms; null when the trace lacks the span). */
export interface StartupPhases {
  /** `Server::makeWorker()`: the isolate created, the modules compiled, the main module evaluated, the env bound. */
  makeWorkerMs: number | null;
  /** `WorkerdApi::compileModules()`: the bundle parsed and compiled by V8. */
  compileMs: number | null;
  /**
   * The main module's top-level evaluation: inside makeWorker, between the end
   * of the script's `compileGlobals()` and the start of the worker's own
   * `compileGlobals()` that binds the env (the one span-free stretch after
   * compiling; a module that spins 150 ms at top level shows 150 ms here).
   */
  evaluateMs: number | null;
  /** The first request's `ServiceWorkerGlobalScope::request()`: the handler's first, unoptimized run. */
  firstRequestMs: number | null;
}

const MS = 1e6;
const ms = (ns: number) => ns / MS;

/** Reads the start-up phases of the one worker a workerd process served. */
export function startupPhases(slices: readonly TraceSlice[]): StartupPhases {
  const named = (name: string) => slices.filter((slice) => slice.name === name).sort((a, b) => a.startNs - b.startNs);
  const makeWorker = named("Server::makeWorker()")[0];
  const firstRequest = named("ServiceWorkerGlobalScope::request()")[0];
  if (makeWorker === undefined) return { makeWorkerMs: null, compileMs: null, evaluateMs: null, firstRequestMs: null };
  const end = makeWorker.startNs + makeWorker.durationNs;
  const inside = (name: string) =>
    named(name).filter(
      (slice) =>
        slice.sequence === makeWorker.sequence &&
        slice.depth === makeWorker.depth + 1 &&
        slice.startNs >= makeWorker.startNs &&
        slice.startNs <= end,
    );
  const compile = inside("WorkerdApi::compileModules()")[0];
  const [scriptGlobals, workerGlobals] = inside("WorkerdApi::compileGlobals()");
  return {
    makeWorkerMs: ms(makeWorker.durationNs),
    compileMs: compile === undefined ? null : ms(compile.durationNs),
    evaluateMs:
      scriptGlobals === undefined || workerGlobals === undefined
        ? null
        : ms(workerGlobals.startNs - (scriptGlobals.startNs + scriptGlobals.durationNs)),
    firstRequestMs: firstRequest === undefined ? null : ms(firstRequest.durationNs),
  };
}
