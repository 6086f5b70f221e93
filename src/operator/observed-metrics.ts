// Gauges computed at scrape time from what the operator already holds (informer caches, queues, sessions),
// so they cost nothing between scrapes and can never drift from the objects' real status.
import { Gauge, type Registry } from "prom-client";
import { allInformers, type OperatorInformers } from "./informers.ts";
import type { WorkQueue } from "../controller/work-queue.ts";
import type { StoreSessions } from "../provider/sessions.ts";

type WithConditions = { metadata: { name: string; namespace?: string }; status?: { conditions?: Array<{ type: string; status: string }> } };

function setConditions(gauge: Gauge<string>, objects: WithConditions[], namespaced: boolean): void {
  gauge.reset();
  for (const obj of objects) {
    for (const condition of obj.status?.conditions ?? []) {
      for (const status of ["True", "False", "Unknown"]) {
        // Label order as ESO prints them: name, namespace, condition, status.
        const labels: Record<string, string> = namespaced
          ? { name: obj.metadata.name, namespace: obj.metadata.namespace ?? "", condition: condition.type, status }
          : { name: obj.metadata.name, condition: condition.type, status };
        gauge.set(labels, condition.status === status ? 1 : 0);
      }
    }
  }
}

export function registerObservedMetrics(
  registry: Registry,
  informers: OperatorInformers,
  queues: Record<string, WorkQueue>,
  sessions: StoreSessions,
  isLeader: () => boolean,
  rolloutRestartsQueued: () => number = () => 0,
  /** Automatic shards: each replica reports the conditions of the objects it works, so a fleet's sum counts each once. */
  reports: (kind: string, object: WithConditions) => boolean = () => true,
): void {
  new Gauge({
    name: "secretsbridge_rollout_restarts_queued",
    help: "Rollout restarts waiting for their debounce window or their namespace's restart budget.",
    registers: [registry],
    collect() {
      this.set(rolloutRestartsQueued());
    },
  });
  new Gauge({
    name: "secretsbridge_leader",
    help: "1 when this replica holds the leader Lease (or runs without leader election).",
    registers: [registry],
    collect() {
      this.set(isLeader() ? 1 : 0);
    },
  });
  // ESO's <kind>_status_condition gauges, one per kind this configuration watches (metric name: the kind, lower case).
  const conditionKinds: Array<[string, { list(): WithConditions[] } | undefined, boolean]> = [
    ["ExternalSecret", informers.externalSecrets, true],
    ["SecretStore", informers.secretStores, true],
    ["ClusterSecretStore", informers.clusterSecretStores, false],
    ["ClusterExternalSecret", informers.clusterExternalSecrets, false],
    ["ClusterPushSecret", informers.clusterPushSecrets, false],
    ["PushSecret", informers.pushSecrets, true],
  ];
  for (const [kind, informer, namespaced] of conditionKinds) {
    if (!informer) continue;
    new Gauge({
      name: `${kind.toLowerCase()}_status_condition`,
      help: `${kind} conditions (1 for the current status of each condition).`,
      labelNames: namespaced ? ["name", "namespace", "condition", "status"] : ["name", "condition", "status"],
      registers: [registry],
      collect() {
        setConditions(this, informer.list().filter((object) => reports(kind, object)), namespaced);
      },
    });
  }
  new Gauge({
    name: "secretsbridge_workqueue_depth",
    help: "Keys waiting to be reconciled now, by controller.",
    labelNames: ["controller"],
    registers: [registry],
    collect() {
      for (const [controller, queue] of Object.entries(queues)) this.set({ controller }, queue.len());
    },
  });
  new Gauge({
    name: "secretsbridge_workqueue_delayed",
    help: "Keys scheduled for a later refresh or retry, by controller.",
    labelNames: ["controller"],
    registers: [registry],
    collect() {
      for (const [controller, queue] of Object.entries(queues)) this.set({ controller }, queue.waitingDelayed());
    },
  });
  new Gauge({
    name: "secretsbridge_cached_objects",
    help: "Objects held in the operator's watch caches, by informer (Secrets: only those labelled as managed).",
    labelNames: ["informer"],
    registers: [registry],
    collect() {
      for (const [informer, cache] of allInformers(informers)) this.set({ informer }, cache.list().length);
    },
  });
  new Gauge({
    name: "secretsbridge_provider_sessions",
    help: "Open provider sessions (one per store, spec and credentials namespace).",
    registers: [registry],
    collect() {
      this.set(sessions.activeCount());
    },
  });
  new Gauge({
    name: "secretsbridge_provider_sessions_opened",
    help: "Provider sessions opened since start (each is one login for providers that log in).",
    registers: [registry],
    collect() {
      this.set(sessions.openedCount());
    },
  });
}
