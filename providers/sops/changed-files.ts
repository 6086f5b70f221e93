// Which remote keys of a Git-backed SOPS store a push changed (issue 20): the pushed commits name files relative
// to the repository; keys are relative to source.git.path. Files outside that root are no key of this store.
import type { SopsProviderSpec } from "./schema.ts";
import { normalizePath } from "./paths.ts";

export function keysForChangedFiles(spec: SopsProviderSpec, files: readonly string[]): string[] | undefined {
  const git = spec.source.git;
  if (!git) return undefined;
  let root: string;
  try {
    root = normalizePath(git.path ?? "", "source.git.path");
  } catch {
    return undefined; // a bad path is the store's ConfigError; here it only means "cannot tell"
  }
  const keys = new Set<string>();
  for (const file of files) {
    let path: string;
    try {
      path = normalizePath(file, "changed file");
    } catch {
      continue; // a payload naming ".." names no file of ours
    }
    if (root === "") keys.add(path);
    else if (path.startsWith(`${root}/`)) keys.add(path.slice(root.length + 1));
  }
  return [...keys].sort();
}
