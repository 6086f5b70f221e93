// Prometheus metrics, with ESO's names where the meaning matches. Labels carry object names, never values.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { onKubeRequest } from "./kube/http/request-events.ts";
import { onFetch, onProviderCall } from "./provider/call-metrics.ts";

export interface OperatorMetrics {
  registry: Registry;
  pushWrites: Counter<"name" | "namespace" | "operation">;
  pushReconcileDuration: Gauge<"name" | "namespace">;
  pushSyncErrors: Counter<"name" | "namespace">;
  syncCalls: Counter<"name" | "namespace">;
  syncErrors: Counter<"name" | "namespace">;
  reconcileDuration: Histogram<"controller" | "outcome">;
  providerCalls: Counter<"provider" | "call" | "status">;
  queueWait: Histogram<"controller" | "priority">;
  fetches: Counter<"result">;
  eventsDropped: Counter<"reason">;
  isolationWorkersLost: Counter<"why" | "lane">;
  /** Rollout restarts (rolloutRestartTargets) by result: restarted, unchanged (already current), missing, failed. */
  rolloutRestarts: Counter<"namespace" | "kind" | "result">;
  /** RefreshReceiver calls by receiver and result (accepted, not-found, too-large, replayed, rate-limited ...); unknown paths count with empty names. */
  receiverCalls: Counter<"namespace" | "name" | "result">;
  /** The operator's apiserver requests (watches apart), client-go's names: latency by verb and resource, count by code too. */
  kubeRequestDuration: Histogram<"verb" | "resource">;
  kubeRequests: Counter<"verb" | "resource" | "code">;
  /** Stops feeding provider-call and apiserver-request events into this registry. */
  close(): void;
}

export function makeMetrics(opts: { defaultMetrics?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const providerCalls = new Counter({
    name: "externalsecret_provider_api_calls_count",
    help: "Requests sent to providers, by provider, call and outcome.",
    labelNames: ["provider", "call", "status"],
    registers: [registry],
  });
  const fetches = new Counter({
    name: "secretsbridge_fetch_total",
    help: "Provider reads requested by reconciles: sent to the provider, shared with an identical in-flight read, or served from cache.",
    labelNames: ["result"],
    registers: [registry],
  });
  const unsubscribe = onProviderCall((provider, call, status) => providerCalls.inc({ provider, call, status }));
  const unsubscribeFetch = onFetch((result) => fetches.inc({ result }));
  const kubeRequestDuration = new Histogram({
    name: "rest_client_request_duration_seconds",
    help: "Apiserver request latency (watches apart), by verb and resource, as client-go names it.",
    labelNames: ["verb", "resource"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const kubeRequests = new Counter({
    name: "rest_client_requests_total",
    help: "Apiserver requests (watches apart), by verb, resource and HTTP code (0: no answer).",
    labelNames: ["verb", "resource", "code"],
    registers: [registry],
  });
  const unsubscribeKube = onKubeRequest(({ verb, resource, code, seconds }) => {
    kubeRequestDuration.observe({ verb, resource }, seconds);
    kubeRequests.inc({ verb, resource, code: String(code) });
  });
  return {
    registry,
    providerCalls,
    fetches,
    kubeRequestDuration,
    kubeRequests,
    queueWait: new Histogram({
      name: "secretsbridge_workqueue_wait_seconds",
      help: "Time a key waited in the work queue before a worker took it, by controller and priority lane.",
      labelNames: ["controller", "priority"],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: "secretsbridge_events_dropped_total",
      help: "Normal Events not written because of --events=warnings or the Normal Event budget, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    isolationWorkersLost: new Counter({
      name: "secretsbridge_isolation_workers_lost_total",
      help: "Isolation workers stopped because a template or SOPS file hit the time or memory limit (or crashed), by why and lane.",
      labelNames: ["why", "lane"],
      registers: [registry],
    }),
    close: () => {
      unsubscribe();
      unsubscribeFetch();
      unsubscribeKube();
    },
    rolloutRestarts: new Counter({
      name: "secretsbridge_rollout_restarts_total",
      help: "Rollout restarts of rolloutRestartTargets workloads, by namespace, kind and result (restarted, unchanged, missing, failed).",
      labelNames: ["namespace", "kind", "result"],
      registers: [registry],
    }),
    receiverCalls: new Counter({
      name: "secretsbridge_receiver_calls_total",
      help: "Webhook calls to RefreshReceivers, by receiver (empty when the path is unknown) and result.",
      labelNames: ["namespace", "name", "result"],
      registers: [registry],
    }),
    pushWrites: new Counter({
      name: "pushsecret_provider_writes_total",
      help: "Provider secrets a PushSecret created or updated (write) or removed (delete); a push that found the provider current writes nothing and counts nothing.",
      labelNames: ["name", "namespace", "operation"],
      registers: [registry],
    }),
    pushReconcileDuration: new Gauge({
      name: "pushsecret_reconcile_duration",
      help: "Duration of each PushSecret's last reconcile, in nanoseconds as ESO reports it (removed when the PushSecret goes).",
      labelNames: ["name", "namespace"],
      registers: [registry],
    }),
    pushSyncErrors: new Counter({ name: "pushsecret_sync_calls_error", help: "PushSecret syncs that failed.", labelNames: ["name", "namespace"], registers: [registry] }),
    syncCalls: new Counter({ name: "externalsecret_sync_calls_total", help: "ExternalSecret syncs (fetches) performed.", labelNames: ["name", "namespace"], registers: [registry] }),
    syncErrors: new Counter({ name: "externalsecret_sync_calls_error", help: "ExternalSecret syncs that failed.", labelNames: ["name", "namespace"], registers: [registry] }),
    reconcileDuration: new Histogram({
      name: "externalsecret_reconcile_duration",
      help: "Reconcile duration in seconds, by controller and outcome.",
      labelNames: ["controller", "outcome"],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}
