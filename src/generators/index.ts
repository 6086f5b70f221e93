// Generators: values made on each refresh instead of fetched (ESO's generators.external-secrets.io API).
export { GENERATORS, servedGenerator } from "./registry.ts";
export { GeneratorError, type Generator } from "./types.ts";
export { generateFromRef, type ReadGenerator } from "./resolve.ts";
