// The SOPS store's session: files from the source's current snapshot, decrypted once per content digest and
// MAC-verified, then shaped for ESO's getSecret / getSecretMap / findSecrets.
import type { Logger } from "pino";
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { ConfigError, NoSecretError } from "../../src/provider/errors.ts";
import { explodeJson, pickProperty, toBytes } from "../../src/provider/json-value.ts";
import { findNameRegexp } from "../../src/provider/spec-regexp.ts";
import type { FindRequest, SecretsClient } from "../../src/provider/types.ts";
import { DecryptionCache } from "./decryption-cache.ts";
import { formatOf, type DecryptedFile } from "./decrypt.ts";
import { decryptIsolated } from "./decrypt-isolated.ts";
import { isSopsFailure, SopsError } from "./errors.ts";
import { filePath, underPrefix } from "./paths.ts";
import type { FileSource, Snapshot } from "./source.ts";
import { documentJson, wholeFile } from "./view.ts";

export interface SopsClientOptions {
  source: FileSource;
  /** The age identities, read when a decryption is needed (throws when there are none). */
  identities: () => Promise<string[]>;
  /** "SecretStore/ns/name", for messages. */
  storeLabel: string;
  log: Logger;
}

export function sopsClient(opts: SopsClientOptions): SecretsClient {
  const { source, storeLabel, log } = opts;
  const cache = new DecryptionCache();

  const decrypt = async (snapshot: Snapshot, path: string): Promise<DecryptedFile> => {
    const bytes = await snapshot.read(path);
    if (bytes === undefined) throw new NoSecretError(`file ${path} not found in ${storeLabel} (revision ${snapshot.id.slice(0, 12)})`);
    return cache.get(bytes, formatOf(path), async () => {
      try {
        const file = await decryptIsolated(bytes, path, await opts.identities(), `${storeLabel}:${path}`);
        recordProviderCall("sops", "Decrypt", "success");
        log.debug({ key: path, revision: snapshot.id.slice(0, 12) }, "sops file decrypted and MAC verified");
        return file;
      } catch (err) {
        recordProviderCall("sops", "Decrypt", "error");
        if (err instanceof SopsError && err.reason !== "NotSopsFile") log.warn({ key: path, reason: err.reason, revision: snapshot.id.slice(0, 12) }, "sops file rejected");
        throw err;
      }
    }, path);
  };

  const load = async (ref: RemoteRef): Promise<DecryptedFile> => {
    if (ref.version) throw new ConfigError("the sops provider has no versions: pin source.git.ref instead of remoteRef.version");
    const path = filePath(ref.key);
    return decrypt(await source.snapshot(), path);
  };

  return {
    async getSecret(ref) {
      const file = await load(ref);
      if (!ref.property) return wholeFile(file);
      return toBytes(pickProperty(documentJson(file), ref.property, `file ${ref.key}`));
    },
    async getSecretMap(ref) {
      const file = await load(ref);
      const json = documentJson(file);
      return explodeJson(ref.property ? pickProperty(json, ref.property, `file ${ref.key}`) : json, `file ${ref.key}`);
    },
    async findSecrets(request: FindRequest) {
      if (request.tags && Object.keys(request.tags).length > 0) throw new ConfigError("the sops provider does not support find.tags");
      const pattern = findNameRegexp(request);
      const snapshot = await source.snapshot();
      const out: Record<string, Uint8Array> = {};
      for (const path of await snapshot.list()) {
        if (!underPrefix(path, request.path) || (pattern && !pattern.test(path))) continue;
        try {
          out[path] = wholeFile(await decrypt(snapshot, path));
        } catch (err) {
          // Plain files next to the encrypted ones (READMEs, .sops.yaml) are not secrets; a damaged SOPS file is an error.
          if (isSopsFailure(err, "NotSopsFile")) continue;
          throw err;
        }
      }
      return out;
    },
    async validate() {
      const snapshot = await source.snapshot(true);
      await snapshot.list();
      await opts.identities();
    },
    async close() {
      cache.clear();
      await source.close();
    },
    refreshSource() {
      source.invalidate();
    },
  };
}
