// File paths inside a store: normalised, and never allowed to leave the store's root (source.git.path), so a
// tenant's ExternalSecret reads only the files its store exposes.
import { ConfigError } from "../../src/provider/errors.ts";

/** "a/./b//c.yaml" -> "a/b/c.yaml"; "" for the root. Throws ConfigError for ".." or control characters. */
export function normalizePath(path: string, what: string): string {
  if (/[\u0000-\u001f]/.test(path)) throw new ConfigError(`${what} contains control characters`);
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") throw new ConfigError(`${what} ${JSON.stringify(path)} may not contain ".." (files outside the store's root are not readable)`);
    parts.push(part);
  }
  return parts.join("/");
}

/** The file path a remoteRef.key names (relative to the store's root). */
export function filePath(key: string): string {
  const path = normalizePath(key, "remoteRef.key");
  if (path === "") throw new ConfigError("remoteRef.key must name a file");
  return path;
}

/** Whether `file` lies under the find.path prefix (a directory or a file-name prefix, as ESO's providers match paths). */
export function underPrefix(file: string, prefix: string | undefined): boolean {
  if (!prefix) return true;
  const normalized = normalizePath(prefix, "find.path");
  return normalized === "" || file.startsWith(normalized);
}
