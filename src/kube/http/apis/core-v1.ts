// The core/v1 calls the operator makes, with client-node's method names and parameter objects.
import type * as k from "@kubernetes/client-node";
import { ApiGroup, resourcePath } from "../api-group.ts";
import type { RequestOptions } from "../transport.ts";

const path = (namespace: string | undefined, resource: string, name?: string, sub?: string) => resourcePath("/api/v1", namespace, resource, name, sub);

export class CoreV1Api extends ApiGroup {
  readNamespace(p: k.CoreV1ApiReadNamespaceRequest): Promise<k.V1Namespace> {
    return this.get(path(undefined, "namespaces", p.name), p);
  }
  listNamespace(p: k.CoreV1ApiListNamespaceRequest = {}): Promise<k.V1NamespaceList> {
    return this.get(path(undefined, "namespaces"), p);
  }
  createNamespace(p: k.CoreV1ApiCreateNamespaceRequest): Promise<k.V1Namespace> {
    return this.post(path(undefined, "namespaces"), p);
  }
  patchNamespace(p: k.CoreV1ApiPatchNamespaceRequest, options?: RequestOptions): Promise<k.V1Namespace> {
    return this.patch(path(undefined, "namespaces", p.name), p, options);
  }
  deleteNamespace(p: k.CoreV1ApiDeleteNamespaceRequest): Promise<k.V1Status> {
    return this.delete(path(undefined, "namespaces", p.name), p);
  }

  readNamespacedSecret(p: k.CoreV1ApiReadNamespacedSecretRequest): Promise<k.V1Secret> {
    return this.get(path(p.namespace, "secrets", p.name), p);
  }
  listNamespacedSecret(p: k.CoreV1ApiListNamespacedSecretRequest): Promise<k.V1SecretList> {
    return this.get(path(p.namespace, "secrets"), p);
  }
  listSecretForAllNamespaces(p: k.CoreV1ApiListSecretForAllNamespacesRequest = {}): Promise<k.V1SecretList> {
    return this.get(path(undefined, "secrets"), p);
  }
  createNamespacedSecret(p: k.CoreV1ApiCreateNamespacedSecretRequest): Promise<k.V1Secret> {
    return this.post(path(p.namespace, "secrets"), p);
  }
  replaceNamespacedSecret(p: k.CoreV1ApiReplaceNamespacedSecretRequest): Promise<k.V1Secret> {
    return this.put(path(p.namespace, "secrets", p.name), p);
  }
  patchNamespacedSecret(p: k.CoreV1ApiPatchNamespacedSecretRequest, options?: RequestOptions): Promise<k.V1Secret> {
    return this.patch(path(p.namespace, "secrets", p.name), p, options);
  }
  deleteCollectionNamespacedSecret(p: k.CoreV1ApiDeleteCollectionNamespacedSecretRequest): Promise<k.V1Status> {
    return this.delete(path(p.namespace, "secrets"), p);
  }
  deleteNamespacedSecret(p: k.CoreV1ApiDeleteNamespacedSecretRequest): Promise<k.V1Status> {
    return this.delete(path(p.namespace, "secrets", p.name), p);
  }

  readNamespacedConfigMap(p: k.CoreV1ApiReadNamespacedConfigMapRequest): Promise<k.V1ConfigMap> {
    return this.get(path(p.namespace, "configmaps", p.name), p);
  }
  readNamespacedServiceAccount(p: k.CoreV1ApiReadNamespacedServiceAccountRequest): Promise<k.V1ServiceAccount> {
    return this.get(path(p.namespace, "serviceaccounts", p.name), p);
  }
  createNamespacedServiceAccountToken(p: k.CoreV1ApiCreateNamespacedServiceAccountTokenRequest): Promise<k.AuthenticationV1TokenRequest> {
    return this.post(path(p.namespace, "serviceaccounts", p.name, "token"), p);
  }
  createNamespacedEvent(p: k.CoreV1ApiCreateNamespacedEventRequest): Promise<k.CoreV1Event> {
    return this.post(path(p.namespace, "events"), p);
  }
  patchNamespacedPod(p: k.CoreV1ApiPatchNamespacedPodRequest, options?: RequestOptions): Promise<k.V1Pod> {
    return this.patch(path(p.namespace, "pods", p.name), p, options);
  }
}
