// Secret Manager resource names and the pure decisions around them: versions, find filters, the metadata
// document that `metadataPolicy: Fetch` returns.
import { ConfigError } from "../../src/provider/errors.ts";
import { goJson } from "../../src/provider/json-value.ts";
import type { FindRequest } from "../../src/provider/types.ts";
import type { GoRegexp } from "../../src/regexp/index.ts";

export interface Scope {
  project: string;
  /** Regional secrets live under projects/P/locations/L. */
  location?: string | undefined;
}

export function parentName(scope: Scope): string {
  return scope.location ? `projects/${scope.project}/locations/${scope.location}` : `projects/${scope.project}`;
}

/** A key is a secret id, or a full resource name (`projects/P/secrets/S`), used as given. */
export function secretName(scope: Scope, key: string): string {
  if (key.startsWith("projects/")) {
    if (!/^projects\/[^/]+(\/locations\/[^/]+)?\/secrets\/[^/]+$/.test(key)) throw new ConfigError(`key ${key} is not a secret resource name (projects/P/secrets/S)`);
    return key;
  }
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(key)) throw new ConfigError(`key ${key} is not a valid Secret Manager secret id (letters, digits, - and _)`);
  return `${parentName(scope)}/secrets/${key}`;
}

/** `version` is a version number or `latest` (the default). */
export function versionId(version: string | undefined): string {
  if (version === undefined || version === "" || version === "latest") return "latest";
  // ESO accepts "versions/N" as well as "N".
  const id = version.startsWith("versions/") ? version.slice("versions/".length) : version;
  if (!/^[1-9][0-9]*$/.test(id)) throw new ConfigError(`version ${version} is neither a version number nor "latest"`);
  return id;
}

export function versionName(scope: Scope, key: string, version: string | undefined): string {
  return `${secretName(scope, key)}/versions/${versionId(version)}`;
}

/** The secret id at the end of a resource name. */
export function shortName(resourceName: string): string {
  return resourceName.slice(resourceName.lastIndexOf("/") + 1);
}

/** The version number at the end of a version's resource name, or 0. */
export function versionNumber(resourceName: string): number {
  const n = Number(shortName(resourceName));
  return Number.isInteger(n) ? n : 0;
}

const LABEL_TEXT = /^[a-z0-9_-]{1,63}$/;

/**
 * The server-side `filter` for ListSecrets (labels only, when they are plain label text), or undefined. It
 * only narrows the listing: the result is filtered again by `matchesFind`, because some servers (emulators)
 * ignore the filter.
 */
export function listFilter(request: FindRequest): string | undefined {
  const tags = Object.entries(request.tags ?? {});
  if (tags.length === 0 || !tags.every(([key, value]) => LABEL_TEXT.test(key) && (value === "" || LABEL_TEXT.test(value)))) return undefined;
  return tags.map(([key, value]) => `labels.${key}=${value}`).join(" AND ");
}

/** Whether a listed secret matches find: name regexp (compiled once by findNameRegexp), path as a name prefix, and every tag as a label. */
export function matchesFind(id: string, labels: Record<string, string> | null | undefined, request: FindRequest, pattern: GoRegexp | undefined): boolean {
  if (request.path && !id.startsWith(request.path)) return false;
  if (pattern && !pattern.test(id)) return false;
  for (const [key, value] of Object.entries(request.tags ?? {})) if (labels?.[key] !== value) return false;
  return true;
}

/** What `metadataPolicy: Fetch` reads: the secret's labels and annotations, as one JSON document. */
export function metadataDocument(labels: Record<string, string> | null | undefined, annotations: Record<string, string> | null | undefined): string {
  // ESO: json.Marshal of the maps (keys sorted, Go escaping).
  return goJson({ annotations: { ...annotations }, labels: { ...labels } });
}
