// W10's view of workloads: watches the benchmark's Deployments and their ReplicaSets (by a label the scenario puts
// on both) and timestamps what happens to each Deployment. The deployment controller makes one ReplicaSet per pod
// template it sees, so ReplicaSets minus one is how many times a Deployment was rolled. Watches, not polls: the
// times are when the event arrived, and a ReplicaSet made and replaced between two polls would still be counted.
import { type V1Deployment, type V1ReplicaSet } from "@kubernetes/client-node";
import { AppsV1Api, type KubeConfig } from "../../../src/kube/http/index.ts";
import { ResilientInformer } from "../../../src/controller/informer.ts";
import { ANNOTATION_SECRETS_HASH } from "../../../src/api/markers.ts";

export class RolloutView {
  /** "namespace/deployment" -> when each of its ReplicaSets was first seen, by ReplicaSet uid. */
  readonly #replicaSets = new Map<string, Map<string, number>>();
  /** "namespace/deployment" -> when each value of the secrets-hash annotation was first seen on its pod template. */
  readonly #hashes = new Map<string, Map<string, number>>();
  readonly #deployments: ResilientInformer<V1Deployment>;
  readonly #rs: ResilientInformer<V1ReplicaSet>;

  constructor(kc: KubeConfig, labelSelector: string) {
    const apps = kc.makeApiClient(AppsV1Api);
    this.#deployments = new ResilientInformer<V1Deployment>({
      name: "bench-deployments",
      kc,
      path: "/apis/apps/v1/deployments",
      labelSelector,
      list: () => apps.listDeploymentForAllNamespaces({ labelSelector }),
    });
    this.#rs = new ResilientInformer<V1ReplicaSet>({
      name: "bench-replicasets",
      kc,
      path: "/apis/apps/v1/replicasets",
      labelSelector,
      list: () => apps.listReplicaSetForAllNamespaces({ labelSelector }),
    });
    const seeDeployment = (d: V1Deployment) => {
      const hash = d.spec?.template.metadata?.annotations?.[ANNOTATION_SECRETS_HASH];
      if (hash !== undefined) firstSeen(this.#hashes, `${d.metadata?.namespace}/${d.metadata?.name}`, hash);
    };
    this.#deployments.onAdd(seeDeployment);
    this.#deployments.onUpdate(seeDeployment);
    const seeReplicaSet = (rs: V1ReplicaSet) => {
      const owner = rs.metadata?.ownerReferences?.find((ref) => ref.kind === "Deployment" && ref.controller);
      if (owner && rs.metadata?.uid) firstSeen(this.#replicaSets, `${rs.metadata.namespace}/${owner.name}`, rs.metadata.uid);
    };
    // Updates too: an owner reference can arrive after the ReplicaSet (adoption). Deletions are ignored on purpose:
    // a ReplicaSet made and then removed was still a rollout.
    this.#rs.onAdd(seeReplicaSet);
    this.#rs.onUpdate(seeReplicaSet);
  }

  async start(): Promise<void> {
    await Promise.all([this.#deployments.start(), this.#rs.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.#deployments.stop(), this.#rs.stop()]);
  }

  /** ReplicaSets seen for the Deployment ("namespace/name") so far. */
  replicaSets(deployment: string): number {
    return this.#replicaSets.get(deployment)?.size ?? 0;
  }

  /** When the Deployment's `n`th ReplicaSet was first seen, if it was. */
  replicaSetSeenAt(deployment: string, n: number): number | undefined {
    return [...(this.#replicaSets.get(deployment)?.values() ?? [])].sort((a, b) => a - b)[n - 1];
  }

  /** When the Deployment's pod template first carried a secrets-hash annotation seen after `since`. */
  patchedAt(deployment: string, since: number): number | undefined {
    return [...(this.#hashes.get(deployment)?.values() ?? [])].filter((at) => at >= since).sort((a, b) => a - b)[0];
  }

  /** Distinct secrets-hash values the Deployment's pod template carried so far. */
  hashes(deployment: string): number {
    return this.#hashes.get(deployment)?.size ?? 0;
  }
}

function firstSeen(map: Map<string, Map<string, number>>, key: string, id: string): void {
  const seen = map.get(key) ?? new Map<string, number>();
  if (!seen.has(id)) seen.set(id, Date.now());
  map.set(key, seen);
}
