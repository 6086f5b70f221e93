// A pushed secret's resource policy (ESO's PushSecret metadata `resourcePolicy`): the document is read from a
// ConfigMap or Secret, compared as JSON with the secret's current policy, and written only when it differs (an
// empty document removes the policy, only when there is one). Unlike ESO, an entry without `resourcePolicy`
// leaves the secret's policy alone: ESO sends DeleteResourcePolicy on every push then, a write at rest.
import { DeleteResourcePolicyCommand, GetResourcePolicyCommand, PutResourcePolicyCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ConfigError } from "../../src/provider/errors.ts";
import { bytesToString, goJson } from "../../src/provider/json-value.ts";
import type { KubeAccess } from "../../src/kube/access.ts";
import type { SecretsManagerPushOptions } from "./push-metadata.ts";

/** The policy an entry asks for: its text ("" to remove) and BlockPublicPolicy. */
export interface WantedPolicy {
  text: string;
  blockPublicPolicy: boolean | undefined;
}

/** Reads the entry's policy document, before anything is written (a bad reference fails the push up front). */
export async function wantedPolicy(kube: KubeAccess, options: SecretsManagerPushOptions, remoteKey: string): Promise<WantedPolicy | undefined> {
  const policy = options.resourcePolicy;
  if (!policy) return undefined;
  const source = policy.source;
  if (!source) return { text: "", blockPublicPolicy: policy.blockPublicPolicy };
  const where = `${source.kind} ${source.name}`;
  if (source.kind === "ConfigMap" && !kube.readConfigMap) throw new ConfigError(`resourcePolicy of the entry for ${remoteKey}: ConfigMaps cannot be read here`);
  const data = source.kind === "ConfigMap" ? await kube.readConfigMap!(source.name) : await kube.readSecret(source.name);
  const value = data[source.key];
  if (value === undefined) throw new ConfigError(`resourcePolicy of the entry for ${remoteKey}: key ${source.key} not found in ${where}`);
  const text = bytesToString(value).trim();
  if (text !== "" && canonical(text) === undefined) throw new ConfigError(`resourcePolicy of the entry for ${remoteKey}: key ${source.key} of ${where} is not a JSON object`);
  return { text, blockPublicPolicy: policy.blockPublicPolicy };
}

/** The document with keys sorted, for comparing policies as JSON (as ESO does); undefined when not an object. */
function canonical(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? goJson(parsed) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the secret's current policy (undefined: none) already is the wanted one. Pure. */
export function samePolicy(current: string | undefined, wanted: string): boolean {
  if (!current || current.trim() === "") return wanted === "";
  return wanted !== "" && canonical(current) === canonical(wanted);
}

/**
 * Brings the secret's policy to `wanted`: GetResourcePolicy, then Put or Delete only when it differs.
 * `known` skips the read when the caller knows there is none (a secret it just created). Returns whether it wrote.
 */
export async function applyPolicy(
  deps: { sdk: SecretsManagerClient; guarded: <T>(what: string, fn: () => Promise<T>) => Promise<T> },
  id: string,
  wanted: WantedPolicy,
  known?: "none",
): Promise<boolean> {
  const { sdk, guarded } = deps;
  const current = known === "none" ? undefined : (await guarded(`GetResourcePolicy ${id}`, () => sdk.send(new GetResourcePolicyCommand({ SecretId: id })))).ResourcePolicy;
  if (samePolicy(current, wanted.text)) return false;
  if (wanted.text === "") {
    await guarded(`DeleteResourcePolicy ${id}`, () => sdk.send(new DeleteResourcePolicyCommand({ SecretId: id })));
    return true;
  }
  const block = wanted.blockPublicPolicy === undefined ? {} : { BlockPublicPolicy: wanted.blockPublicPolicy };
  await guarded(`PutResourcePolicy ${id}`, () => sdk.send(new PutResourcePolicyCommand({ SecretId: id, ResourcePolicy: wanted.text, ...block })));
  return true;
}
