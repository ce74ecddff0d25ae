import type { Fleet } from "./fleet";
import type { Contender, PlannedScenario } from "./measure";
import { prepareScenario } from "./preflight";
import type { Scenario } from "./scenarios";

/** Whether the worker at `origin` serves its Upstash backend; the reason when not. */
export async function upstashServes(origin: string): Promise<string | null> {
  const health = (await (await fetch(`${origin}/`)).json()) as { backend?: string; status?: string; error?: string };
  if (health.backend === "upstash" && health.status === "ok") return null;
  return `the worker's Upstash backend does not serve: ${health.error ?? JSON.stringify(health)}`;
}

/**
 * Seeds and checks each scenario on each KV worker and keeps the contenders
 * that can run it: the Map worker, bare Hono and its variant with edge-kv's
 * answer headers (on the scenarios they serve), the
 * floor, and on the Upstash backend the worker under load, the worker one
 * request at a time, and the direct client.
 * Why a backend cannot run a scenario goes into `skipped`.
 */
export async function planScenarios(
  scenarios: Scenario[],
  fleet: Fleet,
  upstashReady: boolean,
  skipped: Map<string, Record<string, string>>,
  log: (line: string) => void,
): Promise<PlannedScenario[]> {
  const plan: PlannedScenario[] = [];
  for (const scenario of scenarios) {
    const contenders: Contender[] = [];
    const reasons: Record<string, string> = {};
    const memory = await prepareScenario(fleet.origins["kv-memory"]!, scenario);
    if (memory.ready) {
      contenders.push("kv-memory");
      if (scenario.onBareHono) {
        // bare Hono serves every route these scenarios use: anything else is a defect of the reference.
        const hono = await prepareScenario(fleet.origins["bare-hono"]!, scenario);
        if (!hono.ready) throw new Error(`bare Hono cannot run ${scenario.id}: ${hono.reason}`);
        contenders.push("bare-hono");
        const withHeaders = fleet.origins["bare-hono-headers"];
        if (withHeaders !== undefined) {
          const headers = await prepareScenario(withHeaders, scenario);
          if (!headers.ready) throw new Error(`bare Hono with headers cannot run ${scenario.id}: ${headers.reason}`);
          contenders.push("bare-hono-headers");
        }
      }
    } else reasons["memory"] = memory.reason;
    if (contenders.length > 0 || upstashReady) contenders.push("floor");
    if (upstashReady) {
      const upstash = await prepareScenario(fleet.origins["kv-upstash"]!, scenario);
      if (upstash.ready) contenders.push("kv-upstash", "kv-upstash-serial", "direct-serial");
      else reasons["upstash"] = upstash.reason;
    }
    skipped.set(scenario.id, reasons);
    if (contenders.some((contender) => contender.startsWith("kv-"))) plan.push({ scenario, contenders });
    else log(`skipping ${scenario.id}: ${Object.values(reasons).join("; ")}`);
  }
  return plan;
}
