// spec.provider.fake: ESO's in-manifest store, for demos and tests.
import { z } from "zod";

export const FakeProviderSpec = z
  .object({
    data: z
      .array(
        z.object({
          key: z.string().min(1).describe("Key of the secret."),
          value: z.string().optional().describe("The value; JSON values support remoteRef.property and dataFrom.extract."),
          valueMap: z.record(z.string(), z.string()).optional().describe("Deprecated: a map value, as JSON."),
          version: z.string().optional().describe("Version this entry answers to (empty: unversioned reads)."),
        }),
      )
      .describe("The secrets this store holds."),
  })
  .describe("A store whose secrets are written in the manifest itself (ESO's fake provider).");
export type FakeProviderSpec = z.infer<typeof FakeProviderSpec>;
