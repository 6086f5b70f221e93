// Picking a `property` out of a JSON value and exploding a JSON object into keys, as ESO's providers do.
// ESO uses gjson paths: dots separate levels, `\.` escapes a dot inside a key, numbers index arrays.
// We implement that subset by hand (gjson's query and modifier syntax is not part of ESO's documented contract).
import { PropertyNotFoundError, ProviderError } from "./errors.ts";

/** A remote value that cannot be shaped as asked (not JSON): retried with backoff, never applies deletionPolicy. */
const invalid = (message: string) => new ProviderError(message, "InvalidRemoteData");

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

export function toBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function bytesToString(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Splits a gjson-style path on unescaped dots. */
export function splitPath(path: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === "\\" && i + 1 < path.length) {
      current += path[++i];
    } else if (ch === ".") {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** A JSON scalar or structure rendered the way gjson's String() does: strings raw, everything else as JSON. */
export function jsonToText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * Returns the text at `property` inside the JSON document `text`. A key containing dots literally is tried
 * first as a whole (ESO's escape hatch). Throws PropertyNotFoundError when the property does not exist: the key is
 * there, so this is never "secret gone" (deletionPolicy must not act on it).
 */
export function pickProperty(text: string, property: string, keyLabel: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid(`property "${property}" requested but the value of ${keyLabel} is not JSON`);
  }
  if (doc !== null && typeof doc === "object" && !Array.isArray(doc) && Object.hasOwn(doc, property)) {
    return jsonToText((doc as Record<string, unknown>)[property]);
  }
  let node: unknown = doc;
  for (const part of splitPath(property)) {
    if (Array.isArray(node) && /^[0-9]+$/.test(part)) node = node[Number(part)];
    else if (node !== null && typeof node === "object" && Object.hasOwn(node, part)) node = (node as Record<string, unknown>)[part];
    else throw new PropertyNotFoundError(property, keyLabel);
    if (node === undefined) throw new PropertyNotFoundError(property, keyLabel);
  }
  return jsonToText(node);
}

/** Explodes a JSON object into keys: strings stay raw, other values are JSON-encoded (ESO's extract). */
export function explodeJson(text: string, keyLabel: string): Record<string, Uint8Array> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid(`the value of ${keyLabel} is not a JSON object and cannot be extracted`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw invalid(`the value of ${keyLabel} is not a JSON object and cannot be extracted`);
  }
  const out: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(doc)) out[key] = toBytes(value === null ? "" : jsonToText(value));
  return out;
}
