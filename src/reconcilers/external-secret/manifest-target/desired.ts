// The resource a target.manifest ExternalSecret wants (pure): the object the template starts from, the
// markers and ownership put on the rendered result, and whether a live or cached object already is it.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExternalSecret } from "../../../api/external-secret.ts";
import type { ResolvedTarget } from "../../../api/defaults.ts";
import type { ManifestKind } from "../../../api/manifest-target.ts";
import { ANNOTATION_DATA_HASH, LABEL_CREATED_BY, LABEL_MANAGED, createdByValue } from "../../../api/markers.ts";
import { GROUP } from "../../../api/common.ts";
import { ConfigError } from "../../../provider/errors.ts";
import type { Manifest } from "../../../template/index.ts";
import { ownerReferenceFor } from "../desired-secret.ts";
import { secretError } from "../secret-writer.ts";
import { manifestContentHash } from "./content-hash.ts";

const merging = (target: ResolvedTarget) => target.creationPolicy === "Merge" || target.creationPolicy === "CreateOrMerge";

/**
 * Where rendering starts: the live object for Merge/CreateOrMerge when it exists (the template is applied onto
 * it), otherwise a fresh object with an empty data (ConfigMap) or spec (anything else), as ESO.
 */
export function manifestBase(es: ExternalSecret, kind: ManifestKind, target: ResolvedTarget, existing: KubernetesObject | undefined): Manifest {
  if (existing && merging(target)) {
    const copy = structuredClone(existing) as Manifest;
    delete copy.metadata.managedFields;
    return copy;
  }
  const body = kind.kind === "ConfigMap" ? { data: {} } : { spec: {} };
  return { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name: target.name, namespace: es.metadata.namespace }, ...body };
}

type Owner = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean };
const controllerOf = (obj: { metadata?: { ownerReferences?: Owner[] } }) => obj.metadata?.ownerReferences?.find((ref) => ref.controller);
const isExternalSecret = (ref: Owner) => ref.kind === "ExternalSecret" && ref.apiVersion.split("/")[0] === GROUP;

/**
 * Adds the managed label, the data-hash annotation and ESO's ownership (applyOwnership): Owner sets this
 * ExternalSecret as controller and the created-by label; any other policy removes both. A resource another
 * ExternalSecret controls is refused, so two of them never fight over one object. Labels, annotations and
 * owner references others put on the live object are kept (ESO's update would drop them).
 */
export function finishManifest(es: ExternalSecret, target: ResolvedTarget, rendered: Manifest, existing: KubernetesObject | undefined): Manifest {
  const obj = rendered;
  const live = (existing?.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Owner[] };
  const owner = controllerOf({ metadata: live });
  if (owner && isExternalSecret(owner) && owner.name !== es.metadata.name) {
    throw secretError("SecretNotOwned", `${String(obj.kind)} ${target.name} is owned by ExternalSecret ${owner.name}`);
  }
  const labels: Record<string, string> = { ...live.labels, ...obj.metadata.labels, [LABEL_MANAGED]: "true" };
  const refs = [...(live.ownerReferences ?? []), ...((obj.metadata.ownerReferences as Owner[] | undefined) ?? [])];
  const others = refs.filter((ref, i) => !(isExternalSecret(ref) && ref.name === es.metadata.name) && refs.findIndex((r) => r.uid === ref.uid) === i);
  if (target.creationPolicy === "Owner") {
    others.push(ownerReferenceFor(es) as Owner);
    labels[LABEL_CREATED_BY] = createdByValue(es.metadata.namespace!, es.metadata.name);
  } else delete labels[LABEL_CREATED_BY];
  obj.metadata.labels = labels;
  obj.metadata.annotations = { ...live.annotations, ...obj.metadata.annotations };
  if (others.length > 0) obj.metadata.ownerReferences = others;
  else delete obj.metadata.ownerReferences;
  const hash = manifestContentHash(obj);
  if (hash === undefined) throw new ConfigError(`the rendered ${String(obj.kind)} has neither spec nor data`);
  obj.metadata.annotations[ANNOTATION_DATA_HASH] = hash;
  return obj;
}

/**
 * ESO's isGenericTargetValid: the object carries the managed label and its content still hashes to the
 * annotation written with it. Orphan targets are left alone once written (ESO never rechecks them).
 */
export function manifestLooksCurrent(obj: KubernetesObject | undefined, target: ResolvedTarget): boolean {
  if (target.creationPolicy === "Orphan" && obj) return true;
  if (!obj || obj.metadata?.labels?.[LABEL_MANAGED] !== "true") return false;
  // The watch caches the content's hash in place of the content (operator/manifest-watches.ts).
  const hash = (obj as { contentDigest?: string }).contentDigest ?? manifestContentHash(obj as Record<string, unknown>);
  return hash !== undefined && hash !== "" && obj.metadata?.annotations?.[ANNOTATION_DATA_HASH] === hash;
}

/** Every key of `want` is in `have` with an equal value (arrays element-wise): fields the apiserver defaulted do not count. */
function within(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => within(w, have[i]));
  if (want && typeof want === "object") {
    if (!have || typeof have !== "object" || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, w]) => within(w, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}

/** Whether `live` already holds what writing `desired` would make it (so no write is made). */
export function manifestUnchanged(live: KubernetesObject, desired: Manifest): boolean {
  const { metadata, ...content } = desired;
  const liveMeta = live.metadata ?? {};
  const uids = (refs: Array<{ uid: string }> | undefined) => JSON.stringify((refs ?? []).map((ref) => ref.uid).sort());
  if (uids(metadata.ownerReferences as Owner[] | undefined) !== uids(liveMeta.ownerReferences)) return false;
  // created-by removed (policy no longer Owner) is a change the subset checks below cannot see.
  if (metadata.labels?.[LABEL_CREATED_BY] === undefined && liveMeta.labels?.[LABEL_CREATED_BY] !== undefined) return false;
  const { metadata: _m, status: _s, ...liveContent } = live as Record<string, unknown>;
  return within(metadata.labels ?? {}, liveMeta.labels ?? {}) && within(metadata.annotations ?? {}, liveMeta.annotations ?? {}) && within(content, liveContent) && within(liveContent, { ...liveContent, ...content });
}
