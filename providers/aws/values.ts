// Shapes what AWS returned into what the contract hands back: the raw value or a `property` of its JSON
// (ESO's gjson-style paths), a JSON object exploded into keys, or the secret's tags (metadataPolicy: Fetch).
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { bytesToString, explodeJson, goJson, jsonToText, pickProperty, toBytes } from "../../src/provider/json-value.ts";
import { PropertyNotFoundError } from "../../src/provider/errors.ts";

/** A fetched value: Secrets Manager's SecretString or SecretBinary, or a parameter's Value. */
export type RawValue = { text: string } | { binary: Uint8Array };

/** A value as Secrets Manager returns it; a version without either field is treated as empty text. */
export function toRaw(entry: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined }): RawValue {
  if (entry.SecretBinary !== undefined) return { binary: entry.SecretBinary };
  return { text: entry.SecretString ?? "" };
}

export function rawBytes(raw: RawValue): Uint8Array {
  return "text" in raw ? toBytes(raw.text) : raw.binary;
}

export function rawText(raw: RawValue): string {
  return "text" in raw ? raw.text : bytesToString(raw.binary);
}

/** getSecret: the whole value (binary stays binary) or one property of its JSON. */
export function shapeValue(raw: RawValue, ref: RemoteRef, label: string): Uint8Array {
  if (!ref.property) return rawBytes(raw);
  return toBytes(pickProperty(rawText(raw), ref.property, label));
}

/** getSecretMap: the JSON object (or the object at `property`) exploded into keys. */
export function shapeMap(raw: RawValue, ref: RemoteRef, label: string): Record<string, Uint8Array> {
  const text = rawText(raw);
  return explodeJson(ref.property ? pickProperty(text, ref.property, label) : text, label);
}

/** Tags as a JSON object, the document metadataPolicy: Fetch reads (ESO returns the tags of the secret). */
export function tagsDocument(tags: Array<{ Key?: string | undefined; Value?: string | undefined }> | undefined): string {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  return goJson(out); // ESO: json.Marshal of the tag map (keys sorted, Go escaping)
}

/** metadataPolicy: Fetch for getSecret: all tags as JSON, or the value of the tag named by `property`. */
export function shapeTags(document: string, ref: RemoteRef, label: string): Uint8Array {
  if (!ref.property) return toBytes(document);
  const tags = JSON.parse(document) as Record<string, string>;
  // The secret exists; a missing tag is a missing property (ESO: "key X does not exist"), never "secret gone".
  if (!Object.hasOwn(tags, ref.property)) throw new PropertyNotFoundError(ref.property, `the tags of ${label}`);
  return toBytes(jsonToText(tags[ref.property]));
}

/** The name the store asks AWS for: `prefix` + key (ESO's prefix). */
export function withPrefix(prefix: string | undefined, key: string): string {
  return `${prefix ?? ""}${key}`;
}
