import { originOf } from "../source-origin";
import type { SourceMap } from "./source-map";

/** The parts of a V8 CPU profile (Profiler.stop) the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    hitCount?: number;
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Where CPU time went, as shares of the samples. */
export interface ProfileSummary {
  samples: number;
  /** Microseconds of profile. */
  durationUs: number;
  /** Share of samples the isolate was idle (waiting for I/O or requests). */
  idleShare: number;
  /** Self time by origin: a package under node_modules, a project file, a V8 category. */
  selfByOrigin: Array<{ origin: string; share: number }>;
  /** Functions with the most self time. */
  topSelf: Array<{ fn: string; share: number }>;
  /** Functions with the most time including callees (recursion counted once). */
  topTotal: Array<{ fn: string; share: number }>;
}

type Node = CpuProfile["nodes"][number];

const V8_CATEGORIES = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

function describeNode(node: Node, maps: Map<string, SourceMap>): { fn: string; origin: string } {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  if (V8_CATEGORIES.has(functionName)) return { fn: functionName, origin: functionName };
  const name = functionName === "" ? "(anonymous)" : functionName;
  if (url === "") return { fn: `${name} (native)`, origin: "(native: V8 builtins, runtime APIs)" };
  const module = url.split("/").pop() ?? url;
  const original = maps.get(module)?.lookup(lineNumber, columnNumber) ?? null;
  if (original === null) return { fn: `${name} ${module}:${lineNumber + 1}`, origin: module };
  return { fn: `${name} ${originOf(original.file)}:${original.line}`, origin: originOf(original.file) };
}

function top(counts: Map<string, number>, total: number, limit: number): Array<{ fn: string; share: number }> {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, count]) => ({ fn, share: count / total }));
}

/**
 * Summarizes a CPU profile: self time by origin and by function, and time
 * including callees by function, positions mapped through the bundle's
 * source maps (by module file name) to the original files.
 */
export function summarize(profile: CpuProfile, maps: Map<string, SourceMap>, limit = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const described = new Map(profile.nodes.map((node) => [node.id, describeNode(node, maps)]));
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;

  const selfByOrigin = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { fn, origin } = described.get(node.id)!;
    selfByOrigin.set(origin, (selfByOrigin.get(origin) ?? 0) + hits);
    selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + hits);
  }

  // Inclusive time: walk the tree, adding each node's subtree to its function
  // unless an ancestor already counts the same function (recursion).
  const totalByFn = new Map<string, number>();
  const subtrees = new Map<number, number>();
  const subtree = (node: Node): number => {
    let hits = subtrees.get(node.id);
    if (hits === undefined) {
      hits = (node.hitCount ?? 0) + (node.children ?? []).reduce((sum, id) => sum + subtree(byId.get(id)!), 0);
      subtrees.set(node.id, hits);
    }
    return hits;
  };
  const walk = (node: Node, open: Set<string>) => {
    const { fn } = described.get(node.id)!;
    const counted = !open.has(fn) && !V8_CATEGORIES.has(fn);
    if (counted) totalByFn.set(fn, (totalByFn.get(fn) ?? 0) + subtree(node));
    const inner = counted ? new Set(open).add(fn) : open;
    for (const id of node.children ?? []) walk(byId.get(id)!, inner);
  };
  const root = profile.nodes.find((node) => node.callFrame.functionName === "(root)");
  if (root !== undefined) walk(root, new Set());

  return {
    samples: total,
    durationUs: profile.endTime - profile.startTime,
    idleShare: (selfByOrigin.get("(idle)") ?? 0) / total,
    selfByOrigin: top(selfByOrigin, total, limit).map(({ fn, share }) => ({ origin: fn, share })),
    topSelf: top(selfByFn, total, limit),
    topTotal: top(totalByFn, total, limit),
  };
}
