// `secrets-bridge gen-crds`: writes the CRDs generated from the zod schemas to one or more directories
// (crds/ and the Helm chart's copy), or checks that those directories are up to date.
import type { z } from "zod";
import { checkCrds, generateCrdsFor, GENERATED_HEADER, writeCrds, type CrdFile } from "../crdgen/index.ts";

/** A kustomization.yaml listing the CRDs, so kustomize bases can include the directory. */
function withKustomization(files: CrdFile[]): CrdFile[] {
  const resources = files.map((file) => `  - ${file.fileName}`).join("\n");
  const yaml = `${GENERATED_HEADER}\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources}\n`;
  return [...files, { fileName: "kustomization.yaml", yaml }];
}

export function genCrdsCommand(opts: { out: string[]; check?: string[] }, providerSlices: Record<string, z.ZodType>): number {
  const files = withKustomization(generateCrdsFor(providerSlices));
  if (opts.check) {
    let stale = 0;
    for (const dir of opts.check) {
      const problems = checkCrds(dir, files);
      if (problems.length > 0) {
        stale++;
        console.error(`${dir} is stale; run \`npm run gen:crds\`:\n  ${problems.join("\n  ")}`);
      } else {
        console.log(`${dir} is up to date (${files.length} CRDs)`);
      }
    }
    return stale > 0 ? 1 : 0;
  }
  for (const dir of opts.out) {
    writeCrds(dir, files);
    console.log(`wrote ${files.length} CRDs to ${dir}`);
  }
  return 0;
}
