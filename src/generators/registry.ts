// The generators this operator runs (generators.external-secrets.io/v1alpha1 kinds): the offline ones listed
// here, plus those the providers bring (Provider.generators: VaultDynamicSecret comes with the vault provider).
import type { Provider } from "../provider/types.ts";
import { fake } from "./fake.ts";
import { password } from "./password.ts";
import { sshKey } from "./sshkey.ts";
import type { Generator } from "./types.ts";
import { uuid } from "./uuid.ts";
import { webhook } from "./webhook/index.ts";

/** The offline generators: no provider, no credentials (all the CLI's render runs without a cluster). */
export const GENERATORS: ReadonlyArray<Generator<any>> = [password, uuid, sshKey, fake];

/** Generators that need the cluster and the network but no provider: served by the operator, never by render. */
export const ONLINE_GENERATORS: ReadonlyArray<Generator<any>> = [webhook];

/** The offline generators, the online ones and every provider's; throws when two claim one kind (a wiring bug). */
export function servedGenerators(providers: Iterable<Pick<Provider<any>, "generators">>): ReadonlyArray<Generator<any>> {
  const all = [...GENERATORS, ...ONLINE_GENERATORS, ...[...providers].flatMap((provider) => provider.generators ?? [])];
  const kinds = all.map((generator) => generator.kind);
  const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
  if (twice) throw new Error(`generator kind ${twice} registered twice`);
  return all;
}

export function servedGenerator(kind: string, generators: ReadonlyArray<Generator<any>> = GENERATORS): Generator<any> | undefined {
  return generators.find((generator) => generator.kind === kind);
}
