// From a generatorRef to generated values: which object to read (the namespaced kind in the ExternalSecret's
// namespace, or a ClusterGenerator and its spec.generator.<kind>Spec), its spec checked against the kind's
// schema and the tenant rules, then one run. Reading is the caller's (a live GET in the operator, the manifests
// in `render`), and so is the context provider-backed generators run with.
import { GENERATOR_API_VERSION, type GeneratorObject } from "../api/generators.ts";
import type { GeneratorRef } from "../api/external-secret.ts";
import { ConfigError, NoSecretError } from "../provider/errors.ts";
import { ambientRefusal, endpointRefusal } from "../provider/tenant-policy.ts";
import { GENERATORS, servedGenerator } from "./registry.ts";
import { GeneratorError, type GenerateContext, type Generator } from "./types.ts";

/** Reads a generator object; undefined when it does not exist. `namespace` is undefined for ClusterGenerator. */
export type ReadGenerator = (kind: string, name: string, namespace: string | undefined) => Promise<GeneratorObject | undefined>;

/** What a run may use besides the generator object. Every field is optional: without them only offline generators run. */
export interface GenerateEnv {
  /** The served generators (registry.ts servedGenerators); default: the offline ones. */
  generators?: ReadonlyArray<Generator<any>>;
  /** The context of one run, for the object's scope and the ExternalSecret's namespace (kube/generators.ts). */
  context?: (scope: GenerateContext["scope"], namespace: string) => GenerateContext;
  /** --allow-ambient-credentials-for-namespaced-stores: namespaced generators may use the operator's identity too. */
  allowAmbientForNamespaced?: boolean;
}

const servedList = (generators: ReadonlyArray<Generator<any>>) => generators.map((generator) => generator.kind).join(", ");

function parseSpec(generator: Generator<any>, raw: unknown, where: string): unknown {
  const parsed = generator.spec.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  // zod's messages name the rule broken, not the value.
  throw new GeneratorError(`${where}: invalid spec: ${parsed.error.issues.map((i) => `${i.path.join(".") || "spec"}: ${i.message}`).join("; ")}`);
}

/**
 * The tenant rules of issue 14, for generators: a namespaced generator is written by the app team like a
 * SecretStore, so it may not authenticate as the operator and may send credentials only over https (or to
 * loopback). A ClusterGenerator, like a ClusterSecretStore, may use the operator's identity; its endpoints are
 * the platform's choice.
 */
function tenantRefusal(generator: Generator<any>, spec: unknown, scope: GenerateContext["scope"], env: GenerateEnv): string | undefined {
  const ambient = ambientRefusal(scope === "Cluster" ? "ClusterSecretStore" : "SecretStore", generator.operatorIdentity?.(spec), env.allowAmbientForNamespaced ?? false);
  if (ambient) return ambient.replace("a SecretStore may not", `a namespaced ${generator.kind} may not`).replace("use a ClusterSecretStore", "use a ClusterGenerator");
  if (scope === "Cluster") return undefined;
  for (const [field, url] of Object.entries(generator.endpoints?.(spec) ?? {})) {
    const refused = endpointRefusal(field, url);
    if (refused) return refused;
  }
  return undefined;
}

async function run(generator: Generator<any>, raw: unknown, where: string, scope: GenerateContext["scope"], namespace: string, env: GenerateEnv) {
  const spec = parseSpec(generator, raw, where);
  const refused = tenantRefusal(generator, spec, scope, env);
  if (refused) throw new GeneratorError(`${where}: ${refused}`);
  try {
    return await generator.generate(spec, env.context?.(scope, namespace));
  } catch (err) {
    // A provider's ConfigError (a missing credentials Secret, a refused ref) would wait for the ExternalSecret to
    // change, and its NoSecretError would apply deletionPolicy: neither fits a generator, whose object is not
    // watched and whose values have no "gone" state. Both become GeneratorErrors, retried with backoff.
    if (err instanceof ConfigError) throw new GeneratorError(`${where}: ${err.message}`, "InvalidGeneratorSpec");
    if (err instanceof NoSecretError) throw new GeneratorError(`${where}: ${err.message}`, "GeneratorUnavailable");
    throw err;
  }
}

export async function generateFromRef(ref: GeneratorRef, namespace: string, read: ReadGenerator, env: GenerateEnv = {}): Promise<Record<string, Uint8Array>> {
  const generators = env.generators ?? GENERATORS;
  if (ref.apiVersion !== undefined && ref.apiVersion !== GENERATOR_API_VERSION) throw new ConfigError(`generatorRef ${ref.kind}/${ref.name}: apiVersion must be ${GENERATOR_API_VERSION}`);
  if (ref.kind !== "ClusterGenerator") {
    const generator = servedGenerator(ref.kind, generators);
    if (!generator) throw new ConfigError(`generatorRef ${ref.kind}/${ref.name}: generator kind ${ref.kind} is not supported by secrets-bridge yet (served: ${servedList(generators)} and ClusterGenerator)`);
    const obj = await read(ref.kind, ref.name, namespace);
    if (!obj) throw new GeneratorError(`${ref.kind} ${namespace}/${ref.name} not found`, "GeneratorNotFound");
    return run(generator, obj.spec, `${ref.kind} ${ref.name}`, "Namespaced", namespace, env);
  }
  const obj = await read("ClusterGenerator", ref.name, undefined);
  if (!obj) throw new GeneratorError(`ClusterGenerator ${ref.name} not found`, "GeneratorNotFound");
  const spec = (obj.spec ?? {}) as { kind?: string; generator?: Record<string, unknown> };
  const where = `ClusterGenerator ${ref.name}`;
  const generator = servedGenerator(spec.kind ?? "", generators);
  // The ClusterGenerator is not the ExternalSecret's spec: a fix to it is picked up by the retry.
  if (!generator) throw new GeneratorError(`${where}: generator kind ${spec.kind} is not supported by secrets-bridge yet (served: ${servedList(generators)})`);
  const inner = spec.generator?.[generator.specKey];
  if (inner === undefined) throw new GeneratorError(`${where}: spec.generator.${generator.specKey} is missing for kind ${spec.kind}`);
  return run(generator, inner, where, "Cluster", namespace, env);
}
