// From a generatorRef to generated values: which object to read (the namespaced kind in the ExternalSecret's
// namespace, or a ClusterGenerator and its spec.generator.<kind>Spec), its spec checked against the kind's
// schema, then one run. Reading is the caller's (a live GET in the operator, the manifests in `render`).
import { GENERATOR_API_VERSION, type GeneratorObject } from "../api/generators.ts";
import type { GeneratorRef } from "../api/external-secret.ts";
import { ConfigError } from "../provider/errors.ts";
import { GENERATORS, servedGenerator } from "./registry.ts";
import { GeneratorError, type Generator } from "./types.ts";

/** Reads a generator object; undefined when it does not exist. `namespace` is undefined for ClusterGenerator. */
export type ReadGenerator = (kind: string, name: string, namespace: string | undefined) => Promise<GeneratorObject | undefined>;

const SERVED = GENERATORS.map((generator) => generator.kind).join(", ");

function served(kind: string, where: string): Generator<any> {
  const generator = servedGenerator(kind);
  if (!generator) throw new ConfigError(`${where}: generator kind ${kind} is not supported by secrets-bridge yet (served: ${SERVED} and ClusterGenerator)`);
  return generator;
}

function parseSpec(generator: Generator<any>, raw: unknown, where: string): unknown {
  const parsed = generator.spec.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  // zod's messages name the rule broken, not the value.
  throw new GeneratorError(`${where}: invalid spec: ${parsed.error.issues.map((i) => `${i.path.join(".") || "spec"}: ${i.message}`).join("; ")}`);
}

export async function generateFromRef(ref: GeneratorRef, namespace: string, read: ReadGenerator): Promise<Record<string, Uint8Array>> {
  if (ref.apiVersion !== undefined && ref.apiVersion !== GENERATOR_API_VERSION) throw new ConfigError(`generatorRef ${ref.kind}/${ref.name}: apiVersion must be ${GENERATOR_API_VERSION}`);
  if (ref.kind !== "ClusterGenerator") {
    const generator = served(ref.kind, `generatorRef ${ref.kind}/${ref.name}`);
    const obj = await read(ref.kind, ref.name, namespace);
    if (!obj) throw new GeneratorError(`${ref.kind} ${namespace}/${ref.name} not found`, "GeneratorNotFound");
    return generator.generate(parseSpec(generator, obj.spec, `${ref.kind} ${ref.name}`));
  }
  const obj = await read("ClusterGenerator", ref.name, undefined);
  if (!obj) throw new GeneratorError(`ClusterGenerator ${ref.name} not found`, "GeneratorNotFound");
  const spec = (obj.spec ?? {}) as { kind?: string; generator?: Record<string, unknown> };
  const where = `ClusterGenerator ${ref.name}`;
  const generator = servedGenerator(spec.kind ?? "");
  // The ClusterGenerator is not the ExternalSecret's spec: a fix to it is picked up by the retry.
  if (!generator) throw new GeneratorError(`${where}: generator kind ${spec.kind} is not supported by secrets-bridge yet (served: ${SERVED})`);
  const inner = spec.generator?.[generator.specKey];
  if (inner === undefined) throw new GeneratorError(`${where}: spec.generator.${generator.specKey} is missing for kind ${spec.kind}`);
  return generator.generate(parseSpec(generator, inner, where));
}
