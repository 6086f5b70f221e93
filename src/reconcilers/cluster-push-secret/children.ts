// The PushSecret a ClusterPushSecret wants in one namespace, spelled as ESO makes them (labels and annotations
// replaced by pushSecretMetadata, the spec copied, a controller ownerReference), so children ESO made are adopted
// without a write. The comparison and ownership rules are the fan-out's (../fan-out/children.ts).
import type { ClusterPushSecret } from "../../api/cluster-push-secret.ts";
import { PUSH_API_VERSION, type PushSecret } from "../../api/push-secret.ts";
import { childMetadata, controllerOfKind, type OwnerKind } from "../fan-out/children.ts";

export const CPS_OWNER: OwnerKind = { kind: "ClusterPushSecret", apiVersion: PUSH_API_VERSION };

/** The PushSecret name a ClusterPushSecret stamps (pushSecretName, else its own name). */
export const pushSecretNameOf = (cps: Pick<ClusterPushSecret, "spec" | "metadata">): string => cps.spec.pushSecretName || cps.metadata.name;

/** The name of the ClusterPushSecret controlling a PushSecret. */
export const controllingCps = (ps: Pick<PushSecret, "metadata">): string | undefined => controllerOfKind(ps, CPS_OWNER.kind);

/** The child as it should be: a new object, or `existing` with our fields set (its finalizers and other ownerReferences kept). */
export function desiredPushSecret(cps: ClusterPushSecret, namespace: string, existing?: PushSecret): PushSecret {
  const { labels, annotations } = cps.spec.pushSecretMetadata ?? {};
  const metadata = childMetadata(CPS_OWNER, cps.metadata, { name: pushSecretNameOf(cps), namespace, labels, annotations }, existing);
  return { apiVersion: PUSH_API_VERSION, kind: "PushSecret", metadata, spec: cps.spec.pushSecretSpec };
}
