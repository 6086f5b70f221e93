// Wires the ClusterPushSecret controller over the shared fan-out wiring (fan-out-wiring.ts): ClusterPushSecrets,
// the namespace watch, and the PushSecret watch the PushSecret controller also uses.
import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import type { ClusterPushSecret } from "../api/cluster-push-secret.ts";
import type { PushSecret } from "../api/push-secret.ts";
import { controllingCps } from "../reconcilers/cluster-push-secret/children.ts";
import { clusterPushSecretReconciler } from "../reconcilers/cluster-push-secret/reconciler.ts";
import { wireFanOut, type FanOutControllerDeps, type FanOutWiring } from "./fan-out-wiring.ts";
import type { InformerLike } from "./multi-informer.ts";

export function wireClusterPushSecrets(deps: {
  informers: { clusterPushSecrets: InformerLike<ClusterPushSecret & KubernetesObject>; namespaces: InformerLike<V1Namespace>; pushSecrets: InformerLike<PushSecret & KubernetesObject> };
} & FanOutControllerDeps): FanOutWiring {
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
