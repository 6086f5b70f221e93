// Leases (leader election, shard membership), with client-node's method names and parameter objects.
import type * as k from "@kubernetes/client-node";
import { ApiGroup, resourcePath } from "../api-group.ts";

const path = (namespace: string, name?: string) => resourcePath("/apis/coordination.k8s.io/v1", namespace, "leases", name);

export class CoordinationV1Api extends ApiGroup {
  readNamespacedLease(p: k.CoordinationV1ApiReadNamespacedLeaseRequest): Promise<k.V1Lease> {
    return this.get(path(p.namespace, p.name), p);
  }
  listNamespacedLease(p: k.CoordinationV1ApiListNamespacedLeaseRequest): Promise<k.V1LeaseList> {
    return this.get(path(p.namespace), p);
  }
  createNamespacedLease(p: k.CoordinationV1ApiCreateNamespacedLeaseRequest): Promise<k.V1Lease> {
    return this.post(path(p.namespace), p);
  }
  replaceNamespacedLease(p: k.CoordinationV1ApiReplaceNamespacedLeaseRequest): Promise<k.V1Lease> {
    return this.put(path(p.namespace, p.name), p);
  }
  deleteNamespacedLease(p: k.CoordinationV1ApiDeleteNamespacedLeaseRequest): Promise<k.V1Status> {
    return this.delete(path(p.namespace, p.name), p);
  }
}
