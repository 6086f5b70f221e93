// The one list of built-in providers. Adding a provider touches its folder and one line here.
import type { z } from "zod";
import type { Provider } from "../src/provider/types.ts";
import { fakeProvider } from "./fake/index.ts";
import { awsProvider } from "./aws/index.ts";
import { vaultProvider } from "./vault/index.ts";
import { gcpsmProvider } from "./gcpsm/index.ts";
import { sopsProvider } from "./sops/index.ts";

export const builtinProviders: ReadonlyArray<Provider<any>> = [fakeProvider, awsProvider, vaultProvider, gcpsmProvider, sopsProvider];

/** Each provider's slice of SecretStore.spec.provider, for the CRDs. */
export function providerSchemas(): Record<string, z.ZodType> {
  return Object.fromEntries(builtinProviders.map((provider) => [provider.name, provider.schema]));
}
