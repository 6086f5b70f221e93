// dataFrom.find for KV v2: LIST the metadata tree under `find.path`, keep keys matching `name.regexp` and
// whose custom_metadata carries every `tags` entry, and read each one. Keys whose current version is
// deleted but not destroyed are listed by Vault but skipped here, as ESO does (its GetSecret answers
// NoSecretError for them); any other read failure fails the whole find.
import { ConfigError, NoSecretError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import { toBytes } from "../../src/provider/json-value.ts";
import { findNameRegexp } from "../../src/provider/spec-regexp.ts";
import type { FindRequest } from "../../src/provider/types.ts";
import { isV2, listPath, trimSlashes } from "./kv-path.ts";
import { goJson } from "../../src/provider/json-value.ts";
import type { VaultProviderSpec } from "./schema.ts";
import type { VaultSession } from "./session.ts";
import { readDoc } from "./read.ts";
import { vaultError } from "./errors.ts";

/**
 * Keys below `under` (relative to the mount), depth first.
 *
 * A LIST that Vault answers 404 (with its JSON body) means "no keys under this prefix": Vault has no folders,
 * a prefix exists only while a key lives under it, so Vault defines an empty or never-used prefix that way.
 * We read it as an empty listing, the same as a find matching nothing. ESO turns the top-level 404 into
 * NoSecretError (and a vanished sub-folder into a failure of the whole find); we do not, because
 * deletionPolicy must act only on a confirmed not-found of a key (fetch-outcome.ts), and an empty result is
 * handled there (Retain keeps the Secret). Every other failure is an error, never "no keys": a 404 or 2xx
 * that is not Vault's JSON, or a 2xx without a `data.keys` list, is ProviderUnavailableError.
 */
async function listKeys(spec: VaultProviderSpec, session: VaultSession, under: string): Promise<string[]> {
  const path = listPath(spec, under);
  const res = await session.request({ method: "LIST", path, op: "list", call: "List" });
  if (res.status === 404 && res.fromVault) return [];
  if (res.status >= 300 || !res.fromVault) throw vaultError("list", path, res);
  const keys = (res.body["data"] as { keys?: unknown } | null | undefined)?.keys;
  if (!Array.isArray(keys)) throw new ProviderUnavailableError(`vault list ${path}: the answer has no data.keys list (not a Vault LIST answer)`);
  const out: string[] = [];
  for (const raw of keys) {
    const name = `${under ? `${under}/` : ""}${String(raw)}`;
    if (name.endsWith("/")) out.push(...(await listKeys(spec, session, name.slice(0, -1))));
    else out.push(name);
  }
  return out;
}

export async function findSecrets(spec: VaultProviderSpec, session: VaultSession, request: FindRequest): Promise<Record<string, Uint8Array>> {
  if (!isV2(spec)) throw new ConfigError("dataFrom.find needs a KV v2 store (ESO does not support find on KV v1)");
  if (!spec.path) throw new ConfigError("dataFrom.find needs spec.provider.vault.path (the KV mount)");
  const pattern = findNameRegexp(request);
  const tags = Object.entries(request.tags ?? {});
  const out: Record<string, Uint8Array> = {};
  for (const key of await listKeys(spec, session, trimSlashes(request.path ?? ""))) {
    if (pattern && !pattern.test(key)) continue;
    try {
      if (tags.length > 0) {
        const meta = await readDoc(spec, session, { key, metadataPolicy: "Fetch" });
        if (!tags.every(([name, value]) => meta[name] === value)) continue;
      }
      out[key] = toBytes(goJson(await readDoc(spec, session, { key })));
    } catch (err) {
      if (err instanceof NoSecretError) continue;
      throw err;
    }
  }
  return out;
}

