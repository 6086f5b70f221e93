// Reads and patches the pod-template annotation of Deployments, StatefulSets and DaemonSets (rollout restarts).
import { AppsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from "@kubernetes/client-node";
import { isNotFound } from "./errors.ts";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

/** Contract: `annotation` returns null for a workload that does not exist; both throw the client's ApiException otherwise. */
export interface WorkloadAnnotations {
  annotation(kind: WorkloadKind, namespace: string, name: string, key: string): Promise<{ value: string | undefined; uid: string | undefined } | null>;
  /** A JSON merge patch of spec.template.metadata.annotations[key]: the controller rolls the workload (a paused Deployment waits). */
  setAnnotation(kind: WorkloadKind, namespace: string, name: string, key: string, value: string): Promise<void>;
}

export function workloadAnnotations(kc: KubeConfig): WorkloadAnnotations {
  const apps = kc.makeApiClient(AppsV1Api);
  const read = (kind: WorkloadKind, namespace: string, name: string) => {
    if (kind === "Deployment") return apps.readNamespacedDeployment({ name, namespace });
    if (kind === "StatefulSet") return apps.readNamespacedStatefulSet({ name, namespace });
    return apps.readNamespacedDaemonSet({ name, namespace });
  };
  return {
    async annotation(kind, namespace, name, key) {
      try {
        const workload = await read(kind, namespace, name);
        return { value: workload.spec?.template.metadata?.annotations?.[key], uid: workload.metadata?.uid };
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async setAnnotation(kind, namespace, name, key, value) {
      const body = { spec: { template: { metadata: { annotations: { [key]: value } } } } };
      const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
      if (kind === "Deployment") await apps.patchNamespacedDeployment({ name, namespace, body }, options);
      else if (kind === "StatefulSet") await apps.patchNamespacedStatefulSet({ name, namespace, body }, options);
      else await apps.patchNamespacedDaemonSet({ name, namespace, body }, options);
    },
  };
}
