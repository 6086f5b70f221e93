// The watches the operator keeps: ExternalSecrets, both store kinds, and only the Secrets we manage
// (label selector), so memory follows what we manage rather than every Secret in the cluster.
import type { KubeConfig, KubernetesListObject, KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, VERSION } from "../api/common.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { LABEL_MANAGED } from "../api/markers.ts";
import { ResilientInformer } from "../controller/informer.ts";
import type { KubeClients } from "../kube/clients.ts";

export interface OperatorInformers {
  externalSecrets: ResilientInformer<ExternalSecret & KubernetesObject>;
  secretStores: ResilientInformer<SecretStore & KubernetesObject>;
  clusterSecretStores: ResilientInformer<SecretStore & KubernetesObject>;
  managedSecrets: ResilientInformer<V1Secret>;
}

function customInformer<T extends KubernetesObject>(kc: KubeConfig, clients: KubeClients, log: Logger, plural: string, kind: string, namespace: string | undefined, clusterScoped: boolean) {
  const scoped = namespace && !clusterScoped;
  const path = scoped ? `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}` : `/apis/${GROUP}/${VERSION}/${plural}`;
  const list = async (): Promise<KubernetesListObject<T>> => {
    const result = scoped
      ? await clients.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural })
      : await clients.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural });
    const listObject = result as KubernetesListObject<T>;
    // The generic list carries no kind on items; the reconcilers rely on it.
    for (const item of listObject.items) item.kind ??= kind;
    return listObject;
  };
  return new ResilientInformer<T>({ name: plural, kc, path, list, log });
}

export function makeInformers(kc: KubeConfig, clients: KubeClients, log: Logger, namespace?: string): OperatorInformers {
  const labelSelector = `${LABEL_MANAGED}=true`;
  return {
    externalSecrets: customInformer(kc, clients, log, "externalsecrets", "ExternalSecret", namespace, false),
    secretStores: customInformer(kc, clients, log, "secretstores", "SecretStore", namespace, false),
    clusterSecretStores: customInformer(kc, clients, log, "clustersecretstores", "ClusterSecretStore", namespace, true),
    managedSecrets: new ResilientInformer<V1Secret>({
      name: "secrets",
      kc,
      path: namespace ? `/api/v1/namespaces/${namespace}/secrets` : "/api/v1/secrets",
      labelSelector,
      list: () => (namespace ? clients.core.listNamespacedSecret({ namespace, labelSelector }) : clients.core.listSecretForAllNamespaces({ labelSelector })),
      log,
    }),
  };
}
