// The Secret an ExternalSecret wants, and whether an existing Secret already is that Secret (pure).
import type { V1OwnerReference, V1Secret } from "@kubernetes/client-node";
import type { ExternalSecret } from "../../api/external-secret.ts";
import type { ResolvedTarget } from "../../api/defaults.ts";
import { ANNOTATION_DATA_HASH, LABEL_CREATED_BY, LABEL_MANAGED, createdByValue, fieldManagerFor } from "../../api/markers.ts";
import { API_VERSION } from "../../api/common.ts";
import { ConfigError } from "../../provider/errors.ts";
import type { Rendered } from "../../template/index.ts";
import { dataHash } from "./hashes.ts";

export interface DesiredSecret {
  name: string;
  namespace: string;
  type: string | undefined;
  data: Record<string, Uint8Array>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  immutable: boolean;
  ownerReference: V1OwnerReference | undefined;
}

const VALID_KEY = /^[-._a-zA-Z0-9]+$/;

export function ownerReferenceFor(es: ExternalSecret): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: "ExternalSecret", name: es.metadata.name, uid: es.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function desiredSecret(es: ExternalSecret, target: ResolvedTarget, rendered: Rendered): DesiredSecret {
  for (const key of Object.keys(rendered.data)) {
    if (!VALID_KEY.test(key) || key.length > 253) throw new ConfigError(`${JSON.stringify(key)} is not a valid Secret key`);
  }
  const merging = target.creationPolicy === "Merge" || target.creationPolicy === "CreateOrMerge";
  const labels = { ...rendered.labels };
  const annotations = { ...rendered.annotations };
  if (!merging) {
    labels[LABEL_MANAGED] = "true";
    if (target.creationPolicy === "Owner") labels[LABEL_CREATED_BY] = createdByValue(es.metadata.namespace!, es.metadata.name);
    annotations[ANNOTATION_DATA_HASH] = dataHash(rendered.data);
  }
  return {
    name: target.name,
    namespace: es.metadata.namespace!,
    type: rendered.type,
    data: rendered.data,
    labels,
    annotations,
    immutable: target.immutable,
    ownerReference: target.creationPolicy === "Owner" ? ownerReferenceFor(es) : undefined,
  };
}

export function decodeData(secret: V1Secret): Record<string, Uint8Array> {
  // fromEntries defines own properties: "__proto__" is a valid Secret key and must stay one.
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, new Uint8Array(Buffer.from(value, "base64"))]));
}

export function encodeData(data: Record<string, Uint8Array>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) out[key] = Buffer.from(value).toString("base64");
  return out;
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));

function includesAll(have: Record<string, string> | undefined, want: Record<string, string>): boolean {
  return Object.entries(want).every(([key, value]) => have?.[key] === value);
}

/** Who controls the object (a Secret, or a target.manifest resource): undefined (no controller), "us", or "other". */
export function controllerOf(secret: Pick<V1Secret, "metadata">, es: ExternalSecret): "us" | "other" | undefined {
  const controller = secret.metadata?.ownerReferences?.find((ref) => ref.controller);
  if (!controller) return undefined;
  return controller.uid === es.metadata.uid ? "us" : "other";
}

/**
 * Secrets this ExternalSecret made under an earlier `target.name` (creationPolicy Owner), which ESO deletes
 * (deleteOrphanedSecrets, found by its created-by label). Stricter than ESO: only a Secret whose controller
 * ownerReference is this ExternalSecret's uid and that carries the managed label; never one another object controls.
 */
export function orphanedSecrets(secrets: V1Secret[], es: ExternalSecret, targetName: string): V1Secret[] {
  return secrets.filter((secret) => secret.metadata?.name !== targetName && secret.metadata?.labels?.[LABEL_MANAGED] === "true" && controllerOf(secret, es) === "us");
}

