// Which namespaces a ClusterExternalSecret or ClusterPushSecret covers: ESO's rule, selectors ORed (a
// ClusterExternalSecret also with its deprecated namespaceSelector and list of names; a ClusterPushSecret has only
// namespaceSelectors). A terminating namespace is covered by nobody.
import type { LabelSelector } from "../../api/common.ts";
import type { ClusterExternalSecretSpec } from "../../api/cluster-external-secret.ts";
import { matchesSelector } from "../../kube/label-selector.ts";

/** What the reconciler and the namespace watch know of a namespace (the informer keeps nothing else). */
export interface NamespaceInfo {
  name: string;
  labels?: Record<string, string> | undefined;
  terminating: boolean;
  finalizers?: string[] | undefined;
}

export type Selection = Pick<ClusterExternalSecretSpec, "namespaceSelector" | "namespaceSelectors" | "namespaces">;

/** The selectors in ESO's order: the deprecated single one first. Null entries (a YAML `- ` slip) select nothing. */
export function selectorsOf(spec: Selection): LabelSelector[] {
  return [spec.namespaceSelector, ...(spec.namespaceSelectors ?? [])].filter((selector): selector is LabelSelector => selector != null);
}

/** Whether the namespace matches by name or by any selector, ignoring whether it is terminating. */
export function matchesNamespace(spec: Selection, namespace: Pick<NamespaceInfo, "name" | "labels">): boolean {
  if (spec.namespaces?.includes(namespace.name)) return true;
  return selectorsOf(spec).some((selector) => matchesSelector(selector, namespace.labels));
}

/** Whether the namespace should hold the cluster object's child (ExternalSecret or PushSecret) now. */
export function covers(spec: Selection, namespace: NamespaceInfo): boolean {
  return !namespace.terminating && matchesNamespace(spec, namespace);
}
