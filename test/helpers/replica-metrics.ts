// Reading an in-process replica's own metrics registry (the shard tests run several in one process, each with its own).
import type { OperatorMetrics } from "../../src/metrics.ts";

/** ExternalSecret name -> sync calls this replica made. */
export async function syncs(metrics: OperatorMetrics): Promise<Map<string, number>> {
  return new Map((await metrics.syncCalls.get()).values.map((v) => [String(v.labels.name), v.value]));
}

/** The value of an unlabelled gauge (NaN when absent). */
export async function gauge(metrics: OperatorMetrics, name: string): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString(name);
  return Number(/\s(\S+)\s*$/.exec(text.trim())?.[1] ?? NaN);
}
