// Fetches everything an ExternalSecret asks for, dataFrom first and data last (data wins), as ESO does.
// Rewrites (regexp, transform, merge) apply to the provider's map; conversionStrategy applies only when an entry
// has no rewrite (ESO's handleExtractSecrets / handleFindAllSecrets), so a rewrite's output is kept as written.
// A missing key (NoSecretError) is fatal under deletionPolicy Retain and skipped under Delete/Merge, where it
// is counted so fetch-outcome.ts can tell "every key confirmed gone" from "the provider returned nothing".
// Any other error (a missing property, an unparsable answer) fails the fetch whatever the policy.
// A dataFrom entry with sourceRef.generatorRef runs the generator instead (fresh values each time: the caller's
// refresh decision is what keeps them from being regenerated early); its keys are rewritten and never converted, as ESO.
import type { StoreRef } from "../../api/common.ts";
import type { ExternalSecret, GeneratorRef } from "../../api/external-secret.ts";
import { ConfigError, NoSecretError } from "../../provider/errors.ts";
import type { SecretsClient } from "../../provider/types.ts";
import { rewriteIsolated } from "./rewrite-isolated.ts";
import { convertKey, decodeValue } from "./shaping.ts";

export interface FetchResult {
  data: Record<string, Uint8Array>;
  /** Entries the provider no longer has (only when deletionPolicy tolerates it). */
  missing: string[];
  /** Remote reads the spec asks for (data[] items and dataFrom[] entries). */
  entries: number;
}

export type SessionFor = (ref: StoreRef | undefined) => Promise<SecretsClient>;
/** Runs the generator a generatorRef names (src/generators/resolve.ts over a reader of generator objects); `index`: its dataFrom entry. */
export type GenerateFor = (ref: GeneratorRef, index: number) => Promise<Record<string, Uint8Array>>;

const noGenerators: GenerateFor = async () => {
  throw new ConfigError("generators are not available here");
};

export async function fetchData(es: ExternalSecret, sessionFor: SessionFor, tolerateMissing: boolean, generateFor: GenerateFor = noGenerators): Promise<FetchResult> {
  const data: Record<string, Uint8Array> = {};
  const missing: string[] = [];
  const esKey = `${es.metadata.namespace}/${es.metadata.name}`;
  const guard = async (label: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof NoSecretError && tolerateMissing) missing.push(label);
      else throw err;
    }
  };

  for (const [index, entry] of (es.spec.dataFrom ?? []).entries()) {
    if (entry.sourceRef?.generatorRef) {
      const generated = await rewriteIsolated(await generateFor(entry.sourceRef.generatorRef, index), entry.rewrite, esKey);
      Object.assign(data, generated);
      continue;
    }
    const storeRef = entry.sourceRef?.storeRef ?? es.spec.secretStoreRef;
    const rewritten = (entry.rewrite ?? []).length > 0;
    const keyOf = (key: string, strategy: "Default" | "Unicode" | undefined) => (rewritten ? key : convertKey(key, strategy));
    if (entry.extract) {
      const ref = entry.extract;
      await guard(`dataFrom[${index}] ${ref.key}`, async () => {
        const client = await sessionFor(storeRef);
        const map = await rewriteIsolated(await client.getSecretMap(ref), entry.rewrite, esKey);
        for (const [key, value] of Object.entries(map)) data[keyOf(key, ref.conversionStrategy)] = decodeValue(value, ref.decodingStrategy, `dataFrom[${index}].${key}`);
      });
    } else if (entry.find) {
      const find = entry.find;
      const client = await sessionFor(storeRef);
      const found = await rewriteIsolated(await client.findSecrets({ path: find.path, nameRegexp: find.name?.regexp, tags: find.tags }), entry.rewrite, esKey);
      for (const [name, value] of Object.entries(found)) data[keyOf(name, find.conversionStrategy)] = decodeValue(value, find.decodingStrategy, `dataFrom[${index}].${name}`);
    }
  }

  // data[] entries are read concurrently, so a provider can batch an ExternalSecret's distinct keys (AWS
  // BatchGetSecretValue) and entries on one key join one read; results are applied in spec order.
  const items = es.spec.data ?? [];
  // ESO deprecated generatorRef in data[] (it generates a whole map, not one key); we never served it there.
  for (const item of items) if (item.sourceRef?.generatorRef) throw new ConfigError(`data ${item.secretKey}: sourceRef.generatorRef is only supported in dataFrom`);
  const values = await Promise.all(
    items.map(async (item) => {
      let value: Uint8Array | undefined;
      await guard(item.secretKey, async () => {
        const client = await sessionFor(item.sourceRef?.storeRef ?? es.spec.secretStoreRef);
        value = decodeValue(await client.getSecret(item.remoteRef), item.remoteRef.decodingStrategy, item.secretKey);
      });
      return value;
    }),
  );
  for (const [index, item] of items.entries()) if (values[index] !== undefined) data[item.secretKey] = values[index];
  return { data, missing, entries: items.length + (es.spec.dataFrom ?? []).length };
}
