// The CRDs of the generators.external-secrets.io/v1alpha1 kinds (names, scope and categories as ESO's).
import type { z } from "zod";
import type { KindInfo } from "./kinds.ts";
import { GeneratorStateSpec, GeneratorStateStatus } from "./generator-state.ts";
import { clusterGeneratorSpec, FakeSpec, GENERATOR_GROUP, GENERATOR_VERSION, PasswordSpec, SSHKeySpec, UUIDSpec, vaultDynamicSecretSpec, stsSessionTokenSpec, awsAuthField, ecrAuthorizationTokenSpec, WebhookSpec } from "./generators.ts";

const CATEGORIES = ["external-secrets", "external-secrets-generators"];

function generatorKind(kind: string, plural: string, scope: KindInfo["scope"], description: string, spec: z.ZodType): KindInfo {
  // Generators have no status field in ESO (its CRDs declare the status subresource all the same, as ours do).
  return { group: GENERATOR_GROUP, version: GENERATOR_VERSION, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames: [], categories: CATEGORIES, scope, description, spec, printerColumns: [] };
}

/** `providerSlices`: each provider's SecretStore slice; the provider-backed kinds embed theirs (VaultDynamicSecret: vault). */
export function generatorKinds(providerSlices: Record<string, z.ZodType> = {}): KindInfo[] {
  const vault = providerSlices["vault"];
  const awsAuth = awsAuthField(providerSlices);
  return [
    generatorKind("Password", "passwords", "Namespaced", "Password generates a random password based on the configuration parameters in spec.", PasswordSpec),
    generatorKind("UUID", "uuids", "Namespaced", "UUID generates a version 4 UUID (e.g., 123e4567-e89b-12d3-a456-426614174000).", UUIDSpec),
    generatorKind("SSHKey", "sshkeys", "Namespaced", "SSHKey generates SSH key pairs.", SSHKeySpec),
    generatorKind("Fake", "fakes", "Namespaced", "Fake generator is used for testing. It lets you define a static set of credentials that is always returned.", FakeSpec),
    ...(vault ? [generatorKind("VaultDynamicSecret", "vaultdynamicsecrets", "Namespaced", "VaultDynamicSecret reads or writes a Vault path whose answer is a fresh secret (dynamic credentials, a certificate, a token).", vaultDynamicSecretSpec(vault))] : []),
    ...(awsAuth ? [generatorKind("ECRAuthorizationToken", "ecrauthorizationtokens", "Namespaced", "ECRAuthorizationToken uses the GetAuthorizationToken API to retrieve an authorization token for a container registry.", ecrAuthorizationTokenSpec(awsAuth))] : []),
    ...(awsAuth ? [generatorKind("STSSessionToken", "stssessiontokens", "Namespaced", "STSSessionToken uses the GetSessionToken API to retrieve temporary AWS credentials.", stsSessionTokenSpec(awsAuth))] : []),
    generatorKind("Webhook", "webhooks", "Namespaced", "Webhook connects to a third party API server to handle the secrets generation configuration parameters in spec.", WebhookSpec),
    {
      ...generatorKind("GeneratorState", "generatorstates", "Namespaced", "GeneratorState represents the state created and managed by a generator resource: what cleanup revokes once a newer run replaces it.", GeneratorStateSpec),
      shortNames: ["gs"],
      status: GeneratorStateStatus,
      printerColumns: [
        { name: "GC Deadline", type: "string", jsonPath: ".spec.garbageCollectionDeadline" },
        { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
      ],
    },
    generatorKind("ClusterGenerator", "clustergenerators", "Cluster", "ClusterGenerator represents a cluster-wide generator which can be referenced as part of generatorRef fields.", clusterGeneratorSpec(providerSlices)),
  ];
}
