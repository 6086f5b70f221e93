// ESO's STSSessionToken generator: temporary credentials from STS GetSessionToken, with the aws store's auth
// (static keys from a Secret, optionally an assumed role) and its STS endpoint rules. The object is small and
// static; the run (and the SDK) is loaded on first use, like the store's connect.
import type { z } from "zod";
import { stsSessionTokenSpec } from "../../src/api/generators.ts";
import { onlineGenerate, type Generator } from "../../src/generators/types.ts";
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
  generate: onlineGenerate("STSSessionToken", "AWS", (spec) => stsSessionToken.problem(spec), async (spec, ctx) => (await import("./sts-session-token.ts")).generateSessionToken(spec, ctx)),
};
