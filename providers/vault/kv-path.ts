// Where a remoteRef.key lives on the Vault API, following ESO's buildPath (providers/v1/vault): the store's
// `path` is the mount; KV v2 inserts `data/` (values) or `metadata/` (custom metadata, listing) after it.
// Without `path`, the key's first segment is the mount. A key that already starts with the mount keeps working.
import type { VaultProviderSpec } from "./schema.ts";

export type KvPart = "data" | "metadata";

/** The path without leading and trailing slashes (the lookbehind keeps it linear on a long run of slashes). */
export const trimSlashes = (path: string) => path.replace(/^\/+|(?<!\/)\/+$/g, "");

export function isV2(spec: Pick<VaultProviderSpec, "version">): boolean {
  return (spec.version ?? "v2") === "v2";
}

/** The API path (under /v1/) of `key` for values (`data`) or KV v2 metadata (`metadata`). */
export function kvPath(spec: Pick<VaultProviderSpec, "path" | "version">, key: string, part: KvPart = "data"): string {
  const v2 = isV2(spec);
  let out = trimSlashes(key);
  if (spec.path !== undefined && trimSlashes(spec.path) !== "") {
    const mount = trimSlashes(spec.path);
    if (out.startsWith(`${mount}/`)) {
      out = out.slice(mount.length + 1);
      if (v2 && out.startsWith(`${part}/`)) out = out.slice(part.length + 1);
    }
    return v2 ? `${mount}/${part}/${out}` : `${mount}/${out}`;
  }
  if (!v2) return out;
  const segments = out.split("/");
  if (segments[1] === part) return out;
  return [segments[0], part, ...segments.slice(1)].join("/");
}

/** The API path to LIST for find under `path` (relative to the mount); KV v2 lists the metadata tree. */
export function listPath(spec: Pick<VaultProviderSpec, "path" | "version">, path: string | undefined): string {
  const mount = trimSlashes(spec.path ?? "");
  const under = trimSlashes(path ?? "");
  const base = isV2(spec) ? `${mount}/metadata` : mount;
  return under ? `${base}/${under}` : base;
}

/**
 * The KV v2 metadata path of the same secret as `kvPath(spec, key, "data")`: that path with its `data` segment
 * (right after the mount) swapped. Derived from the data path, so a push marks and deletes exactly the secret it
 * reads and writes, whichever way the key is spelled (ESO builds the two separately and can disagree, e.g. for
 * a key that repeats the mount).
 */
export function kvMetadataPath(spec: Pick<VaultProviderSpec, "path" | "version">, key: string): string {
  const segments = kvPath(spec, key, "data").split("/");
  const mountSegments = spec.path !== undefined && trimSlashes(spec.path) !== "" ? trimSlashes(spec.path).split("/").length : 1;
  segments[mountSegments] = "metadata";
  return segments.join("/");
}
