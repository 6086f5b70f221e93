// The pure decision of a ClusterPushSecret reconcile: the fan-out plan (../fan-out/plan.ts) with its PushSecrets.
// ESO puts no finalizers on ClusterPushSecrets or namespaces, so there are none to release.
import type { ClusterPushSecret } from "../../api/cluster-push-secret.ts";
import type { PushSecret } from "../../api/push-secret.ts";
import { planFanOut, type FanOutPlan } from "../fan-out/plan.ts";
import type { NamespaceInfo } from "../fan-out/selection.ts";
import { controllingCps, desiredPushSecret, pushSecretNameOf } from "./children.ts";

/** ESO's reason for a namespace whose PushSecret of that name is not the ClusterPushSecret's. */
export const FOREIGN_PUSH_SECRET = "push secret already exists in namespace";

export interface CpsPlanInput {
  cps: ClusterPushSecret;
  namespaces: Iterable<NamespaceInfo>;
  /** The PushSecret of that name in that namespace, whoever made it. */
  existing(namespace: string, name: string): PushSecret | undefined;
  /** Every PushSecret whose controller is this ClusterPushSecret (any name, any namespace). */
  children: Iterable<PushSecret>;
}

export function planPushSecrets(input: CpsPlanInput): FanOutPlan<PushSecret> {
  const { cps } = input;
  return planFanOut<PushSecret>({
    owner: { name: cps.metadata.name, selection: cps.spec },
    childName: pushSecretNameOf(cps),
    namespaces: input.namespaces,
    existing: input.existing,
    children: input.children,
    controller: controllingCps,
    desired: (namespace, existing) => desiredPushSecret(cps, namespace, existing),
  });
}
