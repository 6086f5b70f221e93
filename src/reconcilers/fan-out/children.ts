// What both cluster kinds (ClusterExternalSecret, ClusterPushSecret) share about their children: the controller
// ownerReference that marks a child as theirs, and whether an existing child already is the desired one.
import { GROUP } from "../../api/common.ts";
import type { ObjectMeta } from "../../api/common.ts";
import { canonicalJson, semanticEqual } from "../../kube/semantic-equal.ts";

export type OwnerReference = NonNullable<ObjectMeta["ownerReferences"]>[number];

/** A child as the fan-out sees it: metadata and a spec copied from the owner. */
export interface Child {
  metadata: ObjectMeta;
  spec: unknown;
}

/** The owning kind: its Kind and the apiVersion our ownerReferences carry. */
export interface OwnerKind {
  kind: string;
  apiVersion: string;
}

/** A controller reference to some object of `kind`, by group and kind as ESO checks it (any version). */
export const isControllerOfKind = (ref: OwnerReference, kind: string): boolean => ref.controller === true && ref.kind === kind && ref.apiVersion.split("/")[0] === GROUP;

/** The name of the `kind` object controlling a child, if one does. */
export function controllerOfKind(child: Pick<Child, "metadata">, kind: string): string | undefined {
  const owner = child.metadata.ownerReferences?.find((ref) => ref.controller === true);
  return owner && isControllerOfKind(owner, kind) ? owner.name : undefined;
}

export function controllerReference(owner: OwnerKind, meta: Pick<ObjectMeta, "name" | "uid">): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: meta.name, uid: meta.uid ?? "", controller: true, blockOwnerDeletion: true };
}

export const orUndefined = (map: Record<string, string> | undefined) => (map && Object.keys(map).length > 0 ? map : undefined);

/**
 * The child's metadata as it should be: `existing`'s (uid, resourceVersion, other ownerReferences kept), with the
 * owner's name, labels and annotations, and its controller reference replacing any other of that kind.
 */
export function childMetadata(
  owner: OwnerKind,
  ownerMeta: Pick<ObjectMeta, "name" | "uid">,
  child: { name: string; namespace: string; labels: Record<string, string> | undefined; annotations: Record<string, string> | undefined },
  existing?: Pick<Child, "metadata">,
): ObjectMeta {
  const others = (existing?.metadata.ownerReferences ?? []).filter((ref) => !isControllerOfKind(ref, owner.kind));
  return {
    ...(existing?.metadata ?? {}),
    name: child.name,
    namespace: child.namespace,
    labels: orUndefined(child.labels),
    annotations: orUndefined(child.annotations),
    ownerReferences: [...others, controllerReference(owner, ownerMeta)],
  };
}

/**
 * The canonical text of a spec, once per object: a reconcile compares hundreds of children with the same desired
 * spec, and each child's cached spec only changes by replacement (informer objects are never mutated), so
 * canonicalising them anew on every reconcile was quadratic work during a fan-out.
 */
const canonicalSpecs = new WeakMap<object, string>();
function specText(spec: unknown): string {
  if (typeof spec !== "object" || spec === null) return canonicalJson(spec);
  let text = canonicalSpecs.get(spec);
  if (text === undefined) canonicalSpecs.set(spec, (text = canonicalJson(spec)));
  return text;
}

/** Whether `existing` already is what the desired child asks for (no write needed): compared semantically. */
export function childCurrent(existing: Child, desired: Child): boolean {
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
