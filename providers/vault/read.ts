// Reading one secret: KV v2 (with version), KV v1 or any read-only engine path, or its KV v2 custom metadata
// (metadataPolicy Fetch), and shaping it as ESO's GetSecret does.
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { ConfigError, NoSecretError } from "../../src/provider/errors.ts";
import { pickProperty, toBytes } from "../../src/provider/json-value.ts";
import { goJson, isV2, kvPath } from "./kv-path.ts";
import type { VaultProviderSpec } from "./schema.ts";
import type { VaultSession } from "./session.ts";

type Doc = Record<string, unknown>;

/** The secret's key/value document (or its custom metadata). Throws NoSecretError when it is gone. */
export async function readDoc(spec: VaultProviderSpec, session: VaultSession, ref: Pick<RemoteRef, "key" | "version" | "metadataPolicy">): Promise<Doc> {
  const v2 = isV2(spec);
  if (ref.metadataPolicy === "Fetch") {
    if (!v2) throw new ConfigError(`metadataPolicy Fetch needs a KV v2 store (key ${ref.key})`);
    const path = kvPath(spec, ref.key, "metadata");
    const body = await session.expectOk({ method: "GET", path, op: "read", call: "ReadMetadata" });
    const data = body["data"] as { custom_metadata?: Doc | null } | null | undefined;
    if (!data) throw new NoSecretError(`vault read ${path}: no metadata`);
    return data.custom_metadata ?? {};
  }
  const path = kvPath(spec, ref.key, "data");
  if (ref.version !== undefined && !v2) throw new ConfigError(`remoteRef.version needs a KV v2 store (key ${ref.key})`);
  if (ref.version !== undefined && !/^[0-9]+$/.test(ref.version)) throw new ConfigError(`remoteRef.version must be a KV v2 version number (key ${ref.key})`);
  const query = ref.version === undefined ? undefined : { version: ref.version };
  const body = await session.expectOk({ method: "GET", path, op: "read", call: "ReadSecret", query });
  const data = body["data"] as Doc | null | undefined;
  if (!v2) {
    if (!data) throw new NoSecretError(`vault read ${path}: no data`);
    return data;
  }
  // A deleted (not destroyed) KV v2 version answers 404, or 200 with data: null on some servers.
  const values = data?.["data"] as Doc | null | undefined;
  if (!values) throw new NoSecretError(`vault read ${path}${ref.version ? ` version ${ref.version}` : ""}: deleted or empty`);
  return values;
}

/** ESO's GetSecret: the whole document as JSON, or one property (a key of the document first, then a path). */
export function shapeValue(doc: Doc, ref: Pick<RemoteRef, "key" | "property">): Uint8Array {
  const json = goJson(doc);
  if (!ref.property) return toBytes(json);
  return toBytes(pickProperty(json, ref.property, `key ${ref.key}`));
}

