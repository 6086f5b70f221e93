// Automatic shards keep the ExternalSecrets of other replicas' slots in the watch cache only in part: the apiserver
// cannot filter a watch by a hash of the spec, so every replica receives every ExternalSecret, but it needs of the
// others' only what says where they belong and whom they concern. Kept: metadata (owners, labels, annotations for
// force-sync), the reads (they decide the slot), the stores, the target's name and kind, rolloutRestartTargets and
// the conditions. Dropped: templates, the rest of each read, the status but its conditions, and kubectl's
// last-applied copy of the whole object. A replica taking a slot fetches its objects whole again before working them.
import type { ExternalSecret } from "../api/external-secret.ts";

const slimmed = new WeakSet<object>();
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export function isSlim(es: object): boolean {
  return slimmed.has(es);
}

/**
 * A ClusterExternalSecret compares its children's whole spec with what it wants: a slim child would look outdated
 * and be rewritten, so children of one stay whole (they are a fan-out's share, usually few).
 */
export function mayBeSlimmed(es: ExternalSecret): boolean {
  return !(es.metadata.ownerReferences ?? []).some((ref) => ref.kind === "ClusterExternalSecret" && ref.controller === true);
}

/** Reduces a cached ExternalSecret in place (see above) and marks it; the next event for it brings a new object. */
export function slimExternalSecret(es: ExternalSecret): void {
  if (slimmed.has(es) || !mayBeSlimmed(es)) return;
  const annotations = es.metadata.annotations;
  if (annotations && LAST_APPLIED in annotations) {
    // Rebuilt, not deleted from (a deleted property makes a slow dictionary: see informers.ts dropManagedFields).
    const { [LAST_APPLIED]: _copy, ...rest } = annotations;
    es.metadata.annotations = rest;
  }
  const { spec } = es;
  const target = spec.target;
  es.spec = {
    ...(spec.secretStoreRef ? { secretStoreRef: spec.secretStoreRef } : {}),
    ...(spec.refreshInterval !== undefined ? { refreshInterval: spec.refreshInterval } : {}),
    ...(spec.refreshPolicy !== undefined ? { refreshPolicy: spec.refreshPolicy } : {}),
    ...(target
      ? {
          target: {
            ...(target.name !== undefined ? { name: target.name } : {}),
            ...(target.creationPolicy !== undefined ? { creationPolicy: target.creationPolicy } : {}),
            ...(target.manifest !== undefined ? { manifest: target.manifest } : {}),
            ...(target.rolloutRestartTargets !== undefined ? { rolloutRestartTargets: target.rolloutRestartTargets } : {}),
          },
        }
      : {}),
    ...(spec.data ? { data: spec.data.map((item) => ({ secretKey: item.secretKey, remoteRef: { key: item.remoteRef.key }, ...(item.sourceRef ? { sourceRef: item.sourceRef } : {}) })) } : {}),
    ...(spec.dataFrom
      ? {
          dataFrom: spec.dataFrom.map((item) => ({
            ...(item.extract ? { extract: { key: item.extract.key } } : {}),
            ...(item.find ? { find: item.find } : {}),
            ...(item.sourceRef ? { sourceRef: item.sourceRef } : {}),
          })),
        }
      : {}),
  } as ExternalSecret["spec"];
  if (es.status) es.status = es.status.conditions ? { conditions: es.status.conditions } : {};
  slimmed.add(es);
}
