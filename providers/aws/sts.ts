// The STS client a session uses for AssumeRole and AssumeRoleWithWebIdentity, and the role session name.
import { STSClient } from "@aws-sdk/client-sts";
import type { StoreIdentity } from "../../src/provider/store-identity.ts";
import { countRequests } from "./calls.ts";
import type { Credentials } from "./credentials.ts";

export function stsClient(region: string, endpoint: string | undefined, credentials?: Credentials): STSClient {
  return countRequests(
    new STSClient({
      region,
      ...(endpoint ? { endpoint } : {}),
      // Web identity calls are unsigned; give the SDK a value anyway so it never walks the default chain.
      credentials: credentials ?? { accessKeyId: "unsigned", secretAccessKey: "unsigned" },
      maxAttempts: 3,
    }),
  );
}

/** A RoleSessionName (2-64 of [\w+=,.@-]) naming the store, so CloudTrail shows which store assumed the role. */
export function roleSessionName(store: StoreIdentity): string {
  const parts = ["secrets-bridge", store.referentNamespace ?? store.namespace ?? "cluster", store.name];
  return parts.join("-").replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

/** STS answers credentials as optional fields; a missing one is a broken response, not a config problem. */
export function fromStsCredentials(raw: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): Credentials | undefined {
  if (!raw?.AccessKeyId || !raw.SecretAccessKey) return undefined;
  return { accessKeyId: raw.AccessKeyId, secretAccessKey: raw.SecretAccessKey, sessionToken: raw.SessionToken, expiration: raw.Expiration };
}
