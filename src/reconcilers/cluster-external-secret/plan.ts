// The pure decision of a ClusterExternalSecret reconcile: the fan-out plan (../fan-out/plan.ts) with its
// ExternalSecrets, its deprecated selection fields and ESO's namespace finalizers.
import type { ClusterExternalSecret } from "../../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { planFanOut, type FanOutPlan } from "../fan-out/plan.ts";
import type { NamespaceInfo } from "../fan-out/selection.ts";
import { childName, controllingCes, desiredChild } from "./children.ts";
import { esoNamespaceFinalizer } from "./eso-finalizers.ts";

export const FOREIGN_CHILD = "external secret already exists in namespace";

export type Plan = FanOutPlan<ExternalSecret>;

export interface PlanInput {
  ces: ClusterExternalSecret;
  namespaces: Iterable<NamespaceInfo>;
  /** The ExternalSecret of that name in that namespace, whoever made it. */
  existing(namespace: string, name: string): ExternalSecret | undefined;
  /** Every ExternalSecret whose controller is this ClusterExternalSecret (any name, any namespace). */
  children: Iterable<ExternalSecret>;
}

export function planChildren(input: PlanInput): Plan {
  const { ces } = input;
  return planFanOut<ExternalSecret>({
    owner: { name: ces.metadata.name, selection: ces.spec },
    childName: childName(ces),
    namespaces: input.namespaces,
    existing: input.existing,
    children: input.children,
    controller: controllingCes,
    desired: (namespace, existing) => desiredChild(ces, namespace, existing),
    namespaceFinalizer: esoNamespaceFinalizer(ces.metadata.name),
  });
}
