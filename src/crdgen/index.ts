// crdgen: src/api's zod schemas -> structural CustomResourceDefinitions (crds/). Used by `secrets-bridge gen-crds`.
import type { z } from "zod";
import { kinds } from "../api/kinds.ts";
import type { KindInfo } from "../api/kinds.ts";
import { renderCrd } from "./render.ts";
import type { CrdFile } from "./render.ts";

export { buildCrd, crdName, kindSchema } from "./crd.ts";
export type { Crd } from "./crd.ts";
export { checkCrds, writeCrds } from "./files.ts";
export { crdFileName, GENERATED_HEADER, toYaml } from "./render.ts";
export type { CrdFile } from "./render.ts";
export { toStructural } from "./structural.ts";
export { CrdSchemaError, toOpenApi } from "./to-openapi.ts";
export type { Schema } from "./to-openapi.ts";

/**
 * One YAML file per kind, sorted by file name. Pure and deterministic: the same kinds give byte-identical
 * output. Throws CrdSchemaError when a schema cannot be expressed as a structural CRD schema.
 */
export function generateCrds(kindList: KindInfo[]): CrdFile[] {
  return kindList.map(renderCrd).sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}

/**
 * Entry point for the CLI: the provider slices come from providers/index.ts (`providerSchemas()`), which
 * src/ must not import, so the caller hands them in.
 */
export function generateCrdsFor(providerSlices: Record<string, z.ZodType>): CrdFile[] {
  return generateCrds(kinds(providerSlices));
}
