// ESO's ECRAuthorizationToken generator: a registry login from ECR GetAuthorizationToken, with the aws store's
// auth (static keys, web identity through a chosen ServiceAccount, an assumed role) and endpoint rules; scope
// "public" asks ECR Public instead of the region's private registry. The run is loaded on first use.
import type { z } from "zod";
import { ecrAuthorizationTokenSpec } from "../../src/api/generators.ts";
import { onlineGenerate, type Generator } from "../../src/generators/types.ts";
import { defaultChainIdentity } from "./auth-method.ts";
import { AwsAuth } from "./schema.ts";

export const ECRAuthorizationTokenSpec = ecrAuthorizationTokenSpec(AwsAuth.optional());
export type ECRAuthorizationTokenSpec = z.infer<typeof ECRAuthorizationTokenSpec>;

export const ecrAuthorizationToken: Generator<ECRAuthorizationTokenSpec> = {
  kind: "ECRAuthorizationToken",
  specKey: "ecrAuthorizationTokenSpec",
  spec: ECRAuthorizationTokenSpec,
  problem(spec) {
    if (spec.scope !== undefined && spec.scope !== "" && spec.scope !== "private" && spec.scope !== "public") return `scope must be "private" or "public"`;
    return undefined;
  },
  operatorIdentity: defaultChainIdentity,
  endpoints: (spec) => Object.fromEntries(Object.entries(spec.endpoints ?? {}).filter((entry): entry is [string, string] => Boolean(entry[1])).map(([kind, url]) => [`endpoints.${kind}`, url])),
  generate: onlineGenerate("ECRAuthorizationToken", "AWS", (spec) => ecrAuthorizationToken.problem(spec), async (spec, ctx) => (await import("./ecr-authorization-token.ts")).generateEcrToken(spec, ctx)),
};
