// Writes generated CRDs to disk and checks a directory against them (CI fails when crds/ is stale).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_HEADER } from "./render.ts";
import type { CrdFile } from "./render.ts";

const isYaml = (name: string) => name.endsWith(".yaml") || name.endsWith(".yml");

function listYaml(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isYaml).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Writes every file (creating `dir`) and deletes generated files that are no longer produced (a removed
 * kind). Hand-written YAML in `dir` is left alone: checkCrds keeps reporting it, a human decides.
 */
export function writeCrds(dir: string, files: CrdFile[]): void {
  mkdirSync(dir, { recursive: true });
  const wanted = new Set(files.map((file) => file.fileName));
  for (const name of listYaml(dir)) {
    if (wanted.has(name)) continue;
    if (readOrUndefined(join(dir, name))?.startsWith(GENERATED_HEADER)) rmSync(join(dir, name));
  }
  for (const file of files) {
    if (readOrUndefined(join(dir, file.fileName)) !== file.yaml) writeFileSync(join(dir, file.fileName), file.yaml);
  }
}

/**
 * Compares `dir` with freshly generated files. Returns one line per problem, `missing: <file>`,
 * `stale: <file>` or `extra: <file>` (any YAML in `dir` we did not generate); empty means up to date.
 */
export function checkCrds(dir: string, files: CrdFile[]): string[] {
  const problems: string[] = [];
  const wanted = new Set(files.map((file) => file.fileName));
  for (const file of [...files].sort((a, b) => (a.fileName < b.fileName ? -1 : 1))) {
    const current = readOrUndefined(join(dir, file.fileName));
    if (current === undefined) problems.push(`missing: ${file.fileName}`);
    else if (current !== file.yaml) problems.push(`stale: ${file.fileName}`);
  }
  for (const name of listYaml(dir)) if (!wanted.has(name)) problems.push(`extra: ${name}`);
  return problems;
}
