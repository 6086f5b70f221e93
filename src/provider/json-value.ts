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

/** A JS value rendered the way gjson's String() does for a value we built ourselves (tags): strings raw, else JSON. */
export function jsonToText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

const goEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * A document we build (Vault's parsed answer, tags, labels) as Go's json.Marshal writes it, which is what ESO
 * hands on for those: map keys sorted at every level, compact, and <, >, &, U+2028, U+2029 escaped.
 */
export function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    // Go sorts map keys by their UTF-8 bytes (JS's default sort compares UTF-16 units).
    const entries = Object.keys(value)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map((k) => `${goJson(k)}:${goJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  if (typeof value === "string") return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, goEscape);
  return JSON.stringify(value) ?? "null";
}

// ESO never re-serialises a provider's JSON: gjson's String() returns an object's or array's raw text, and its
// extract (json.Unmarshal into map[string]json.RawMessage) keeps each non-string value's raw bytes. So we walk
// the text itself and hand back slices of it: whitespace, key order, escapes and number spelling stay the
// provider's. The text is validated by JSON.parse first; the walk below is iterative (no recursion on depth).

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const skipWs = (text: string, i: number): number => {
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  return i;
};

/** End (exclusive) of the string literal starting at the quote at `i`. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}

/** End (exclusive) of the (valid) JSON value starting at `i`. */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  do {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i);
    else if (c === "{" || c === "[") {
      depth++;
      i++;
    } else if (c === "}" || c === "]") {
      depth--;
      i++;
    } else if (c === "," || c === ":" || isWs(text.charCodeAt(i))) i++;
    else while (i < text.length && /[-+.0-9a-zA-Z]/.test(text[i]!)) i++;
  } while (depth > 0);
  return i;
}

/** The members of the object (or elements of the array) starting at `start`, as raw value slices. */
function children(text: string, start: number): Array<{ key: string | undefined; raw: string }> {
  const out: Array<{ key: string | undefined; raw: string }> = [];
  const object = text[start] === "{";
  let i = skipWs(text, start + 1);
  if (text[i] === "}" || text[i] === "]") return out;
  for (;;) {
    let key: string | undefined;
    if (object) {
      const keyEnd = stringEnd(text, i);
      key = JSON.parse(text.slice(i, keyEnd)) as string;
      i = skipWs(text, skipWs(text, keyEnd) + 1);
    }
    const end = valueEnd(text, i);
    out.push({ key, raw: text.slice(i, end) });
    i = skipWs(text, end);
    if (text[i] !== ",") return out;
    i = skipWs(text, i + 1);
  }
}

/** The raw text of the document, trimmed; throws `invalid` (with `what`) when it is not JSON. */
function rawDocument(text: string, what: () => string): string {
  try {
    JSON.parse(text);
  } catch {
    throw invalid(what());
  }
  return text.slice(skipWs(text, 0), valueEnd(text, skipWs(text, 0)));
}

/** Go's strconv.FormatFloat(x, 'f', -1, 64): the shortest digits that round-trip, never an exponent. */
export function goFormatFloatF(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const e = Number(exponent);
  if (e >= digits.length - 1) return sign + digits + "0".repeat(e - digits.length + 1);
  if (e >= 0) return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
}

/**
 * gjson's Result.String() of a raw value: a string unescaped, an object or array as its raw text, an integer as
 * written, any other number as Go's FormatFloat(f, 'f', -1), true/false, and null as "".
 */
export function gjsonText(raw: string): string {
  const c = raw[0];
  if (c === '"') return JSON.parse(raw) as string;
  if (c === "{" || c === "[") return raw;
  if (c === "t" || c === "f") return raw;
  if (c === "n") return "";
  return /^-?[0-9]+$/.test(raw) ? raw : goFormatFloatF(Number(raw));
}

/**
 * Returns the text at `property` inside the JSON document `text`, as gjson's String() gives it (objects and
 * arrays as the provider wrote them). A key containing dots literally is tried first as a whole (ESO's escape
 * hatch); of duplicate keys the first counts (gjson). Throws PropertyNotFoundError when the property does not
 * exist: the key is there, so this is never "secret gone" (deletionPolicy must not act on it).
 */
export function pickProperty(text: string, property: string, keyLabel: string): string {
  const doc = rawDocument(text, () => `property "${property}" requested but the value of ${keyLabel} is not JSON`);
  const member = (raw: string, key: string) => (raw[0] === "{" ? children(raw, 0).find((child) => child.key === key)?.raw : undefined);
  const whole = member(doc, property);
  if (whole !== undefined) return gjsonText(whole);
  let node: string | undefined = doc;
  for (const part of splitPath(property)) {
    if (node[0] === "[" && /^[0-9]+$/.test(part)) node = children(node, 0)[Number(part)]?.raw;
    else node = member(node, part);
    if (node === undefined) throw new PropertyNotFoundError(property, keyLabel);
  }
  return gjsonText(node);
}

/**
 * Explodes a JSON object into keys as ESO's extract does (json.Unmarshal into map[string]json.RawMessage): a
 * string value unescaped, null as empty, anything else as its raw text, byte for byte; of duplicate keys the
 * last counts. A document that is `null` is no keys at all (Go unmarshals it into an empty map).
 */
export function explodeJson(text: string, keyLabel: string): Record<string, Uint8Array> {
  const notObject = () => `the value of ${keyLabel} is not a JSON object and cannot be extracted`;
  const doc = rawDocument(text, notObject);
  if (doc === "null") return {};
  if (doc[0] !== "{") throw invalid(notObject());
  const out = new Map<string, Uint8Array>();
  for (const { key, raw } of children(doc, 0)) out.set(key!, toBytes(raw[0] === '"' ? (JSON.parse(raw) as string) : raw === "null" ? "" : raw));
  // fromEntries defines own properties, so a key named __proto__ stays a key.
  return Object.fromEntries(out);
}
