// `secrets-bridge gen-crds`: writes crds/ from the zod schemas, or checks that crds/ is up to date.
import type { z } from "zod";
import { checkCrds, generateCrdsFor, writeCrds } from "../crdgen/index.ts";

export function genCrdsCommand(opts: { out: string; check?: string }, providerSlices: Record<string, z.ZodType>): number {
  const files = generateCrdsFor(providerSlices);
  if (opts.check) {
    const problems = checkCrds(opts.check, files);
    if (problems.length > 0) {
      console.error(`${opts.check} is stale; run \`npm run gen:crds\`:\n  ${problems.join("\n  ")}`);
      return 1;
    }
    console.log(`${opts.check} is up to date (${files.length} CRDs)`);
    return 0;
  }
  writeCrds(opts.out, files);
  console.log(`wrote ${files.length} CRDs to ${opts.out}`);
  return 0;
}
