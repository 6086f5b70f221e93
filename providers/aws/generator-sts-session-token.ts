// ESO's STSSessionToken generator: temporary credentials from STS GetSessionToken, with the aws store's auth
// (static keys from a Secret, optionally an assumed role) and its STS endpoint rules. The object is small and
// static; the run (and the SDK) is loaded on first use, like the store's connect.
import type { z } from "zod";
import { stsSessionTokenSpec } from "../../src/api/generators.ts";
import { GeneratorError, type Generator } from "../../src/generators/types.ts";
import { defaultChainIdentity } from "./auth-method.ts";
import { AwsAuth } from "./schema.ts";

export const STSSessionTokenSpec = stsSessionTokenSpec(AwsAuth.optional());
export type STSSessionTokenSpec = z.infer<typeof STSSessionTokenSpec>;

export const stsSessionToken: Generator<STSSessionTokenSpec> = {
  kind: "STSSessionToken",
  specKey: "stsSessionTokenSpec",
  spec: STSSessionTokenSpec,
  problem(spec) {
    // ESO's words: GetSessionToken needs an IAM user's long-term keys; web identity has none.
    if (spec.auth?.jwt) return "jwt auth cannot be used for STS Session Token generation";
    return undefined;
  },
  operatorIdentity: defaultChainIdentity,
  endpoints: (spec): Record<string, string> => (spec.endpoints?.sts ? { "endpoints.sts": spec.endpoints.sts } : {}),
  async generate(spec, ctx) {
    const problem = stsSessionToken.problem(spec);
    if (problem) throw new GeneratorError(`STSSessionToken: ${problem}`);
    if (!ctx) throw new GeneratorError("STSSessionToken needs the operator's Kubernetes access and AWS; it is not generated offline", "GeneratorUnavailable");
    return (await import("./sts-session-token.ts")).generateSessionToken(spec, ctx);
  },
};
