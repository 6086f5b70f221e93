// Value decoding (decodingStrategy), key conversion (conversionStrategy) and key rewrites (dataFrom.rewrite),
// with ESO's semantics. The template-based `transform` rewrite arrives with the template engine.
import { ConfigError } from "../../provider/errors.ts";

type Decoding = "None" | "Base64" | "Base64URL" | "Auto" | undefined;

const STD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

function decodeStrict(value: Uint8Array, alphabet: RegExp, encoding: "base64" | "base64url"): Uint8Array | undefined {
  const text = Buffer.from(value).toString("latin1").trim();
  if (!alphabet.test(text)) return undefined;
  if (encoding === "base64" && text.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(text, encoding));
}

export function decodeValue(value: Uint8Array, strategy: Decoding, keyLabel: string): Uint8Array {
  switch (strategy ?? "None") {
    case "None":
      return value;
    case "Base64": {
      const out = decodeStrict(value, STD, "base64");
      if (!out) throw new ConfigError(`${keyLabel}: value is not valid base64 (decodingStrategy Base64)`);
      return out;
    }
    case "Base64URL": {
      const out = decodeStrict(value, URL_SAFE, "base64url");
      if (!out) throw new ConfigError(`${keyLabel}: value is not valid base64url (decodingStrategy Base64URL)`);
      return out;
    }
    default:
      // Auto: ESO tries base64, then base64url, else keeps the raw value (documented as unreliable).
      return decodeStrict(value, STD, "base64") ?? decodeStrict(value, URL_SAFE, "base64url") ?? value;
  }
}

const INVALID_KEY_CHAR = /[^-._a-zA-Z0-9]/gu;

/** Makes a provider name a valid Secret key: `_` (Default) or `_UXXXX_` (Unicode) for each invalid character. */
export function convertKey(key: string, strategy: "Default" | "Unicode" | undefined): string {
  if (strategy === "Unicode") {
    return key.replace(INVALID_KEY_CHAR, (ch) => `_U${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}_`);
  }
  return key.replace(INVALID_KEY_CHAR, "_");
}

/** Go's regexp replacement syntax ($1, ${1}, ${name}) in JavaScript's ($1, $<name>). */
function goReplacement(target: string): string {
  return target.replace(/\$\{([0-9]+)\}/g, "$$$1").replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, "$$<$1>");
}

export interface RewriteRule {
  regexp?: { source: string; target: string } | undefined;
  transform?: { template: string } | undefined;
}

export function rewriteKeys<T>(data: Record<string, T>, rules: RewriteRule[] | undefined): Record<string, T> {
  let current = data;
  for (const rule of rules ?? []) {
    if (rule.transform) throw new ConfigError("dataFrom.rewrite.transform needs the template engine, which this version does not have yet");
    if (!rule.regexp) continue;
    let pattern: RegExp;
    try {
      pattern = new RegExp(rule.regexp.source, "g");
    } catch {
      throw new ConfigError(`dataFrom.rewrite.regexp.source ${JSON.stringify(rule.regexp.source)} is not a valid regular expression`);
    }
    const replacement = goReplacement(rule.regexp.target);
    const next: Record<string, T> = {};
    for (const [key, value] of Object.entries(current)) next[key.replace(pattern, replacement)] = value;
    current = next;
  }
  return current;
}