/** Keys this ExternalSecret applied in Merge mode, from the Secret's managedFields (ESO's tracking). */
export function keysAppliedBy(secret: V1Secret, esName: string): string[] {
  const manager = fieldManagerFor(esName);
  const keys: string[] = [];
  for (const entry of secret.metadata?.managedFields ?? []) {
    if (entry.manager !== manager || entry.operation !== "Apply") continue;
    const data = (entry.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.["f:data"];
    for (const field of Object.keys(data ?? {})) if (field.startsWith("f:")) keys.push(field.slice(2));
  }
  return keys;
}

/** Whether `existing` holds exactly `desired`'s data; a cached Secret (values hashed) is compared by hash. */
function sameData(existing: V1Secret, desired: DesiredSecret): boolean {
  const cached = existing as CachedSecret;
  if (cached.dataDigest !== undefined) {
    // desiredSecret already hashed the data for its data-hash annotation (Owner/Orphan, the only cached path).
    const want = desired.annotations[ANNOTATION_DATA_HASH] ?? dataHash(desired.data);
    return cached.dataKeys?.length === Object.keys(desired.data).length && cached.dataDigest === want;
  }
  const have = decodeData(existing);
  if (Object.keys(have).length !== Object.keys(desired.data).length) return false;
  return Object.entries(desired.data).every(([key, value]) => sameBytes(have[key], value));
}

/** Whether `existing` (live, or the watch's cached copy for Owner/Orphan) already is what a write would make it. */
export function isCurrent(existing: V1Secret, desired: DesiredSecret, merging: boolean, esName: string): boolean {
  if (merging) {
    const have = decodeData(existing);
    const applied = keysAppliedBy(existing, esName);
    if (applied.some((key) => !(key in desired.data))) return false;
    if (!Object.entries(desired.data).every(([key, value]) => sameBytes(have[key], value))) return false;
  } else {
    if (!sameData(existing, desired)) return false;
    if (desired.ownerReference && !existing.metadata?.ownerReferences?.some((ref) => ref.uid === desired.ownerReference!.uid)) return false;
    if (desired.immutable && !existing.immutable) return false;
    // Orphan: ESO removes the created-by label (left from an earlier Owner), so that its orphan clean-up never finds it.
    if (!desired.ownerReference && existing.metadata?.labels?.[LABEL_CREATED_BY] !== undefined) return false;
  }
  if (desired.type && (existing.type ?? "Opaque") !== desired.type) return false;
  return includesAll(existing.metadata?.labels, desired.labels) && includesAll(existing.metadata?.annotations, desired.annotations);
}

/**
 * A managed Secret as the watch caches it: its values replaced by the hash of its data (and the key names
 * kept), so the operator's memory holds no secret value of a Secret it merely watches. Decisions at rest need
 * only "is the data still what we wrote?"; anything else reads the Secret live.
 */
export type CachedSecret = V1Secret & { dataDigest?: string; dataKeys?: string[] };

/** The informer's transform for managed Secrets: hash the data once per version, then drop the values. */
export function digestForCache(secret: V1Secret): void {
  const cached = secret as CachedSecret;
  // The informer may hand the same object to its transform twice (a relist re-delivering what it holds).
  if (cached.dataDigest !== undefined && cached.data === undefined) return;
  cached.dataKeys = Object.keys(secret.data ?? {});
  cached.dataDigest = dataHash(decodeData(secret));
  // Not `delete`: a property deleted turns the object into a slow dictionary (see dropManagedFields).
  cached.data = undefined;
}

/** The hash of a Secret's data (the watch's cached copy holds only this), never a value. */
export const dataDigestOf = (secret: V1Secret): string => (secret as CachedSecret).dataDigest ?? dataHash(decodeData(secret));

/**
 * The managed-Secret check used at rest: labelled as ours and its data still matches the hash we wrote.
 * Runs on every reconcile, due or not: on a cached Secret it compares two stored hashes.
 */
export function looksCurrent(secret: V1Secret | undefined): boolean {
  if (!secret) return false;
  if (secret.metadata?.labels?.[LABEL_MANAGED] !== "true") return false;
  return secret.metadata?.annotations?.[ANNOTATION_DATA_HASH] === dataDigestOf(secret);
}
