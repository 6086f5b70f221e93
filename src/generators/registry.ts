// The one list of generators this operator runs (generators.external-secrets.io/v1alpha1 kinds).
import { fake } from "./fake.ts";
import { password } from "./password.ts";
import { sshKey } from "./sshkey.ts";
import type { Generator } from "./types.ts";
import { uuid } from "./uuid.ts";

export const GENERATORS: ReadonlyArray<Generator<any>> = [password, uuid, sshKey, fake];

export function servedGenerator(kind: string): Generator<any> | undefined {
  return GENERATORS.find((generator) => generator.kind === kind);
}
