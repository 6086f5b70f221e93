// The Vault store session as the provider contract sees it: reads, dataFrom.extract, find, validate, close, and
// the write half (PushSecret, push.ts).
import { explodeJson, goJson, pickProperty } from "../../src/provider/json-value.ts";
import type { SecretsClient } from "../../src/provider/types.ts";
import { findSecrets } from "./client-find.ts";
import { vaultPushClient } from "./push.ts";
import { readDoc, shapeValue } from "./read.ts";
import type { VaultProviderSpec } from "./schema.ts";
import type { VaultSession } from "./session.ts";

export function vaultClient(spec: VaultProviderSpec, session: VaultSession): SecretsClient {
  return {
    async getSecret(ref) {
      return shapeValue(await readDoc(spec, session, ref), ref);
    },
    async getSecretMap(ref) {
      const doc = await readDoc(spec, session, ref);
      const json = goJson(doc);
      return explodeJson(ref.property ? pickProperty(json, ref.property, `key ${ref.key}`) : json, `key ${ref.key}`);
    },
    findSecrets: (request) => findSecrets(spec, session, request),
    validate: () => session.validate(),
    close: () => session.close(),
    push: vaultPushClient(spec, session),
  };
}
