// The bytes a PushSecret entry writes, as ESO's providers compute them: one key's value, or (no secretKey) the
// whole Secret as one JSON object of strings. Shared by every adapter so they serialise alike.
import { ConfigError } from "./errors.ts";
import { bytesToString, toBytes } from "./json-value.ts";
import type { PushRequest, SecretValue } from "./types.ts";

const lineSeparators = (c: string) => `\\u${c.charCodeAt(0).toString(16)}`;

/**
 * The whole Secret as ESO's esutils.JSONMarshal writes it: keys sorted by their UTF-8 bytes (Go map order), values
 * as strings, compact, HTML characters left as they are, U+2028/U+2029 escaped (Go's encoder always escapes them).
 */
export function wholeSecretJson(data: Record<string, SecretValue>): string {
  const keys = Object.keys(data).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const body = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(bytesToString(data[key]!))}`).join(",");
  return `{${body}}`.replace(/[\u2028\u2029]/g, lineSeparators);
}

/** Whether the entry pushes the whole Secret rather than one key. */
export const pushesWholeSecret = (request: PushRequest): boolean => !request.secretKey;

/** The value an entry pushes. A missing key is the controller's to catch first; here it is a ConfigError. */
export function pushedValue(request: PushRequest): SecretValue {
  if (pushesWholeSecret(request)) return toBytes(wholeSecretJson(request.data));
  const value = Object.hasOwn(request.data, request.secretKey!) ? request.data[request.secretKey!] : undefined;
  if (value === undefined) throw new ConfigError(`secret key ${JSON.stringify(request.secretKey)} does not exist in the source Secret`);
  return value;
}
