// Wires the ClusterPushSecret controller over the shared fan-out wiring (fan-out-wiring.ts): ClusterPushSecrets,
// the namespace watch, and the PushSecret watch the PushSecret controller also uses.
import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { ClusterPushSecret } from "../api/cluster-push-secret.ts";
import type { PushSecret } from "../api/push-secret.ts";
import type { ControllerOptions } from "../controller/controller.ts";
import type { Clock } from "../controller/clock.ts";
import type { KubeClients } from "../kube/clients.ts";
import type { EventRecorder } from "../kube/events.ts";
import { controllingCps } from "../reconcilers/cluster-push-secret/children.ts";
import { clusterPushSecretReconciler } from "../reconcilers/cluster-push-secret/reconciler.ts";
import { wireFanOut, type FanOutWiring } from "./fan-out-wiring.ts";
import type { InformerLike } from "./multi-informer.ts";

export function wireClusterPushSecrets(deps: {
  informers: { clusterPushSecrets: InformerLike<ClusterPushSecret & KubernetesObject>; namespaces: InformerLike<V1Namespace>; pushSecrets: InformerLike<PushSecret & KubernetesObject> };
  /** The namespaces the operator is restricted to (empty: all); PushSecrets go nowhere else. */
  scope: string[];
  clients: KubeClients;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue">;
  /** Manual shards: see ClusterPushSecretReconcilerDeps.shard. */
  shard?: { selector: string; admits(labels: Record<string, string> | undefined): boolean };
}): FanOutWiring {
  const { clusterPushSecrets, namespaces, pushSecrets } = deps.informers;
  return wireFanOut<ClusterPushSecret, PushSecret>({
    name: "clusterpushsecret",
    informers: { owners: clusterPushSecrets, namespaces, children: pushSecrets },
    scope: deps.scope,
    controllerOf: controllingCps,
    reconciler: (cache) =>
      clusterPushSecretReconciler({
        ...(deps.shard ? { shard: deps.shard } : {}),
        clients: deps.clients,
        events: deps.events,
        log: deps.log,
        cache: { clusterPushSecret: cache.owner, namespaces: cache.namespaces, pushSecret: cache.child, childrenOf: cache.childrenOf },
      }),
    log: deps.log,
    clock: deps.clock,
    hooks: deps.hooks,
  });
}
