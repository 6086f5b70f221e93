// Wires the ClusterExternalSecret controller over the shared fan-out wiring (fan-out-wiring.ts), plus ESO's
// leftover namespace finalizers: a namespace carrying one wakes its ClusterExternalSecret when the namespace is
// being deleted or the ClusterExternalSecret is gone.
import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import type { ClusterExternalSecret } from "../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import { controllingCes } from "../reconcilers/cluster-external-secret/children.ts";
import { esoFinalizerOwners } from "../reconcilers/cluster-external-secret/eso-finalizers.ts";
import { clusterExternalSecretReconciler } from "../reconcilers/cluster-external-secret/reconciler.ts";
import { wireFanOut, type FanOutControllerDeps, type FanOutWiring } from "./fan-out-wiring.ts";
import type { InformerLike } from "./multi-informer.ts";

export type ClusterExternalSecretWiring = FanOutWiring;

export function wireClusterExternalSecrets(deps: {
  informers: { clusterExternalSecrets: InformerLike<ClusterExternalSecret & KubernetesObject>; namespaces: InformerLike<V1Namespace>; externalSecrets: InformerLike<ExternalSecret & KubernetesObject> };
} & FanOutControllerDeps): ClusterExternalSecretWiring {
  const { clusterExternalSecrets, namespaces, externalSecrets } = deps.informers;
  return wireFanOut<ClusterExternalSecret, ExternalSecret>({
    name: "clusterexternalsecret",
    informers: { owners: clusterExternalSecrets, namespaces, children: externalSecrets },
    scope: deps.scope,
    controllerOf: controllingCes,
    reconciler: (cache) =>
      clusterExternalSecretReconciler({
        ...(deps.shard ? { shard: deps.shard } : {}),
        clients: deps.clients,
        events: deps.events,
        log: deps.log,
        cache: { clusterExternalSecret: cache.owner, namespaces: cache.namespaces, externalSecret: cache.child, childrenOf: cache.childrenOf },
      }),
    alsoWake: (now) => esoFinalizerOwners(now?.finalizers).filter((owner) => now?.terminating || !clusterExternalSecrets.get(owner)),
    log: deps.log,
    clock: deps.clock,
    hooks: deps.hooks,
  });
}
