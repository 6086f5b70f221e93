// SecretStore (ss, namespaced) and ClusterSecretStore (css): how to reach a provider.
// `spec.provider` holds exactly one key; each provider contributes its slice (providers/<name>/schema.ts),
// so src/ builds the store schema from whatever slices it is handed and never imports a provider.
import { z } from "zod";
import { Condition, LabelSelector } from "./common.ts";
import type { ObjectMeta } from "./common.ts";

export const StoreCapabilities = z.enum(["ReadOnly", "WriteOnly", "ReadWrite"]);

export const ClusterStoreCondition = z
  .object({
    namespaceSelector: LabelSelector.optional().describe("Namespaces whose labels match may use the store."),
    namespaces: z.array(z.string()).optional().describe("Namespaces, by name, that may use the store."),
    namespaceRegexes: z.array(z.string()).optional().describe("Namespaces whose name matches one of these regular expressions may use the store."),
  })
  .describe("One namespace rule; the rules of spec.conditions are ORed.");
export type ClusterStoreCondition = z.infer<typeof ClusterStoreCondition>;

const storeSpecFields = (provider: z.ZodType) => ({
  provider,
  controller: z.string().optional().describe("Controller class that processes this store (empty: every controller)."),
  refreshInterval: z
    .union([z.int().min(0), z.string()])
    .optional()
    .describe("How often the store is re-validated: seconds or a Go duration (default 5m).")
    .meta({ "x-kubernetes-int-or-string": true }),
  rateLimit: z
    .object({
      requestsPerSecond: z.number().positive().describe("Sustained provider requests per second this store may send."),
      burst: z.int().min(1).optional().describe("Requests that may go out at once before the rate applies (default: requestsPerSecond, at least 1)."),
    })
    .optional()
    .describe("secrets-bridge: a request budget for this store, so bursts stay within the provider's quota."),
  retrySettings: z
    .object({
      maxRetries: z.int().min(0).optional().describe("Retries of a failed provider request."),
      retryInterval: z.string().optional().describe("Delay between retries (Go duration)."),
    })
    .optional()
    .describe("Retries of provider requests."),
});

/** The `spec.provider` union: an object whose single key names the provider. */
export function providerUnion(slices: Record<string, z.ZodType>): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, slice] of Object.entries(slices)) shape[name] = slice.optional();
  return z
    .object(shape)
    .describe(`The provider: exactly one of ${Object.keys(slices).join(", ")}.`)
    // CEL types an object with fixed properties as a message, not a map, so count the keys that are set.
    .meta({ "x-kubernetes-validations": [{ rule: `${Object.keys(slices).map((name) => `(has(self.${name}) ? 1 : 0)`).join(" + ")} == 1`, message: "spec.provider must set exactly one provider" }] });
}

export function secretStoreSpec(slices: Record<string, z.ZodType>) {
  return z.object(storeSpecFields(providerUnion(slices))).describe("How to reach the provider.");
}

export function clusterSecretStoreSpec(slices: Record<string, z.ZodType>) {
  return z
    .object({
      ...storeSpecFields(providerUnion(slices)),
      conditions: z.array(ClusterStoreCondition).optional().describe("Which namespaces may use this store; empty means all."),
    })
    .describe("How to reach the provider, and which namespaces may.");
}

export const SecretStoreStatus = z
  .object({
    conditions: z.array(Condition).optional().describe("Ready with reason Valid, InvalidProviderConfig or ValidationFailed."),
    capabilities: StoreCapabilities.optional().describe("ReadOnly, WriteOnly or ReadWrite."),
  })
  .describe("Observed state.");
export type SecretStoreStatus = z.infer<typeof SecretStoreStatus>;

/** The store as the reconcilers see it: the provider slice stays opaque until its provider parses it. */
export interface SecretStoreSpec {
  provider: Record<string, unknown>;
  controller?: string;
  refreshInterval?: number | string;
  retrySettings?: { maxRetries?: number; retryInterval?: string };
  rateLimit?: { requestsPerSecond: number; burst?: number };
  conditions?: ClusterStoreCondition[];
}

export interface SecretStore {
  apiVersion?: string;
  kind: "SecretStore" | "ClusterSecretStore";
  metadata: ObjectMeta;
  spec: SecretStoreSpec;
  status?: SecretStoreStatus;
}

/** Validates the provider-independent part of a store; the provider slice is validated by its provider. */
export const StoreSpecShape = z.object({
  ...storeSpecFields(z.record(z.string(), z.unknown())),
  conditions: z.array(ClusterStoreCondition).optional(),
});
