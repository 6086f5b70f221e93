// The ExternalSecret a ClusterExternalSecret wants in one namespace, and whether an existing one is it.
// Spelled as ESO makes them (labels and annotations replaced by externalSecretMetadata, force-sync copied,
// a controller ownerReference), so children ESO made are adopted without a write.
import { API_VERSION, GROUP } from "../../api/common.ts";
import type { ObjectMeta } from "../../api/common.ts";
import type { ClusterExternalSecret } from "../../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { canonicalJson, semanticEqual } from "../../kube/semantic-equal.ts";

export const ANNOTATION_FORCE_SYNC = "external-secrets.io/force-sync";
const KIND = "ClusterExternalSecret";

type OwnerReference = NonNullable<ObjectMeta["ownerReferences"]>[number];

/** The ExternalSecret name a ClusterExternalSecret stamps (externalSecretName, else its own name). */
export const childName = (ces: Pick<ClusterExternalSecret, "spec" | "metadata">): string => ces.spec.externalSecretName || ces.metadata.name;

/** A controller reference to some ClusterExternalSecret, by group and kind as ESO checks it (any version). */
const isCesController = (ref: OwnerReference): boolean => ref.controller === true && ref.kind === KIND && ref.apiVersion.split("/")[0] === GROUP;

/** The name of the ClusterExternalSecret controlling an ExternalSecret. */
export function controllingCes(es: Pick<ExternalSecret, "metadata">): string | undefined {
  const owner = es.metadata.ownerReferences?.find((ref) => ref.controller === true);
  return owner && isCesController(owner) ? owner.name : undefined;
}

function controllerReference(ces: ClusterExternalSecret): OwnerReference {
  return { apiVersion: API_VERSION, kind: KIND, name: ces.metadata.name, uid: ces.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}

function childAnnotations(ces: ClusterExternalSecret): Record<string, string> | undefined {
  const annotations: Record<string, string> = { ...ces.spec.externalSecretMetadata?.annotations };
  const forceSync = ces.metadata.annotations?.[ANNOTATION_FORCE_SYNC];
  if (forceSync !== undefined) annotations[ANNOTATION_FORCE_SYNC] = forceSync;
  else delete annotations[ANNOTATION_FORCE_SYNC];
  return Object.keys(annotations).length > 0 ? annotations : undefined;
}

const orUndefined = (map: Record<string, string> | undefined) => (map && Object.keys(map).length > 0 ? map : undefined);

/** The child as it should be: a new object, or `existing` with our fields set (its other ownerReferences kept). */
export function desiredChild(ces: ClusterExternalSecret, namespace: string, existing?: ExternalSecret): ExternalSecret {
  const ours = controllerReference(ces);
  const others = (existing?.metadata.ownerReferences ?? []).filter((ref) => !isCesController(ref));
  const metadata: ObjectMeta = {
    ...(existing?.metadata ?? {}),
    name: childName(ces),
    namespace,
    labels: orUndefined(ces.spec.externalSecretMetadata?.labels),
    annotations: childAnnotations(ces),
    ownerReferences: [...others, ours],
  };
  return { apiVersion: API_VERSION, kind: "ExternalSecret", metadata, spec: ces.spec.externalSecretSpec };
}

/**
 * The canonical text of a spec, once per object: a reconcile compares hundreds of children with the same desired
 * spec, and each child's cached spec only changes by replacement (informer objects are never mutated), so
 * canonicalising them anew on every reconcile was quadratic work during a fan-out.
 */
const canonicalSpecs = new WeakMap<object, string>();
function specText(spec: ExternalSecret["spec"]): string {
  let text = canonicalSpecs.get(spec);
  if (text === undefined) canonicalSpecs.set(spec, (text = canonicalJson(spec)));
  return text;
}

/** Whether `existing` already is what desiredChild asks for (no write needed). */
export function childCurrent(existing: ExternalSecret, desired: ExternalSecret): boolean {
  const ownerOf = (refs: ObjectMeta["ownerReferences"]) => refs?.find((ref) => ref.controller === true);
  const a = existing.metadata;
  const b = desired.metadata;
  return (
    semanticEqual(orUndefined(a.labels), b.labels) &&
    semanticEqual(orUndefined(a.annotations), b.annotations) &&
    semanticEqual(ownerOf(a.ownerReferences), ownerOf(b.ownerReferences)) &&
    specText(existing.spec) === specText(desired.spec)
  );
}
