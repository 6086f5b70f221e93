// Prometheus metrics, with ESO's names where the meaning matches. Labels carry object names, never values.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface OperatorMetrics {
  registry: Registry;
  syncCalls: Counter<"name" | "namespace">;
  syncErrors: Counter<"name" | "namespace">;
  reconcileDuration: Histogram<"controller" | "outcome">;
  queueDepth: Gauge<"controller">;
  providerSessions: Gauge;
}

export function makeMetrics(opts: { defaultMetrics?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    syncCalls: new Counter({ name: "externalsecret_sync_calls_total", help: "ExternalSecret syncs (fetches) performed.", labelNames: ["name", "namespace"], registers: [registry] }),
    syncErrors: new Counter({ name: "externalsecret_sync_calls_error", help: "ExternalSecret syncs that failed.", labelNames: ["name", "namespace"], registers: [registry] }),
    reconcileDuration: new Histogram({
      name: "externalsecret_reconcile_duration",
      help: "Reconcile duration in seconds, by controller and outcome.",
      labelNames: ["controller", "outcome"],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: "secretsbridge_workqueue_depth", help: "Keys waiting in the work queue.", labelNames: ["controller"], registers: [registry] }),
    providerSessions: new Gauge({ name: "secretsbridge_provider_sessions", help: "Open provider sessions.", registers: [registry] }),
  };
}
