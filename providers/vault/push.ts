// The write half of a Vault session (PushSecret), after ESO's vault PushSecret / DeleteSecret / SecretExists:
// KV v2 marks ownership in the secret's custom metadata, KV v1 in a `custom_metadata` key of the data. Every
// push reads first and writes only what differs (push-plan.ts); a secret without the mark is never written.
import { ConfigError, NoSecretError, NotOwnedError, PropertyNotFoundError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import { pushedValue } from "../../src/provider/push-value.ts";
import type { DeleteOutcome, PushClient, PushOutcome, PushRemoteRef, PushRequest } from "../../src/provider/types.ts";
import { vaultError } from "./errors.ts";
import { isV2, kvMetadataPath, kvPath } from "./kv-path.ts";
import { parsePushMetadata } from "./push-metadata.ts";
import { isMarked, ownershipMark, planDelete, planPush, V1_MARK_KEY, withKey, withoutKey } from "./push-plan.ts";
import type { Doc } from "./push-plan.ts";
import { readDoc, shapeValue } from "./read.ts";
import type { VaultProviderSpec } from "./schema.ts";
import type { VaultSession } from "./session.ts";

const isDoc = (value: unknown): value is Doc => value !== null && typeof value === "object" && !Array.isArray(value);

/** What a KV v2 metadata endpoint says about a secret: its custom metadata and current version. */
interface KvMetadata {
  custom: unknown;
  currentVersion: number;
}

/**
 * Every string (and number) in a document we write, iteratively (a document from Vault may nest deeply): withheld
 * from Vault's error texts, since a server may echo the request body back.
 */
function leaves(doc: Doc): string[] {
  const out: string[] = [];
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === "string") out.push(node);
    else if (typeof node === "number") out.push(String(node));
    // One by one: spreading a list of a million values into push() would overflow the call stack.
    else if (node !== null && typeof node === "object") for (const child of Object.values(node)) stack.push(child);
  }
  return out;
}

