// Labels and annotations on the objects we manage, spelled as ESO spells them so a swap adopts Secrets without churn.
import { createHash } from "node:crypto";

export const LABEL_MANAGED = "reconcile.external-secrets.io/managed";
export const LABEL_CREATED_BY = "reconcile.external-secrets.io/created-by";
/**
 * The created-by value ESO 2.9 writes (applyOwnership): esutils.ObjectHash("<namespace>/<name>"), i.e. SHA3-224
 * of Go's `%+v` of that string (the string itself), in hex: always 56 characters, so it fits a label value untruncated.
 */
export const createdByValue = (namespace: string, name: string): string => createHash("sha3-224").update(`${namespace}/${name}`).digest("hex");
export const ANNOTATION_DATA_HASH = "reconcile.external-secrets.io/data-hash";
/** Field manager for server-side apply in Merge mode, as ESO names it: keys it applied are the keys it owns. */
export const fieldManagerFor = (esName: string): string => `externalsecrets.external-secrets.io/${esName}`;
/** The field manager of our own plain writes (create/replace). */
export const FIELD_MANAGER = "secrets-bridge";
/**
 * Ours (rolloutRestartTargets): on a workload's pod template, a hash of the data of the managed Secrets it depends on.
 * The same data gives the same value, so writing it again never rolls the workload (issue 19).
 */
export const ANNOTATION_SECRETS_HASH = "secrets-bridge.dev/secrets-hash";
/**
 * Ours, on the workload's own metadata (not its pod template: changing it rolls nothing): the data digest of each
 * Secret at the workload's last restart, so an operator that crashed before a restart can tell after it starts.
 */
export const ANNOTATION_RESTARTED_FOR = "secrets-bridge.dev/restarted-for";
