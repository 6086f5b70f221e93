// Picks the credentials for a session: a service-account key (self-signed JWTs, no token endpoint), GKE
// Workload Identity or Workload Identity Federation (auth-workload-identity.ts), or the default credentials.
// Every path hands the SDK an explicit auth client, so google-auth-library never goes looking on its own.
import { GoogleAuth, JWT, PassThroughClient } from "google-auth-library";
import type { AuthClient } from "google-auth-library";
import { ConfigError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import { federationClient, workloadIdentityClient } from "./auth-workload-identity.ts";
import type { AuthContext } from "./auth-context.ts";

export type { AuthContext };

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string | undefined;
  /** The key's own project, used when the store names none (ESO detects the project too). */
  projectId?: string | undefined;
}

/** Parses a service-account JSON key. Errors never quote the document (it holds a private key). */
export function parseServiceAccountKey(bytes: Uint8Array, where: string): ServiceAccountKey {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new ConfigError(`${where} is not a JSON service-account key`);
  }
  const key = doc as Record<string, unknown> | null;
  if (!key || typeof key !== "object") throw new ConfigError(`${where} is not a JSON service-account key`);
  if (key["type"] !== undefined && key["type"] !== "service_account") throw new ConfigError(`${where} is not a service_account key`);
  if (typeof key["client_email"] !== "string" || typeof key["private_key"] !== "string") {
    throw new ConfigError(`${where} lacks client_email or private_key`);
  }
  return {
    clientEmail: key["client_email"],
    privateKey: key["private_key"],
    privateKeyId: typeof key["private_key_id"] === "string" ? key["private_key_id"] : undefined,
    projectId: typeof key["project_id"] === "string" ? key["project_id"] : undefined,
  };
}

/**
 * Requests are signed locally with the key (self-signed JWTs carrying the cloud-platform scope), which
 * Google's APIs accept in place of an OAuth access token: no call to the token endpoint, nothing to refresh.
 */
export function serviceAccountKeyClient(key: ServiceAccountKey): AuthClient {
  const client = new JWT({ email: key.clientEmail, key: key.privateKey, keyId: key.privateKeyId, scopes: [CLOUD_PLATFORM_SCOPE] });
  // A property, not a constructor option, in google-auth-library's JWT.
  client.useJWTAccessWithScope = true;
  return client;
}

export interface StoreAuth {
  client: AuthClient;
  /** A project the credentials name (a service-account key's project_id), if any. */
  projectId?: string | undefined;
}

/** The auth client for a store. Throws ConfigError for an auth block that cannot work. */
export async function authClientFor(ctx: AuthContext): Promise<StoreAuth> {
  const auth = ctx.spec.auth ?? {};
  const methods = [auth.secretRef, auth.workloadIdentity, auth.workloadIdentityFederation].filter((method) => method !== undefined);
  if (methods.length > 1) throw new ConfigError("gcpsm auth: set only one of secretRef, workloadIdentity, workloadIdentityFederation");
  if (auth.secretRef) {
    const ref = auth.secretRef.secretAccessKeySecretRef;
    const bytes = await ctx.kube.readSecretKey(ref);
    ctx.log.debug({ secret: ref.name, key: ref.key }, "gcpsm: using a service-account key");
    const key = parseServiceAccountKey(bytes, `key ${ref.key ?? ""} of secret ${ref.name}`);
    return { client: serviceAccountKeyClient(key), projectId: key.projectId };
  }
  if (auth.workloadIdentity) return { client: workloadIdentityClient(auth.workloadIdentity, ctx) };
  if (auth.workloadIdentityFederation) return { client: federationClient(auth.workloadIdentityFederation, ctx) };
  // Emulators take no credentials: an overridden endpoint with no auth gets none, and nothing probes for ADC.
  if (ctx.endpoint.overridden) return { client: new PassThroughClient() };
  // The operator's own identity (GOOGLE_APPLICATION_CREDENTIALS, or the metadata server on GKE): what the
  // store asked for by leaving `auth` empty, as in ESO; the session layer allowed it (tenant-policy.ts).
  ctx.log.debug("gcpsm: using the default credentials");
  try {
    return { client: await new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }).getClient() };
  } catch (err) {
    throw new ProviderUnavailableError("gcpsm: no default credentials (GOOGLE_APPLICATION_CREDENTIALS or the GKE metadata server); set spec.provider.gcpsm.auth", { cause: err });
  }
}
