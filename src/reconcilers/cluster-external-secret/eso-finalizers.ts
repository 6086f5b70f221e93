// ESO (2.x) puts a finalizer on each ClusterExternalSecret and on every namespace it provisions. We rely on
// ownerReferences and the garbage collector instead, and add neither: a finalizer on a namespace blocks its
// deletion whenever the operator is down. After a swap from ESO these finalizers remain, so we remove each one
// at the moment it would otherwise block something: the ClusterExternalSecret's when it is deleted, a
// namespace's when that namespace is deleted or leaves the selection, or when its ClusterExternalSecret is gone.

export const ESO_CES_FINALIZER = "externalsecrets.external-secrets.io/clusterexternalsecret-cleanup";
const NAMESPACE_FINALIZER_PREFIX = "externalsecrets.external-secrets.io/ces-";

export const esoNamespaceFinalizer = (cesName: string): string => `${NAMESPACE_FINALIZER_PREFIX}${cesName}`;

/** The ClusterExternalSecret names whose ESO finalizer a namespace carries. */
export function esoFinalizerOwners(finalizers: readonly string[] | undefined): string[] {
  return (finalizers ?? []).filter((f) => f.startsWith(NAMESPACE_FINALIZER_PREFIX)).map((f) => f.slice(NAMESPACE_FINALIZER_PREFIX.length));
}
