// Labels and annotations on the objects we manage, spelled as ESO spells them so a swap adopts Secrets without churn.

export const LABEL_MANAGED = "reconcile.external-secrets.io/managed";
export const LABEL_CREATED_BY = "reconcile.external-secrets.io/created-by";
export const ANNOTATION_DATA_HASH = "reconcile.external-secrets.io/data-hash";
/** Field manager for server-side apply in Merge mode, as ESO names it: keys it applied are the keys it owns. */
export const fieldManagerFor = (esName: string): string => `externalsecrets.external-secrets.io/${esName}`;
/** The field manager of our own plain writes (create/replace). */
export const FIELD_MANAGER = "secrets-bridge";
