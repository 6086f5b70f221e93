// Reading one secret: KV v2 (with version), KV v1 or any read-only engine path, or its KV v2 custom metadata
// (metadataPolicy Fetch), and shaping it as ESO's GetSecret does.
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { ConfigError, NoSecretError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import { goJson, pickProperty, toBytes } from "../../src/provider/json-value.ts";
import { isV2, kvPath } from "./kv-path.ts";
import type { VaultProviderSpec } from "./schema.ts";
import type { VaultSession } from "./session.ts";

type Doc = Record<string, unknown>;

const isDoc = (value: unknown): value is Doc => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * A 2xx JSON answer without the shape Vault gives this endpoint: whatever sent it, it is not a statement that
 * the key is gone, so it is transient (retried, Secret kept), as in ESO ("failed to find data field").
 */
const wrongShape = (path: string, what: string) => new ProviderUnavailableError(`vault read ${path}: the answer has no ${what} object (not a Vault KV answer)`);

/**
 * The secret's key/value document (or its custom metadata). Throws NoSecretError only when Vault itself says
 * the key (or version) does not exist: its 404 (errors.ts), or a KV v2 version whose data is null (deleted,
 * not destroyed). An answer of the wrong shape is ProviderUnavailableError.
 */
export async function readDoc(spec: VaultProviderSpec, session: VaultSession, ref: Pick<RemoteRef, "key" | "version" | "metadataPolicy">): Promise<Doc> {
  const v2 = isV2(spec);
  if (ref.metadataPolicy === "Fetch") {
    if (!v2) throw new ConfigError(`metadataPolicy Fetch needs a KV v2 store (key ${ref.key})`);
    const path = kvPath(spec, ref.key, "metadata");
    const body = await session.expectOk({ method: "GET", path, op: "read", call: "ReadMetadata" });
    const data = body["data"];
    if (!isDoc(data)) throw wrongShape(path, "data");
    return isDoc(data["custom_metadata"]) ? data["custom_metadata"] : {};
  }
  const path = kvPath(spec, ref.key, "data");
  if (ref.version !== undefined && !v2) throw new ConfigError(`remoteRef.version needs a KV v2 store (key ${ref.key})`);
  if (ref.version !== undefined && !/^[0-9]+$/.test(ref.version)) throw new ConfigError(`remoteRef.version must be a KV v2 version number (key ${ref.key})`);
  const query = ref.version === undefined ? undefined : { version: ref.version };
  const body = await session.expectOk({ method: "GET", path, op: "read", call: "ReadSecret", query });
  const data = body["data"];
  if (!isDoc(data)) throw wrongShape(path, "data");
  if (!v2) return data;
  // Vault's KV v2 answer for a version deleted but not destroyed: `data: null` next to its metadata (404 on
  // Vault, 200 on some servers). That is Vault saying the version is gone.
  const values = data["data"];
  if (values === null) throw new NoSecretError(`vault read ${path}${ref.version ? ` version ${ref.version}` : ""}: deleted`);
  if (!isDoc(values)) throw wrongShape(path, "data.data");
  return values;
}

/** ESO's GetSecret: the whole document as JSON, or one property (a key of the document first, then a path). */
export function shapeValue(doc: Doc, ref: Pick<RemoteRef, "key" | "property">): Uint8Array {
  const json = goJson(doc);
  if (!ref.property) return toBytes(json);
  return toBytes(pickProperty(json, ref.property, `key ${ref.key}`));
}

