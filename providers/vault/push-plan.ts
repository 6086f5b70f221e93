// The pure decisions of a Vault push and delete (ESO's PushSecret / DeleteSecret for the vault provider): who owns
// a remote secret, what document a push would leave, and whether that is what Vault already holds (then nothing
// is written: zero writes at rest). I/O lives in push.ts.
import { isDeepStrictEqual } from "node:util";
import { ConfigError, ProviderError } from "../../src/provider/errors.ts";
import { bytesToString } from "../../src/provider/json-value.ts";

export type Doc = Record<string, unknown>;

/** ESO's ownership mark: KV v2 custom metadata, or (KV v1, which has none) a `custom_metadata` key in the data. */
export const MANAGED_BY = "managed-by";
export const EXTERNAL_SECRETS = "external-secrets";
export const ownershipMark = (): Record<string, string> => ({ [MANAGED_BY]: EXTERNAL_SECRETS });
/** The KV v1 data key holding the mark. */
export const V1_MARK_KEY = "custom_metadata";

const isDoc = (value: unknown): value is Doc => value !== null && typeof value === "object" && !Array.isArray(value);

/** Whether custom metadata carries `managed-by: external-secrets` exactly. */
export function isMarked(customMetadata: unknown): boolean {
  return isDoc(customMetadata) && Object.hasOwn(customMetadata, MANAGED_BY) && customMetadata[MANAGED_BY] === EXTERNAL_SECRETS;
}

/** A copy of `doc` with `key` set; a key named `__proto__` stays a plain key. */
export function withKey(doc: Doc, key: string, value: unknown): Doc {
  const out = { ...doc };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A copy of `doc` without `key`. */
export function withoutKey(doc: Doc, key: string): Doc {
  const out = { ...doc };
  delete out[key];
  return out;
}

/**
 * The pushed bytes as the JSON object Vault stores (a whole-value push). The message never quotes the value,
 * not even a parser's position or excerpt.
 */
export function pushedObject(value: Uint8Array, what: string): Doc {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToString(value));
  } catch {
    parsed = undefined;
  }
  if (!isDoc(parsed)) throw new ConfigError(`${what}: the pushed value is not a JSON object (Vault stores key/value documents; set remoteRef.property to push a plain value)`);
  return parsed;
}

export type PushPlan = { write: Doc } | "unchanged";

/**
 * What a push leaves at the remote key, given the document Vault holds now (without the KV v1 mark; undefined when
 * there is none). With `property` the value is merged in as a string, the other keys kept; without it the
 * pushed value (a JSON object) replaces the document. "unchanged" when Vault already holds exactly that: the
 * property's string, or an equal document (key order and formatting are irrelevant).
 */
export function planPush(current: Doc | undefined, entry: { property?: string | undefined; value: Uint8Array }, what: string): PushPlan {
  if (entry.property) {
    const text = bytesToString(entry.value);
    if (current && Object.hasOwn(current, entry.property)) {
      const held = current[entry.property];
      // As ESO: a property holding a number, object or list is not ours to turn into a string.
      if (typeof held !== "string") throw new ProviderError(`${what}: property ${JSON.stringify(entry.property)} holds a ${held === null ? "null" : Array.isArray(held) ? "list" : typeof held}, not a string; refusing to replace it`, "InvalidRemoteData");
      if (held === text) return "unchanged";
    }
    return { write: withKey(current ?? {}, entry.property, text) };
  }
  const next = pushedObject(entry.value, what);
  if (current && isDeepStrictEqual(current, next)) return "unchanged";
  return { write: next };
}

export type DeletePlan = { write: Doc } | "delete" | "absent";

/**
 * What deleting a pushed entry does to the document Vault holds (without the KV v1 mark): without a property the
 * whole secret goes; with one only that key goes and the rest is written back, unless it was the last key (then
 * the secret goes, as in ESO). A property that is not there is "absent", and costs no write.
 */
export function planDelete(current: Doc | undefined, property: string | undefined): DeletePlan {
  if (!property) return "delete";
  if (!current || !Object.hasOwn(current, property)) return "absent";
  const rest = withoutKey(current, property);
  return Object.keys(rest).length === 0 ? "delete" : { write: rest };
}
