// Which credentials a store asks for; light on purpose (no SDK import) because the provider index uses it.
import { ConfigError } from "../../src/provider/errors.ts";
import type { AwsProviderSpec } from "./schema.ts";

export function authMethod(spec: Pick<AwsProviderSpec, "auth">): "secretRef" | "jwt" | "default" {
  if (spec.auth?.secretRef) return "secretRef";
  if (spec.auth?.jwt?.serviceAccountRef) return "jwt";
  if (spec.auth?.jwt) throw new ConfigError("aws auth.jwt needs serviceAccountRef");
  return "default";
}

/**
 * Empty auth is the SDK's default chain: whatever identity the operator's pod has. The description the tenant
 * policy refuses it with (stores and generators alike), or undefined when the spec names its credentials.
 */
export function defaultChainIdentity(spec: Pick<AwsProviderSpec, "auth">): string | undefined {
  return authMethod(spec) === "default" ? "empty auth uses the operator's AWS default credential chain: environment, IRSA / Pod Identity, container credentials, instance metadata" : undefined;
}
