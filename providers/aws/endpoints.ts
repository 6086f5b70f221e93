// Which endpoint each AWS client talks to: the store's `endpoints` (our extension), then the SDK's own
// environment convention (AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL), then AWS's public endpoint; and
// which store overrides are refused (issue 14): signed requests carry the access key id and session token.
import { endpointRefusal } from "../../src/provider/tenant-policy.ts";
import { authMethod } from "./auth-method.ts";
import type { AwsProviderSpec } from "./schema.ts";

export const AwsClientKind = { secretsManager: "SECRETS_MANAGER", ssm: "SSM", sts: "STS" } as const;
export type AwsClientKind = keyof typeof AwsClientKind;

/** The endpoint URL for one client, or undefined for AWS's default. Pure: `env` is passed in for tests. */
export function endpointFor(kind: AwsClientKind, spec: Pick<AwsProviderSpec, "endpoints">, env: Record<string, string | undefined>): string | undefined {
  const fromSpec = spec.endpoints?.[kind];
  if (fromSpec) return fromSpec;
  // The SDK's documented switch to ignore configured endpoints; honour it for the environment only.
  if (env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] === "true") return undefined;
  return nonEmpty(env[`AWS_ENDPOINT_URL_${AwsClientKind[kind]}`]) ?? nonEmpty(env["AWS_ENDPOINT_URL"]);
}

const nonEmpty = (value: string | undefined) => (value ? value : undefined);

/**
 * Why the store's `endpoints` are refused, or undefined: each must be https (plain http only to loopback), and
 * none may be combined with empty auth, even in a ClusterSecretStore: the default chain's credentials would sign
 * requests for a host of the store author's choosing. The environment's endpoints are the operator's own choice.
 */
export function endpointsRefusal(spec: Pick<AwsProviderSpec, "endpoints" | "auth">): string | undefined {
  const named = Object.entries(spec.endpoints ?? {}).filter((entry): entry is [string, string] => Boolean(entry[1]));
  for (const [kind, url] of named) {
    const refused = endpointRefusal(`spec.provider.aws.endpoints.${kind}`, url);
    if (refused) return refused;
  }
  if (named.length > 0 && authMethod(spec) === "default") {
    return "spec.provider.aws.endpoints cannot be used with empty auth (the operator's own AWS credentials would sign requests for that host); name credentials (auth.secretRef or auth.jwt.serviceAccountRef)";
  }
  return undefined;
}
