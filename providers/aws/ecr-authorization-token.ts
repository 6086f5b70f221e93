// One ECRAuthorizationToken run: the aws store's credential chain for the generator's spec, one SigV4-signed
// GetAuthorizationToken (JSON 1.1) with a capped answer, and ESO's keys from the one authorization it returns.
// scope "public" asks ECR Public (service ecr-public, its own target and answer shape, no proxy endpoint) as ESO does.
import { ConfigError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import { ByteBudget, readResponseCapped } from "../../src/provider/capped-read.ts";
import { Limits } from "../../src/provider/limits.ts";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import type { StoreIdentity } from "../../src/provider/store-identity.ts";
import type { GenerateContext } from "../../src/generators/types.ts";
import { toBytes } from "../../src/provider/json-value.ts";
import { sessionCredentials } from "./credentials.ts";
import { endpointFor, endpointsRefusal } from "./endpoints.ts";
import { callStatus, mapAwsError } from "./errors.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { signV4 } from "./sigv4.ts";
import type { ECRAuthorizationTokenSpec } from "./generator-ecr-authorization-token.ts";

/** The two services the scope picks: their SigV4 name, JSON 1.1 target, the SDK's endpoint variable and AWS's host. */
export const ECR_SERVICES = {
  private: { service: "ecr", target: "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", envVar: "AWS_ENDPOINT_URL_ECR", host: "api.ecr" },
  public: { service: "ecr-public", target: "SpencerFrontendService.GetAuthorizationToken", envVar: "AWS_ENDPOINT_URL_ECR_PUBLIC", host: "api.ecr-public" },
} as const;

export const ecrScope = (spec: ECRAuthorizationTokenSpec): keyof typeof ECR_SERVICES => (spec.scope === "public" ? "public" : "private");

/** The endpoint: the spec's override, then AWS_ENDPOINT_URL_ECR(_PUBLIC) / AWS_ENDPOINT_URL (as the SDK reads them), then AWS's. */
export function ecrEndpoint(spec: ECRAuthorizationTokenSpec, env: Record<string, string | undefined>): string {
  const service = ECR_SERVICES[ecrScope(spec)];
  if (spec.endpoints?.ecr) return spec.endpoints.ecr;
  if (env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] !== "true") {
    const fromEnv = env[service.envVar] || env["AWS_ENDPOINT_URL"];
    if (fromEnv) return fromEnv;
  }
  return `https://${service.host}.${spec.region}.amazonaws.com`;
}

/**
 * ESO's keys from a GetAuthorizationToken answer: the token is base64 of "user:password"; expiresAt is epoch seconds.
 * ECR answers a list holding one authorization (with its proxy endpoint); ECR Public one authorization, no endpoint.
 */
export function ecrTokenKeys(answer: unknown, scope: keyof typeof ECR_SERVICES = "private"): Record<string, Uint8Array> {
  const data = (answer as { authorizationData?: unknown } | null)?.authorizationData;
  const what = scope === "public" ? "ECR Public GetAuthorizationToken" : "ECR GetAuthorizationToken";
  if (scope === "private" && (!Array.isArray(data) || data.length !== 1)) throw new ProviderUnavailableError(`${what}: expected one authorization, found ${Array.isArray(data) ? data.length : "none"}`);
  if (scope === "public" && (data === null || typeof data !== "object" || Array.isArray(data))) throw new ProviderUnavailableError(`${what}: the answer lacks authorizationData`);
  const item = (scope === "private" ? (data as unknown[])[0] : data) as { authorizationToken?: unknown; proxyEndpoint?: unknown; expiresAt?: unknown };
  if (typeof item.authorizationToken !== "string" || (scope === "private" && typeof item.proxyEndpoint !== "string") || typeof item.expiresAt !== "number") {
    throw new ProviderUnavailableError(`${what}: the answer lacks authorizationToken, ${scope === "private" ? "proxyEndpoint " : ""}or expiresAt`);
  }
  const parts = Buffer.from(item.authorizationToken, "base64").toString("utf8").split(":");
  // Never the token in the message: only its shape.
  if (parts.length !== 2) throw new ProviderUnavailableError(`${what}: unexpected token format`);
  return {
    username: toBytes(parts[0]!),
    password: toBytes(parts[1]!),
    ...(scope === "private" ? { proxy_endpoint: toBytes(item.proxyEndpoint as string) } : {}),
    expires_at: toBytes(String(Math.floor(item.expiresAt))),
  };
}

export async function generateEcrToken(spec: ECRAuthorizationTokenSpec, ctx: GenerateContext): Promise<Record<string, Uint8Array>> {
  const storeSpec: AwsProviderSpec = { service: "SecretsManager", region: spec.region, role: spec.role, auth: spec.auth, endpoints: spec.endpoints?.sts ? { sts: spec.endpoints.sts } : undefined };
  // The ECR override obeys the store's rules too (https or loopback, never with the operator's own credentials).
  const refused = endpointsRefusal({ auth: spec.auth, endpoints: { ...(spec.endpoints?.sts ? { sts: spec.endpoints.sts } : {}), ...(spec.endpoints?.ecr ? { secretsManager: spec.endpoints.ecr } : {}) } });
  if (refused) throw new ConfigError(refused.replaceAll("spec.provider.aws.", "").replace("endpoints.secretsManager", "endpoints.ecr"));
  const store: StoreIdentity = ctx.scope === "Cluster" ? { kind: "ClusterSecretStore", name: "ECRAuthorizationToken", referentNamespace: ctx.namespace } : { kind: "SecretStore", name: "ECRAuthorizationToken", namespace: ctx.namespace };
  const credentials = await sessionCredentials({ spec: storeSpec, store, kube: ctx.kube, log: ctx.log }, endpointFor("sts", storeSpec, process.env)).get();
  const scope = ecrScope(spec);
  const { service, target } = ECR_SERVICES[scope];
  const url = new URL(ecrEndpoint(spec, process.env));
  const body = "{}";
  const headers = signV4({ method: "POST", url, headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target }, body, region: spec.region, service, credentials, now: new Date() });
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    status = res.status;
    text = (await readResponseCapped(res, new ByteBudget(Limits.providerResponseBytes, "ECR GetAuthorizationToken: the response"))).toString("utf8");
  } catch (err) {
    recordProviderCall("aws", "GetAuthorizationToken", "error");
    throw mapAwsError(err, "ECR GetAuthorizationToken");
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (status >= 300) {
    // JSON 1.1 errors name their code in __type ("...#AccessDeniedException"); mapAwsError types it as for the SDKs.
    const type = (answer as { __type?: unknown } | undefined)?.__type;
    const mapped = mapAwsError({ name: typeof type === "string" ? type.split("#").pop() : undefined, message: (answer as { message?: string } | undefined)?.message, $metadata: { httpStatusCode: status } }, "ECR GetAuthorizationToken");
    recordProviderCall("aws", "GetAuthorizationToken", callStatus(mapped));
    throw mapped;
  }
  recordProviderCall("aws", "GetAuthorizationToken", "success");
  const keys = ecrTokenKeys(answer, scope);
  ctx.log.debug({ generator: "ECRAuthorizationToken", scope, region: spec.region, role: spec.role !== undefined }, "ecr authorization token generated");
  return keys;
}
