// The generator contract: a kind, the zod schema of its spec, and a function from a parsed spec to the keys it
// generates. Generators run on every due refresh (src/reconcilers/external-secret/fetch.ts), so they must be
// cheap for any spec their schema accepts: bounds live in src/api/generators.ts and in each generate().
import type { z } from "zod";
import { ProviderError } from "../provider/errors.ts";

/** The ClusterGenerator field that holds each served kind's spec (ESO's names). */
export type GeneratorSpecKey = "passwordSpec" | "uuidSpec" | "sshKeySpec" | "fakeSpec";

export interface Generator<Spec> {
  kind: "Password" | "UUID" | "SSHKey" | "Fake";
  specKey: GeneratorSpecKey;
  spec: z.ZodType<Spec>;
  /** Why a spec the schema accepts still cannot be generated (an impossible policy, a size we refuse), or undefined. */
  problem(spec: Spec): string | undefined;
  /** Fresh values for the spec. Throws GeneratorError when the spec cannot be met (never with a generated value in it). */
  generate(spec: Spec): Promise<Record<string, Uint8Array>>;
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
