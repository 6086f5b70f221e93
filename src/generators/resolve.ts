// From a generatorRef to generated values: which object to read (the namespaced kind in the ExternalSecret's
// namespace, or a ClusterGenerator and its spec.generator.<kind>Spec), its spec checked against the kind's
// schema and the tenant rules, then one run. Reading is the caller's (a live GET in the operator, the manifests
// in `render`), and so is the context provider-backed generators run with.
import { GENERATOR_API_VERSION, type GeneratorObject } from "../api/generators.ts";
import type { GeneratorResource } from "../api/generator-state.ts";
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

const unsupported = (kind: string, name: string, generators: ReadonlyArray<Generator<any>>) =>
  new ConfigError(`generatorRef ${kind}/${name}: generator kind ${kind} is not supported by secrets-bridge yet (served: ${servedList(generators)} and ClusterGenerator)`);

/** A generator object made ready to run: what serves it, its checked spec, its scope and how messages name it. */
interface Resolved {
  generator: Generator<any>;
  spec: unknown;
  scope: GenerateContext["scope"];
  where: string;
}

/** What a stateful run kept, with the generator object it ran from (a GeneratorState's resource and state). */
export interface KeptState {
  resource: GeneratorResource;
  state: Record<string, string>;
}

/** Where a run's kept state goes (src/generators/state/run-states.ts); absent: stateful generators keep nothing. */
export type KeepState = (kept: KeptState) => void;

/**
 * The generator, spec and scope of a generator object: a namespaced kind as it is, a ClusterGenerator through its
 * spec.generator.<kind>Spec. Both a live object (generate) and a GeneratorState's snapshot (cleanup) go this way, so
 * the schema and the tenant rules are checked again on whatever a cleanup would run.
 */
function resolveObject(kind: string, obj: GeneratorObject | GeneratorResource, namespace: string, env: GenerateEnv): Resolved {
  const generators = env.generators ?? GENERATORS;
  const name = obj.metadata.name;
  let resolved: Resolved;
  if (kind !== "ClusterGenerator") {
    const generator = servedGenerator(kind, generators);
    if (!generator) throw unsupported(kind, name, generators);
    const where = `${kind} ${name}`;
    resolved = { generator, spec: parseSpec(generator, obj.spec, where), scope: "Namespaced", where };
  } else {
    const spec = (obj.spec ?? {}) as { kind?: string; generator?: Record<string, unknown> };
    const where = `ClusterGenerator ${name}`;
    const generator = servedGenerator(spec.kind ?? "", generators);
    // The ClusterGenerator is not the ExternalSecret's spec: a fix to it is picked up by the retry.
    if (!generator) throw new GeneratorError(`${where}: generator kind ${spec.kind} is not supported by secrets-bridge yet (served: ${servedList(generators)})`);
    const inner = spec.generator?.[generator.specKey];
    if (inner === undefined) throw new GeneratorError(`${where}: spec.generator.${generator.specKey} is missing for kind ${spec.kind}`);
    resolved = { generator, spec: parseSpec(generator, inner, where), scope: "Cluster", where };
  }
  const refused = tenantRefusal(resolved.generator, resolved.spec, resolved.scope, env);
  if (refused) throw new GeneratorError(`${resolved.where}: ${refused}`);
  return resolved;
}

/** A provider's ConfigError or NoSecretError, as the GeneratorError it is for a generator (see run). */
function asGeneratorError(err: unknown, where: string): unknown {
  // A provider's ConfigError (a missing credentials Secret, a refused ref) would wait for the ExternalSecret to
  // change, and its NoSecretError would apply deletionPolicy: neither fits a generator, whose object is not
  // watched and whose values have no "gone" state. Both become GeneratorErrors, retried with backoff.
  if (err instanceof ConfigError) return new GeneratorError(`${where}: ${err.message}`, "InvalidGeneratorSpec");
  if (err instanceof NoSecretError) return new GeneratorError(`${where}: ${err.message}`, "GeneratorUnavailable");
  return err;
}

/** The snapshot a GeneratorState keeps: the object's identity and spec, nothing of its status or metadata beyond. */
function snapshotOf(kind: string, obj: GeneratorObject, namespace: string | undefined): GeneratorResource {
  return { apiVersion: GENERATOR_API_VERSION, kind, metadata: namespace ? { name: obj.metadata.name, namespace } : { name: obj.metadata.name }, spec: obj.spec ?? {} };
}

export async function generateFromRef(ref: GeneratorRef, namespace: string, read: ReadGenerator, env: GenerateEnv = {}, keep?: KeepState): Promise<Record<string, Uint8Array>> {
  if (ref.apiVersion !== undefined && ref.apiVersion !== GENERATOR_API_VERSION) throw new ConfigError(`generatorRef ${ref.kind}/${ref.name}: apiVersion must be ${GENERATOR_API_VERSION}`);
  const cluster = ref.kind === "ClusterGenerator";
  const generators = env.generators ?? GENERATORS;
  // Checked before the read: a kind we do not serve is the ExternalSecret's problem, fixed by changing it.
  if (!cluster && !servedGenerator(ref.kind, generators)) throw unsupported(ref.kind, ref.name, generators);
  const obj = await read(ref.kind, ref.name, cluster ? undefined : namespace);
  if (!obj) throw new GeneratorError(cluster ? `ClusterGenerator ${ref.name} not found` : `${ref.kind} ${namespace}/${ref.name} not found`, "GeneratorNotFound");
  const { generator, spec, scope, where } = resolveObject(ref.kind, obj, namespace, env);
  const context = env.context?.(scope, namespace);
  const resource = snapshotOf(ref.kind, obj, cluster ? undefined : namespace);
  const ctx = context && keep ? { ...context, keepState: (state: Record<string, string>) => keep({ resource, state }) } : context;
  try {
    return await generator.generate(spec, ctx);
  } catch (err) {
    throw asGeneratorError(err, where);
  }
}

/**
 * Cleans up what one run made, from a GeneratorState's resource and state, in the state's namespace. The caller has
 * verified the state is one this operator wrote (signature.ts); the spec is checked here as if it were generated
 * again. "nothing": the generator keeps no state (ESO's no-op Cleanup).
 */
export async function cleanupFromResource(resource: GeneratorResource, state: Record<string, string>, namespace: string, env: GenerateEnv): Promise<"cleaned" | "nothing"> {
  if (resource.apiVersion !== GENERATOR_API_VERSION) throw new GeneratorError(`GeneratorState resource: apiVersion must be ${GENERATOR_API_VERSION}`);
  if (resource.kind !== "ClusterGenerator" && resource.metadata.namespace !== namespace) throw new GeneratorError(`GeneratorState resource: ${resource.kind} ${resource.metadata.name} is not of namespace ${namespace}`);
  const { generator, spec, scope, where } = resolveObject(resource.kind, resource, namespace, env);
  if (!generator.cleanup) return "nothing";
  const ctx = env.context?.(scope, namespace);
  if (!ctx) throw new GeneratorError(`${where}: cleanup needs the operator's Kubernetes access`, "GeneratorUnavailable");
  try {
    await generator.cleanup(spec, state, ctx);
    return "cleaned";
  } catch (err) {
    throw asGeneratorError(err, where);
  }
}
