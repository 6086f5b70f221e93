// Reads generator objects with a live GET per use: a generator runs once per refresh at most, so a watch and
// cache of every Password in the cluster would cost more than it saves (needs get on the generator kinds only).
import type { KubeClients } from "./clients.ts";
import { GENERATOR_GROUP, GENERATOR_PLURALS, GENERATOR_VERSION, type GeneratorObject } from "../api/generators.ts";
import type { Logger } from "pino";
import { GeneratorError, type GenerateContext, type ReadGenerator } from "../generators/index.ts";
import type { StoreIdentity } from "../provider/store-identity.ts";
import { kubeAccess } from "./access.ts";
import { ProviderUnavailableError } from "../provider/errors.ts";
import { isForbidden, isNotFound, kubeErrorSummary } from "./errors.ts";

export function kubeGeneratorReader(clients: KubeClients): ReadGenerator {
  return async (kind, name, namespace) => {
    const plural = GENERATOR_PLURALS[kind];
    if (!plural) return undefined;
    const where = `${kind} ${namespace ? `${namespace}/` : ""}${name}`;
    try {
      const obj = namespace
        ? await clients.custom.getNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace, plural, name })
        : await clients.custom.getClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural, name });
      return obj as GeneratorObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (isForbidden(err)) throw new GeneratorError(`${where}: the operator may not get ${plural}.${GENERATOR_GROUP} (RBAC)`, "GeneratorUnavailable");
      throw new ProviderUnavailableError(`reading ${where}: ${kubeErrorSummary(err)}`);
    }
  };
}

/**
 * The context provider-backed generators run with: Kubernetes reads with a store's namespace rules, a namespaced
 * generator read like a SecretStore of the ExternalSecret's namespace, a ClusterGenerator like a
 * ClusterSecretStore whose refs without a namespace resolve there (kube/access.ts).
 */
export function generateContexts(clients: KubeClients, log: Logger): (scope: GenerateContext["scope"], namespace: string) => GenerateContext {
  return (scope, namespace) => {
    const identity: StoreIdentity =
      scope === "Cluster" ? { kind: "ClusterSecretStore", name: "ClusterGenerator", referentNamespace: namespace } : { kind: "SecretStore", name: "generator", namespace };
    return { namespace, scope, kube: kubeAccess(clients, identity), log };
  };
}