export function vaultPushClient(spec: VaultProviderSpec, session: VaultSession): PushClient {
  const v2 = isV2(spec);
  const cas = v2 && spec.checkAndSet?.required === true;
  const label = (remoteKey: string) => `vault key ${remoteKey}`;

  /** The document at the key, or undefined when Vault says there is none (or its current version is deleted). */
  const readCurrent = async (remoteKey: string): Promise<Doc | undefined> => {
    try {
      return await readDoc(spec, session, { key: remoteKey });
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  };

  /** KV v2 metadata, or undefined when Vault says the secret does not exist (its JSON 404). */
  const readMetadata = async (path: string): Promise<KvMetadata | undefined> => {
    const res = await session.request({ method: "GET", path, op: "read", call: "ReadMetadata" });
    if (res.status === 404 && res.fromVault) return undefined;
    if (res.status >= 300 || !res.fromVault) throw vaultError("read", path, res);
    const data = res.body["data"];
    if (!isDoc(data)) throw new ProviderUnavailableError(`vault read ${path}: the answer has no data object (not a Vault KV metadata answer)`);
    const version = data["current_version"];
    // As ESO's getCASVersion: metadata without a current version counts as version 1.
    return { custom: data["custom_metadata"], currentVersion: typeof version === "number" && Number.isInteger(version) ? version : 1 };
  };

  const write = (path: string, body: Doc, call: string, withheld: string[]) =>
    session.expectOk({ method: "POST", path, op: "write", call, body, withheld });

  /** The KV v2 data write, with options.cas when the store requires check-and-set. */
  const writeV2 = (path: string, doc: Doc, currentVersion: number) =>
    write(path, cas ? { data: doc, options: { cas: currentVersion } } : { data: doc }, "WriteSecret", leaves(doc));

  const remove = (path: string, call: string) => session.expectOk({ method: "DELETE", path, op: "delete", call });

  async function pushV2(request: PushRequest, value: Uint8Array): Promise<PushOutcome> {
    const { remoteKey, property } = request.remoteRef;
    const dataPath = kvPath(spec, remoteKey, "data");
    const metaPath = kvMetadataPath(spec, remoteKey);
    const meta = await readMetadata(metaPath);
    // A secret someone else made is refused even when its current version is deleted: it can be undeleted.
    if (meta && !isMarked(meta.custom)) throw new NotOwnedError(`${label(remoteKey)} (${metaPath})`);
    const current = meta ? await readCurrent(remoteKey) : undefined;
    const plan = planPush(current, { property, value }, label(remoteKey));
    if (plan === "unchanged") return "unchanged";
    // The mark first: should the data write fail, the next push finds a secret it owns, never one it cannot touch.
    if (!meta) await write(metaPath, { custom_metadata: ownershipMark() }, "WriteMetadata", []);
    await writeV2(dataPath, plan.write, meta?.currentVersion ?? 0);
    return current ? "updated" : "created";
  }

  async function pushV1(request: PushRequest, value: Uint8Array): Promise<PushOutcome> {
    const { remoteKey, property } = request.remoteRef;
    if (property === V1_MARK_KEY) throw new ConfigError(`${label(remoteKey)}: on KV v1 the key ${V1_MARK_KEY} holds the ownership mark and cannot be pushed`);
    const path = kvPath(spec, remoteKey, "data");
    const held = await readCurrent(remoteKey);
    if (held && !isMarked(held[V1_MARK_KEY])) throw new NotOwnedError(`${label(remoteKey)} (${path})`);
    const current = held && withoutKey(held, V1_MARK_KEY);
    const plan = planPush(current, { property, value }, label(remoteKey));
    if (plan === "unchanged") return "unchanged";
    if (Object.hasOwn(plan.write, V1_MARK_KEY)) throw new ConfigError(`${label(remoteKey)}: on KV v1 the key ${V1_MARK_KEY} holds the ownership mark and cannot be pushed`);
    await write(path, withKey(plan.write, V1_MARK_KEY, ownershipMark()), "WriteSecret", leaves(plan.write));
    return held ? "updated" : "created";
  }

  async function deleteV2({ remoteKey, property }: PushRemoteRef): Promise<DeleteOutcome> {
    const dataPath = kvPath(spec, remoteKey, "data");
    const metaPath = kvMetadataPath(spec, remoteKey);
    const meta = await readMetadata(metaPath);
    if (!meta) return "absent";
    if (!isMarked(meta.custom)) return "not-owned";
    const current = await readCurrent(remoteKey);
    const plan = planDelete(current, property);
    if (plan === "absent") return "absent";
    if (plan !== "delete") {
      await writeV2(dataPath, plan.write, meta.currentVersion);
      return "deleted";
    }
    // As ESO: the current version, then every version and the metadata (the mark goes last).
    if (current) await remove(dataPath, "DeleteSecret");
    await remove(metaPath, "DeleteMetadata");
    return "deleted";
  }

  async function deleteV1({ remoteKey, property }: PushRemoteRef): Promise<DeleteOutcome> {
    const path = kvPath(spec, remoteKey, "data");
    const held = await readCurrent(remoteKey);
    if (!held) return "absent";
    if (!isMarked(held[V1_MARK_KEY])) return "not-owned";
    const plan = planDelete(withoutKey(held, V1_MARK_KEY), property);
    if (plan === "absent") return "absent";
    if (plan === "delete") await remove(path, "DeleteSecret");
    else await write(path, withKey(plan.write, V1_MARK_KEY, ownershipMark()), "WriteSecret", leaves(plan.write));
    return "deleted";
  }

  return {
    async pushSecret(request) {
      parsePushMetadata(request.metadata, request.remoteRef.remoteKey);
      const value = pushedValue(request);
      return v2 ? pushV2(request, value) : pushV1(request, value);
    },
    deleteSecret: (ref) => (v2 ? deleteV2(ref) : deleteV1(ref)),
    async secretExists(ref) {
      // As ESO's SecretExists: the data is read (a deleted current version does not exist), then the property.
      const doc = await readCurrent(ref.remoteKey);
      if (!doc) return false;
      if (!ref.property) return true;
      try {
        shapeValue(doc, { key: ref.remoteKey, property: ref.property });
        return true;
      } catch (err) {
        if (err instanceof PropertyNotFoundError) return false;
        throw err;
      }
    },
  };
}
