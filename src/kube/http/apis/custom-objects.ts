// Custom resources (our CRDs), with client-node's CustomObjectsApi method names and parameter objects.
import type * as k from "@kubernetes/client-node";
import { ApiGroup, resourcePath } from "../api-group.ts";
import type { RequestOptions } from "../transport.ts";

type Named = { group: string; version: string; plural: string; name?: string; namespace?: string };
const path = (p: Named, sub?: string) => resourcePath(`/apis/${p.group}/${p.version}`, p.namespace, p.plural, p.name, sub);

export class CustomObjectsApi extends ApiGroup {
  getNamespacedCustomObject(p: k.CustomObjectsApiGetNamespacedCustomObjectRequest): Promise<any> {
    return this.get(path(p), p);
  }
  getNamespacedCustomObjectStatus(p: k.CustomObjectsApiGetNamespacedCustomObjectStatusRequest): Promise<any> {
    return this.get(path(p, "status"), p);
  }
  getClusterCustomObject(p: k.CustomObjectsApiGetClusterCustomObjectRequest): Promise<any> {
    return this.get(path(p), p);
  }
  listNamespacedCustomObject(p: k.CustomObjectsApiListNamespacedCustomObjectRequest): Promise<any> {
    return this.get(path(p), p);
  }
  /** All namespaces for a namespaced kind, or the cluster-scoped kind's objects. */
  listClusterCustomObject(p: k.CustomObjectsApiListClusterCustomObjectRequest): Promise<any> {
    return this.get(path(p), p);
  }
  createNamespacedCustomObject(p: k.CustomObjectsApiCreateNamespacedCustomObjectRequest): Promise<any> {
    return this.post(path(p), p);
  }
  createClusterCustomObject(p: k.CustomObjectsApiCreateClusterCustomObjectRequest): Promise<any> {
    return this.post(path(p), p);
  }
  replaceNamespacedCustomObject(p: k.CustomObjectsApiReplaceNamespacedCustomObjectRequest): Promise<any> {
    return this.put(path(p), p);
  }
  patchNamespacedCustomObject(p: k.CustomObjectsApiPatchNamespacedCustomObjectRequest, options?: RequestOptions): Promise<any> {
    return this.patch(path(p), p, options);
  }
  patchNamespacedCustomObjectStatus(p: k.CustomObjectsApiPatchNamespacedCustomObjectStatusRequest, options?: RequestOptions): Promise<any> {
    return this.patch(path(p, "status"), p, options);
  }
  patchClusterCustomObject(p: k.CustomObjectsApiPatchClusterCustomObjectRequest, options?: RequestOptions): Promise<any> {
    return this.patch(path(p), p, options);
  }
  patchClusterCustomObjectStatus(p: k.CustomObjectsApiPatchClusterCustomObjectStatusRequest, options?: RequestOptions): Promise<any> {
    return this.patch(path(p, "status"), p, options);
  }
  deleteNamespacedCustomObject(p: k.CustomObjectsApiDeleteNamespacedCustomObjectRequest): Promise<any> {
    return this.delete(path(p), p);
  }
  replaceClusterCustomObject(p: k.CustomObjectsApiReplaceClusterCustomObjectRequest): Promise<any> {
    return this.put(path(p), p);
  }
  deleteCollectionNamespacedCustomObject(p: k.CustomObjectsApiDeleteCollectionNamespacedCustomObjectRequest): Promise<any> {
    return this.delete(path(p), p);
  }
  deleteClusterCustomObject(p: k.CustomObjectsApiDeleteClusterCustomObjectRequest): Promise<any> {
    return this.delete(path(p), p);
  }
}
