// Workload helpers for the rollout-restart tests on the bench, whose kube-controller-manager turns each
// pod-template change of a Deployment into a ReplicaSet (pods stay Pending: the bench has no nodes).
import { AppsV1Api } from "@kubernetes/client-node";
import { kubeConfig } from "./bench.ts";

export const appsApi = (): AppsV1Api => kubeConfig().makeApiClient(AppsV1Api);

/** ReplicaSets the deployment controller made for the Deployment (owned by it): one per pod template it has seen. */
export async function countReplicaSets(namespace: string, name: string): Promise<number> {
  const apps = appsApi();
  const uid = (await apps.readNamespacedDeployment({ name, namespace })).metadata!.uid;
  const list = await apps.listNamespacedReplicaSet({ namespace });
  return list.items.filter((rs) => rs.metadata?.ownerReferences?.some((ref) => ref.uid === uid)).length;
}
