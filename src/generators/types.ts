// The generator contract: a kind, the zod schema of its spec, and a function from a parsed spec to the keys it
// generates. Generators run on every due refresh (src/reconcilers/external-secret/fetch.ts), so they must be
// cheap for any spec their schema accepts: bounds live in src/api/generators.ts and in each generate().
// Offline generators (Password, UUID, SSHKey, Fake) live here; provider-backed ones (VaultDynamicSecret ...) live
// in their provider's folder and reach the operator through Provider.generators (src/provider/types.ts).
import type { z } from "zod";
import type { Logger } from "pino";
import type { ClusterGeneratorSpec, GeneratorKind } from "../api/generators.ts";
import type { KubeAccess } from "../kube/access.ts";
import { ProviderError } from "../provider/errors.ts";

/** The ClusterGenerator field that holds each kind's spec (ESO's names). */
export type GeneratorSpecKey = keyof ClusterGeneratorSpec["generator"];

/**
 * What a provider-backed generator gets for one run: the same things a provider gets to connect, with the rules of
 * the object the spec came from. A namespaced generator is a tenant's object, read like a SecretStore: its refs
 * resolve in the ExternalSecret's namespace only. A ClusterGenerator is the platform's, read like a
 * ClusterSecretStore: refs without a namespace resolve in the ExternalSecret's namespace. The operator's own
 * identity and endpoint overrides are checked by resolve.ts before generate is called (Generator.operatorIdentity,
 * Generator.endpoints); token audiences by KubeAccess.serviceAccountToken.
 */
export interface GenerateContext {
  /** Namespace of the ExternalSecret the values are for. */
  namespace: string;
  /** Where the spec came from: a namespaced generator (a tenant's) or a ClusterGenerator (the platform's). */
  scope: "Namespaced" | "Cluster";
  kube: KubeAccess;
  log: Logger;
  /**
   * Stateful generators call this with what cleanup will need once the values are replaced (a Vault lease id, a
   * token accessor): the operator keeps it in a GeneratorState (src/generators/state/). Never a value itself.
   */
  keepState?(state: Record<string, string>): void;
}

export interface Generator<Spec> {
  kind: Exclude<GeneratorKind, "ClusterGenerator">;
  specKey: GeneratorSpecKey;
  spec: z.ZodType<Spec>;
  /** Why a spec the schema accepts still cannot be generated (an impossible policy, a size we refuse), or undefined. */
  problem(spec: Spec): string | undefined;
  /**
   * Fresh values for the spec. Throws GeneratorError when the spec cannot be met (never with a generated value in
   * it), and the provider's typed errors (ProviderUnavailableError: retried with backoff). `ctx` is absent where
   * nothing but offline generation is possible (the CLI's render): a generator that needs it throws GeneratorError.
   */
  generate(spec: Spec, ctx?: GenerateContext): Promise<Record<string, Uint8Array>>;
  /**
   * Provider-backed generators: the operator's own identity the spec would authenticate as (its ServiceAccount
   * token ...), as Provider.operatorIdentity; refused for namespaced generators (tenant-policy.ts ambientRefusal).
   */
  operatorIdentity?(spec: Spec): string | undefined;
  /**
   * Revokes what one run made, from the state it kept (GenerateContext.keepState) and the spec it ran with. Absent:
   * the generator keeps nothing. Throws as generate does (ProviderUnavailableError: retried).
   */
  cleanup?(spec: Spec, state: Record<string, string>, ctx: GenerateContext): Promise<void>;
  /** Provider-backed generators: the URLs the spec sends credentials to, by field; https or loopback http for namespaced ones. */
  endpoints?(spec: Spec): Record<string, string>;
}

/**
 * The generator is missing, unreadable or its spec cannot be met. Not a ConfigError: the generator object is not
 * part of the ExternalSecret's spec and is not watched, so a fix to it must be picked up by the retry (backoff),
 * not wait for the ExternalSecret to change. The last good Secret stays.
 */
export class GeneratorError extends ProviderError {
  constructor(message: string, reason: "GeneratorNotFound" | "InvalidGeneratorSpec" | "GeneratorUnavailable" = "InvalidGeneratorSpec") {
    super(message, reason);
  }
}

export const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "utf8"));

/**
 * generate() of a provider-backed generator: its spec's problem and a missing cluster (the CLI's offline render) are
 * refused the same way for every one of them, then `run` (loaded on first use by the caller) does the work.
 */
export function onlineGenerate<Spec>(
  kind: string,
  backend: string,
  problem: (spec: Spec) => string | undefined,
  run: (spec: Spec, ctx: GenerateContext) => Promise<Record<string, Uint8Array>>,
): Generator<Spec>["generate"] {
  return async (spec, ctx) => {
    const why = problem(spec);
    if (why) throw new GeneratorError(`${kind}: ${why}`);
    if (!ctx) throw new GeneratorError(`${kind} needs the operator's Kubernetes access and ${backend}; it is not generated offline`, "GeneratorUnavailable");
    return run(spec, ctx);
  };
}
