// Chained AssumeRole as ESO orders it: each of additionalRoles in turn, then `role` with externalID and
// session tags. Each hop signs with the previous hop's credentials.
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ProviderUnavailableError } from "../../src/provider/errors.ts";
import type { ConnectContext } from "../../src/provider/types.ts";
import type { AwsProviderSpec } from "./schema.ts";
import type { Credentials } from "./credentials.ts";
import { awsCall } from "./calls.ts";
import { fromStsCredentials, roleSessionName, stsClient } from "./sts.ts";

export async function assumeRoleChain(ctx: ConnectContext<AwsProviderSpec>, roles: string[], base: Credentials, stsEndpoint: string | undefined): Promise<Credentials> {
  const { spec } = ctx;
  let creds = base;
  for (const [index, roleArn] of roles.entries()) {
    // Only the final hop is `role`; ESO passes externalID and tags to it alone.
    const final = index === roles.length - 1 && spec.role === roleArn;
    const sts = stsClient(spec.region, stsEndpoint, creds);
    try {
      const out = await awsCall(`AssumeRole ${roleArn}`, () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: roleSessionName(ctx.store),
            ...(final && spec.externalID ? { ExternalId: spec.externalID } : {}),
            ...(final && spec.sessionTags?.length ? { Tags: spec.sessionTags.map((tag) => ({ Key: tag.key, Value: tag.value })) } : {}),
            ...(final && spec.transitiveTagKeys?.length ? { TransitiveTagKeys: spec.transitiveTagKeys } : {}),
          }),
        ),
      );
      const next = fromStsCredentials(out.Credentials);
      if (!next) throw new ProviderUnavailableError(`AssumeRole ${roleArn} returned no credentials`);
      creds = next;
      ctx.log.debug({ roleArn }, "assumed role");
    } finally {
      sts.destroy();
    }
  }
  return creds;
}
