// IRSA through a chosen ServiceAccount, as ESO does it: the role is the account's eks.amazonaws.com/role-arn
// annotation, the token is minted with TokenRequest (audience sts.amazonaws.com or the account's
// eks.amazonaws.com/audience, plus serviceAccountRef.audiences), then AssumeRoleWithWebIdentity.
import { AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import { ConfigError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import type { ConnectContext } from "../../src/provider/types.ts";
import type { AwsProviderSpec } from "./schema.ts";
import type { Credentials } from "./credentials.ts";
import { awsCall } from "./calls.ts";
import { fromStsCredentials, roleSessionName, stsClient } from "./sts.ts";

export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
export const AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience";
export const DEFAULT_AUDIENCE = "sts.amazonaws.com";
/** Lifetime of the minted ServiceAccount token; it is used once, right away. */
const TOKEN_SECONDS = 600;

/** The audiences of the minted token: the account's annotation (or STS's default) first, then the ref's. Pure. */
export function tokenAudiences(annotations: Record<string, string>, extra: string[] | undefined): string[] {
  return [...new Set([annotations[AUDIENCE_ANNOTATION] || DEFAULT_AUDIENCE, ...(extra ?? [])])];
}

export async function webIdentityCredentials(ctx: ConnectContext<AwsProviderSpec>, stsEndpoint: string | undefined): Promise<Credentials> {
  const ref = ctx.spec.auth!.jwt!.serviceAccountRef!;
  const annotations = await ctx.kube.serviceAccountAnnotations(ref);
  const roleArn = annotations[ROLE_ARN_ANNOTATION];
  if (!roleArn) {
    throw new ConfigError(`service account ${ctx.kube.resolveNamespace(ref.namespace)}/${ref.name} has no ${ROLE_ARN_ANNOTATION} annotation`);
  }
  const token = await ctx.kube.serviceAccountToken({ ...ref, audiences: tokenAudiences(annotations, ref.audiences) }, TOKEN_SECONDS);
  const sts = stsClient(ctx.spec.region, stsEndpoint);
  try {
    const out = await awsCall(`AssumeRoleWithWebIdentity ${roleArn}`, () =>
      sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: roleSessionName(ctx.store), WebIdentityToken: token })),
    );
    const creds = fromStsCredentials(out.Credentials);
    if (!creds) throw new ProviderUnavailableError(`AssumeRoleWithWebIdentity ${roleArn} returned no credentials`);
    ctx.log.debug({ roleArn }, "assumed role with web identity");
    return creds;
  } finally {
    sts.destroy();
  }
}
