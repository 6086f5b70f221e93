// Deployments, StatefulSets and DaemonSets (rollout restarts), with client-node's method names and parameter objects.
import type * as k from "@kubernetes/client-node";
import { ApiGroup, resourcePath } from "../api-group.ts";
import type { RequestOptions } from "../transport.ts";

const path = (namespace: string | undefined, resource: string, name?: string) => resourcePath("/apis/apps/v1", namespace, resource, name);

export class AppsV1Api extends ApiGroup {
  readNamespacedDeployment(p: k.AppsV1ApiReadNamespacedDeploymentRequest): Promise<k.V1Deployment> {
    return this.get(path(p.namespace, "deployments", p.name), p);
  }
  readNamespacedStatefulSet(p: k.AppsV1ApiReadNamespacedStatefulSetRequest): Promise<k.V1StatefulSet> {
    return this.get(path(p.namespace, "statefulsets", p.name), p);
  }
  readNamespacedDaemonSet(p: k.AppsV1ApiReadNamespacedDaemonSetRequest): Promise<k.V1DaemonSet> {
    return this.get(path(p.namespace, "daemonsets", p.name), p);
  }
  listNamespacedDeployment(p: k.AppsV1ApiListNamespacedDeploymentRequest): Promise<k.V1DeploymentList> {
    return this.get(path(p.namespace, "deployments"), p);
  }
  listNamespacedStatefulSet(p: k.AppsV1ApiListNamespacedStatefulSetRequest): Promise<k.V1StatefulSetList> {
    return this.get(path(p.namespace, "statefulsets"), p);
  }
  listNamespacedDaemonSet(p: k.AppsV1ApiListNamespacedDaemonSetRequest): Promise<k.V1DaemonSetList> {
    return this.get(path(p.namespace, "daemonsets"), p);
  }
  listDeploymentForAllNamespaces(p: k.AppsV1ApiListDeploymentForAllNamespacesRequest = {}): Promise<k.V1DeploymentList> {
    return this.get(path(undefined, "deployments"), p);
  }
  listStatefulSetForAllNamespaces(p: k.AppsV1ApiListStatefulSetForAllNamespacesRequest = {}): Promise<k.V1StatefulSetList> {
    return this.get(path(undefined, "statefulsets"), p);
  }
  listDaemonSetForAllNamespaces(p: k.AppsV1ApiListDaemonSetForAllNamespacesRequest = {}): Promise<k.V1DaemonSetList> {
    return this.get(path(undefined, "daemonsets"), p);
  }
  listReplicaSetForAllNamespaces(p: k.AppsV1ApiListReplicaSetForAllNamespacesRequest = {}): Promise<k.V1ReplicaSetList> {
    return this.get(path(undefined, "replicasets"), p);
  }
  createNamespacedDeployment(p: k.AppsV1ApiCreateNamespacedDeploymentRequest): Promise<k.V1Deployment> {
    return this.post(path(p.namespace, "deployments"), p);
  }
  patchNamespacedDeployment(p: k.AppsV1ApiPatchNamespacedDeploymentRequest, options?: RequestOptions): Promise<k.V1Deployment> {
    return this.patch(path(p.namespace, "deployments", p.name), p, options);
  }
  patchNamespacedStatefulSet(p: k.AppsV1ApiPatchNamespacedStatefulSetRequest, options?: RequestOptions): Promise<k.V1StatefulSet> {
    return this.patch(path(p.namespace, "statefulsets", p.name), p, options);
  }
  patchNamespacedDaemonSet(p: k.AppsV1ApiPatchNamespacedDaemonSetRequest, options?: RequestOptions): Promise<k.V1DaemonSet> {
    return this.patch(path(p.namespace, "daemonsets", p.name), p, options);
  }
}
