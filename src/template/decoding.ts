// ESO's runtime/decoding: a value's decodingStrategy (data[].remoteRef, dataFrom[]) and a templateFrom's
// valuesDecodingStrategy decode the same way. Go's padded Std/URL base64, strict as Go's decoder.
import { ConfigError } from "../provider/errors.ts";
import { b64decode } from "./funcs-encoding.ts";

export type Decoding = "None" | "Base64" | "Base64URL" | "Auto" | undefined;

/** Go's base64.StdEncoding / URLEncoding (padded, as ESO's decoding.Decode uses them), or undefined. */
function decodeStrict(value: Uint8Array, url: boolean): Uint8Array | undefined {
  const r = b64decode(Buffer.from(value).toString("latin1"), url);
  return r.ok ? new Uint8Array(Buffer.from(r.value, "latin1")) : undefined;
}

/** Decodes one value; throws ConfigError naming `keyLabel` (never the value) when it is not valid base64. */
export function decodeValue(value: Uint8Array, strategy: Decoding, keyLabel: string): Uint8Array {
  switch (strategy ?? "None") {
    case "None":
      return value;
    case "Base64": {
      const out = decodeStrict(value, false);
      if (!out) throw new ConfigError(`${keyLabel}: value is not valid base64 (decodingStrategy Base64)`);
      return out;
    }
    case "Base64URL": {
      const out = decodeStrict(value, true);
      if (!out) throw new ConfigError(`${keyLabel}: value is not valid base64url (decodingStrategy Base64URL)`);
      return out;
    }
    default:
      // Auto: ESO tries base64, then base64url, else keeps the raw value (documented as unreliable).
      return decodeStrict(value, false) ?? decodeStrict(value, true) ?? value;
  }
}
