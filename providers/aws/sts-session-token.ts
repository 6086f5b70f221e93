// One STSSessionToken run: the aws store's credential chain built for the generator's spec (its namespace rules
// from the generate context), then STS GetSessionToken, answered as ESO's keys.
import { GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { ConfigError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import type { StoreIdentity } from "../../src/provider/store-identity.ts";
import type { GenerateContext } from "../../src/generators/types.ts";
import { toBytes } from "../../src/provider/json-value.ts";
import { awsCall } from "./calls.ts";
import { sessionCredentials } from "./credentials.ts";
import { endpointFor, endpointsRefusal } from "./endpoints.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { stsClient } from "./sts.ts";
import type { STSSessionTokenSpec } from "./generator-sts-session-token.ts";

/** The store spec whose credentials the generator uses (service is irrelevant: only STS is called). */
export function credentialSpec(spec: STSSessionTokenSpec): AwsProviderSpec {
  return { service: "SecretsManager", region: spec.region, role: spec.role, auth: spec.auth, endpoints: spec.endpoints };
}

/** ESO's keys: the three credential parts and the expiry in Unix seconds. */
export function sessionTokenKeys(raw: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): Record<string, Uint8Array> {
  if (!raw?.AccessKeyId || !raw.SecretAccessKey || !raw.SessionToken || !raw.Expiration) throw new ProviderUnavailableError("STS GetSessionToken: the answer carries no complete credentials");
  return {
    access_key_id: toBytes(raw.AccessKeyId),
    expiration: toBytes(String(Math.floor(raw.Expiration.getTime() / 1000))),
    secret_access_key: toBytes(raw.SecretAccessKey),
    session_token: toBytes(raw.SessionToken),
  };
}

export async function generateSessionToken(spec: STSSessionTokenSpec, ctx: GenerateContext): Promise<Record<string, Uint8Array>> {
  const storeSpec = credentialSpec(spec);
  // Also for ClusterGenerators: an endpoint override never goes with the operator's own credentials.
  const refused = endpointsRefusal(storeSpec);
  if (refused) throw new ConfigError(refused.replaceAll("spec.provider.aws.", ""));
  // Named for CloudTrail's role session name like a store (sts.ts roleSessionName).
  const store: StoreIdentity = ctx.scope === "Cluster" ? { kind: "ClusterSecretStore", name: "STSSessionToken", referentNamespace: ctx.namespace } : { kind: "SecretStore", name: "STSSessionToken", namespace: ctx.namespace };
  const endpoint = endpointFor("sts", storeSpec, process.env);
  const credentials = sessionCredentials({ spec: storeSpec, store, kube: ctx.kube, log: ctx.log }, endpoint);
  const client = stsClient(spec.region, endpoint, await credentials.get());
  try {
    const params = spec.requestParameters;
    const out = await awsCall("STS GetSessionToken", () =>
      client.send(new GetSessionTokenCommand({ DurationSeconds: params?.sessionDuration, SerialNumber: params?.serialNumber, TokenCode: params?.tokenCode })),
    );
    ctx.log.debug({ generator: "STSSessionToken", region: spec.region, role: spec.role !== undefined }, "sts session token generated");
    return sessionTokenKeys(out.Credentials);
  } finally {
    client.destroy();
  }
}
