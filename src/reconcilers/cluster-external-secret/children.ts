// The ExternalSecret a ClusterExternalSecret wants in one namespace. Spelled as ESO makes them (labels and
// annotations replaced by externalSecretMetadata, force-sync copied, a controller ownerReference), so children ESO
// made are adopted without a write. The comparison and ownership rules are the fan-out's (../fan-out/children.ts).
import { API_VERSION } from "../../api/common.ts";
import type { ClusterExternalSecret } from "../../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { childMetadata, controllerOfKind, type OwnerKind } from "../fan-out/children.ts";

export { childCurrent } from "../fan-out/children.ts";

export const ANNOTATION_FORCE_SYNC = "external-secrets.io/force-sync";
export const CES_OWNER: OwnerKind = { kind: "ClusterExternalSecret", apiVersion: API_VERSION };

/** The ExternalSecret name a ClusterExternalSecret stamps (externalSecretName, else its own name). */
export const childName = (ces: Pick<ClusterExternalSecret, "spec" | "metadata">): string => ces.spec.externalSecretName || ces.metadata.name;

/** The name of the ClusterExternalSecret controlling an ExternalSecret. */
export const controllingCes = (es: Pick<ExternalSecret, "metadata">): string | undefined => controllerOfKind(es, CES_OWNER.kind);

function childAnnotations(ces: ClusterExternalSecret): Record<string, string> {
  const annotations: Record<string, string> = { ...ces.spec.externalSecretMetadata?.annotations };
  const forceSync = ces.metadata.annotations?.[ANNOTATION_FORCE_SYNC];
  if (forceSync !== undefined) annotations[ANNOTATION_FORCE_SYNC] = forceSync;
  else delete annotations[ANNOTATION_FORCE_SYNC];
  return annotations;
}

/** The child as it should be: a new object, or `existing` with our fields set (its other ownerReferences kept). */
export function desiredChild(ces: ClusterExternalSecret, namespace: string, existing?: ExternalSecret): ExternalSecret {
  const metadata = childMetadata(CES_OWNER, ces.metadata, { name: childName(ces), namespace, labels: ces.spec.externalSecretMetadata?.labels, annotations: childAnnotations(ces) }, existing);
  return { apiVersion: API_VERSION, kind: "ExternalSecret", metadata, spec: ces.spec.externalSecretSpec };
}
