// Server-side apply of manifests (YAML documents or objects), for the demo, the CLI and the tests.
import type { KubernetesObject } from "@kubernetes/client-node";
import { ApiextensionsV1Api, ObjectApi, type KubeConfig, type ObjectReference } from "./http/index.ts";
import { parseAllDocuments } from "yaml";
import { kubeErrorSummary } from "./errors.ts";

export function parseManifests(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((obj): obj is KubernetesObject => obj !== null && typeof obj === "object" && "kind" in obj);
}

/** Applies each object with server-side apply (force), as `kubectl apply --server-side --force-conflicts` would. */
export async function applyObjects(kc: KubeConfig, objects: KubernetesObject[], fieldManager = "secrets-bridge-apply"): Promise<void> {
  const api = kc.makeApiClient(ObjectApi);
  for (const obj of objects) {
    try {
      await api.patchObject(obj as ObjectReference, { fieldManager, force: true });
    } catch (err) {
      throw new Error(`applying ${obj.kind} ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}: ${kubeErrorSummary(err)}`);
    }
  }
}

/** Applies CRDs (server-side apply, forced) and waits until each is Established (new kinds are served only then). */
export async function installCrds(kc: KubeConfig, crds: KubernetesObject[], timeoutMs = 60_000): Promise<void> {
  const objects = kc.makeApiClient(ObjectApi);
  for (const crd of crds) {
    try {
      await objects.patchObject({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", ...crd }, { fieldManager: "secrets-bridge-crds", force: true });
    } catch (err) {
      throw new Error(`applying CRD ${crd.metadata!.name}: ${kubeErrorSummary(err)}`);
    }
  }
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const current = await api.readCustomResourceDefinition({ name: crd.metadata!.name! });
      if (current.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata!.name} not Established after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
