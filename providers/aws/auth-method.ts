// Which credentials a store asks for; light on purpose (no SDK import) because the provider index uses it.
import { ConfigError } from "../../src/provider/errors.ts";
import type { AwsProviderSpec } from "./schema.ts";

export function authMethod(spec: Pick<AwsProviderSpec, "auth">): "secretRef" | "jwt" | "default" {
  if (spec.auth?.secretRef) return "secretRef";
  if (spec.auth?.jwt?.serviceAccountRef) return "jwt";
  if (spec.auth?.jwt) throw new ConfigError("aws auth.jwt needs serviceAccountRef");
  return "default";
}

