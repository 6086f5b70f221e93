// Generators: values made on each refresh instead of fetched (ESO's generators.external-secrets.io API).
export { GENERATORS, servedGenerator, servedGenerators } from "./registry.ts";
export { GeneratorError, type GenerateContext, type Generator } from "./types.ts";
export { generateFromRef, type GenerateEnv, type ReadGenerator } from "./resolve.ts";
