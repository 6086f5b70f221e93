// GKE Workload Identity and Workload Identity Federation: a Kubernetes ServiceAccount token (TokenRequest) is
// exchanged at Google STS for a federated access token, optionally traded for a Google service account's
// token (IAM Credentials generateAccessToken). The STS and IAM endpoints can be overridden with
// $GCP_STS_ENDPOINT and $GCP_IAMCREDENTIALS_ENDPOINT (private endpoints; local stand-ins in tests).
import { OAuth2Client } from "google-auth-library";
import type { AuthClient } from "google-auth-library";
import { ConfigError, PermissionDeniedError, ProviderUnavailableError, ResponseTooLargeError } from "../../src/provider/errors.ts";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { ByteBudget, readResponseCapped } from "../../src/provider/capped-read.ts";
import { Limits } from "../../src/provider/limits.ts";
import type { ServiceAccountSelector } from "../../src/api/common.ts";
import type { AuthContext } from "./auth-context.ts";
import type { GcpWorkloadIdentity, GcpWorkloadIdentityFederation } from "./schema.ts";
import { audiencesOr, isLoopbackHost } from "../../src/provider/tenant-policy.ts";

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const STS_ENDPOINT_ENV = "GCP_STS_ENDPOINT";
export const IAM_ENDPOINT_ENV = "GCP_IAMCREDENTIALS_ENDPOINT";
export const GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account";

interface Token {
  token: string;
  expiresAt: number;
}

function endpointFromEnv(name: string, fallback: string): string {
  const value = process.env[name] || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`${name}: plaintext http is only allowed to loopback addresses`);
  }
  return value.replace(/\/+$/, "");
}

async function postJson(call: string, url: string, init: RequestInit): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, method: "POST", signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    recordProviderCall("gcpsm", call, "error");
    throw new ProviderUnavailableError(`${call}: ${(err as Error).name} before a response`, { cause: err });
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse((await readResponseCapped(response, new ByteBudget(Limits.tokenResponseBytes, `${call}: the response`))).toString("utf8"));
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ResponseTooLargeError) {
      recordProviderCall("gcpsm", call, "error");
      throw err;
    }
    // Not JSON (or cut off): judged by its status below, as before.
  }
  if (response.ok) {
    recordProviderCall("gcpsm", call, "success");
    return body;
  }
  // Only the OAuth error code (a fixed word such as invalid_grant) is reported, never the description.
  const oauthError = typeof body["error"] === "string" && /^[a-z_]+$/.test(body["error"]) ? ` (${body["error"]})` : "";
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    recordProviderCall("gcpsm", call, "denied");
    throw new PermissionDeniedError(`${call} refused: HTTP ${response.status}${oauthError}`);
  }
  recordProviderCall("gcpsm", call, response.status === 429 ? "throttled" : "error");
  throw new ProviderUnavailableError(`${call} failed: HTTP ${response.status}`);
}

