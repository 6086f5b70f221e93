// Which endpoint each AWS client talks to: the store's `endpoints` (our extension), then the SDK's own
// environment convention (AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL), then AWS's public endpoint.
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
