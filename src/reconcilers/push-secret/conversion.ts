// A PushSecret entry's conversionStrategy: ReverseUnicode turns the `_UXXXX_` sequences an ExternalSecret's
// Unicode conversion wrote into Secret keys back into the characters, so a key round-trips to its provider name.
import { ConfigError } from "../../provider/errors.ts";
import type { SecretValue } from "../../provider/types.ts";

// Fixed, linear pattern (no nested or overlapping quantifiers): safe on tenant-written keys.
const UNICODE_ESCAPE = /_U([0-9a-fA-F]{4,5})_/g;

/** Go's %c of a code point: surrogates (not characters) print as U+FFFD. */
const character = (codePoint: number) => (codePoint >= 0xd800 && codePoint <= 0xdfff ? "\uFFFD" : String.fromCodePoint(codePoint));

export function reverseKey(strategy: string | undefined, key: string): string {
  if (strategy !== "ReverseUnicode") return key;
  return key.replace(UNICODE_ESCAPE, (_match, hex: string) => character(Number.parseInt(hex, 16)));
}

/** Every key converted; two keys converting to one is an error, as in ESO. */
export function reverseKeys(strategy: string | undefined, data: Record<string, SecretValue>, where: string): Record<string, SecretValue> {
  if (strategy !== "ReverseUnicode") return data;
  // Null prototype: "__proto__" is a valid Secret key.
  const out: Record<string, SecretValue> = Object.create(null);
  for (const [key, value] of Object.entries(data)) {
    const converted = reverseKey(strategy, key);
    if (Object.hasOwn(out, converted)) throw new ConfigError(`${where}: secret name collision during conversion: ${converted}`);
    out[converted] = value;
  }
  return out;
}
