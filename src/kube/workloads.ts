// Reads Deployments, StatefulSets and DaemonSets (one, or all of a namespace) and patches their pod-template
// annotation: what rollout restarts need. A read keeps only what the restarter looks at (annotations and the pod
// spec), so a namespace listed after a rotation does not keep whole objects alive.
import type { V1PodSpec, V1PodTemplateSpec } from "@kubernetes/client-node";
import { AppsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from "./http/index.ts";
import { isNotFound } from "./errors.ts";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ["Deployment", "StatefulSet", "DaemonSet"];

/** What the restarter reads of a workload. */
export interface Workload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid: string | undefined;
  /** metadata.annotations */
  annotations: Record<string, string>;
  /** spec.template.metadata.annotations */
  templateAnnotations: Record<string, string>;
  podSpec: V1PodSpec | undefined;
}

/** Contract: `get` returns null for a workload that does not exist; all throw the client's ApiException otherwise. */
export interface WorkloadApi {
  get(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | null>;
  /**
   * The Deployments, StatefulSets and DaemonSets of the namespace (of all namespaces when undefined) that `keep`
   * admits, read a page at a time so the others are never all held at once.
   */
  list(namespace: string | undefined, keep: (workload: Workload) => boolean): Promise<Workload[]>;
  /**
   * One JSON merge patch: the pod-template annotations (the controller rolls the workload; a paused Deployment
   * waits) and the workload's own annotations (no rollout). A null value removes the annotation.
   */
  annotate(kind: WorkloadKind, namespace: string, name: string, patch: { template: Record<string, string>; metadata: Record<string, string | null> }): Promise<void>;
}

interface AppsObject {
  metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  spec?: { template: V1PodTemplateSpec };
}

const PAGE = 250;

const summary = (kind: WorkloadKind, object: AppsObject, namespace: string): Workload => ({
  kind,
  namespace: object.metadata?.namespace ?? namespace,
  name: object.metadata?.name ?? "",
  uid: object.metadata?.uid,
  annotations: object.metadata?.annotations ?? {},
  templateAnnotations: object.spec?.template.metadata?.annotations ?? {},
  podSpec: object.spec?.template.spec,
});

export function workloadApi(kc: KubeConfig): WorkloadApi {
  const apps = kc.makeApiClient(AppsV1Api);
  const read = (kind: WorkloadKind, namespace: string, name: string): Promise<AppsObject> => {
    if (kind === "Deployment") return apps.readNamespacedDeployment({ name, namespace });
    if (kind === "StatefulSet") return apps.readNamespacedStatefulSet({ name, namespace });
    return apps.readNamespacedDaemonSet({ name, namespace });
  };
  const page = (kind: WorkloadKind, namespace: string | undefined, _continue: string | undefined): Promise<{ items: AppsObject[]; metadata?: { _continue?: string } }> => {
    if (namespace === undefined) {
      const request = { limit: PAGE, _continue };
      if (kind === "Deployment") return apps.listDeploymentForAllNamespaces(request);
      if (kind === "StatefulSet") return apps.listStatefulSetForAllNamespaces(request);
      return apps.listDaemonSetForAllNamespaces(request);
    }
    const request = { namespace, limit: PAGE, _continue };
    if (kind === "Deployment") return apps.listNamespacedDeployment(request);
    if (kind === "StatefulSet") return apps.listNamespacedStatefulSet(request);
    return apps.listNamespacedDaemonSet(request);
  };
  return {
    async get(kind, namespace, name) {
      try {
        return summary(kind, await read(kind, namespace, name), namespace);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async list(namespace, keep) {
      const found: Workload[] = [];
      for (const kind of WORKLOAD_KINDS) {
        let next: string | undefined;
        do {
          const list = await page(kind, namespace, next);
          for (const item of list.items) {
            const workload = summary(kind, item, namespace ?? "");
            if (keep(workload)) found.push(workload);
          }
          next = list.metadata?._continue || undefined;
        } while (next);
      }
      return found;
    },
    async annotate(kind, namespace, name, patch) {
      const body = { metadata: { annotations: patch.metadata }, spec: { template: { metadata: { annotations: patch.template } } } };
      const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
      if (kind === "Deployment") await apps.patchNamespacedDeployment({ name, namespace, body }, options);
      else if (kind === "StatefulSet") await apps.patchNamespacedStatefulSet({ name, namespace, body }, options);
      else await apps.patchNamespacedDaemonSet({ name, namespace, body }, options);
    },
  };
}