/** RFC 8693 token exchange at Google STS: a Kubernetes JWT for a federated access token. */
export async function stsExchange(audience: string, subjectToken: string): Promise<Token> {
  const url = endpointFromEnv(STS_ENDPOINT_ENV, "https://sts.googleapis.com/v1/token");
  const body = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    audience,
    scope: SCOPE,
    requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    subject_token: subjectToken,
  });
  const out = await postJson("STSExchange", url, { headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  if (typeof out["access_token"] !== "string") throw new ProviderUnavailableError("STSExchange returned no access token");
  return { token: out["access_token"], expiresAt: Date.now() + Number(out["expires_in"] ?? 3600) * 1000 };
}

/** Trades a federated token for a Google service account's access token. */
export async function impersonate(email: string, federated: Token): Promise<Token> {
  const base = endpointFromEnv(IAM_ENDPOINT_ENV, "https://iamcredentials.googleapis.com");
  const url = `${base}/v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:generateAccessToken`;
  const out = await postJson("GenerateAccessToken", url, {
    headers: { "content-type": "application/json", authorization: `Bearer ${federated.token}` },
    body: JSON.stringify({ scope: [SCOPE] }),
  });
  if (typeof out["accessToken"] !== "string") throw new ProviderUnavailableError("GenerateAccessToken returned no access token");
  const expires = Date.parse(String(out["expireTime"] ?? ""));
  return { token: out["accessToken"], expiresAt: Number.isNaN(expires) ? Date.now() + 3600_000 : expires };
}

/** An auth client whose token comes from `source`, fetched once at a time and refreshed before expiry. */
function tokenClient(source: () => Promise<Token>): AuthClient {
  const client = new OAuth2Client();
  let inflight: Promise<Token> | undefined;
  client.refreshHandler = async () => {
    inflight ??= source().finally(() => {
      inflight = undefined;
    });
    const token = await inflight;
    return { access_token: token.token, expiry_date: token.expiresAt };
  };
  return client;
}

/** GKE Workload Identity (ESO's auth.workloadIdentity). Cluster details are required: we never ask the metadata server. */
export function workloadIdentityClient(wi: GcpWorkloadIdentity, ctx: AuthContext): AuthClient {
  const clusterProject = wi.clusterProjectID || ctx.spec.projectID;
  if (!clusterProject || !wi.clusterLocation || !wi.clusterName) {
    throw new ConfigError("gcpsm workloadIdentity needs clusterLocation, clusterName and clusterProjectID (or projectID)");
  }
  const pool = `${clusterProject}.svc.id.goog`;
  const provider = `https://container.googleapis.com/v1/projects/${clusterProject}/locations/${wi.clusterLocation}/clusters/${wi.clusterName}`;
  // ESO's audiences: the identity pool, then the ref's own.
  const ref: ServiceAccountSelector = { ...wi.serviceAccountRef, audiences: audiencesOr([pool, ...(wi.serviceAccountRef.audiences ?? [])], [pool]) };
  return tokenClient(async () => {
    const subject = await ctx.kube.serviceAccountToken(ref);
    const federated = await stsExchange(`identitynamespace:${pool}:${provider}`, subject);
    const annotations = (await ctx.kube.serviceAccountAnnotations?.(wi.serviceAccountRef)) ?? {};
    const email = annotations[GKE_SA_ANNOTATION];
    ctx.log.debug({ serviceAccount: wi.serviceAccountRef.name, impersonate: Boolean(email) }, "gcpsm: workload identity token exchanged");
    return email ? impersonate(email, federated) : federated;
  });
}

/** Workload Identity Federation with a Kubernetes ServiceAccount as the subject (ESO's auth.workloadIdentityFederation). */
export function federationClient(wif: GcpWorkloadIdentityFederation, ctx: AuthContext): AuthClient {
  if (wif.credConfig || wif.awsSecurityCredentials || wif.externalTokenEndpoint) {
    throw new ConfigError("gcpsm workloadIdentityFederation: credConfig, awsSecurityCredentials and externalTokenEndpoint are not supported yet; use serviceAccountRef with audience");
  }
  const audience = wif.audience;
  if (!wif.serviceAccountRef || !audience) throw new ConfigError("gcpsm workloadIdentityFederation needs serviceAccountRef and audience");
  const account = wif.serviceAccountRef;
  // ESO's audiences: the ref's own, else the provider's full resource name the exchange names.
  const ref: ServiceAccountSelector = { ...account, audiences: audiencesOr(account.audiences, [audience]) };
  return tokenClient(async () => {
    const federated = await stsExchange(audience, await ctx.kube.serviceAccountToken(ref));
    ctx.log.debug({ serviceAccount: account.name, impersonate: Boolean(wif.gcpServiceAccountEmail) }, "gcpsm: federated token exchanged");
    return wif.gcpServiceAccountEmail ? impersonate(wif.gcpServiceAccountEmail, federated) : federated;
  });
}
