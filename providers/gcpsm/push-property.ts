// A pushed `property` is one top-level key of the remote secret's JSON object: merged in with the others kept, or
// removed. Pure; the payload was read through the session's bounded call. Numbers of the other keys keep their
// exact text (JSON.rawJSON), so merging never rounds a large integer someone else wrote.
import { ProviderError } from "../../src/provider/errors.ts";

type JsonObject = Record<string, unknown>;

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
const keepNumberText = (_key: string, value: unknown, context?: { source?: string }) =>
  typeof value === "number" && context?.source !== undefined ? rawJson(context.source) : value;

/** The payload as a JSON object; anything else is an error that names the key and never shows the value. */
export function jsonObjectOf(payload: string, remoteKey: string): JsonObject {
  try {
    const parsed: unknown = JSON.parse(payload, keepNumberText as (key: string, value: unknown) => unknown);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // not JSON: reported below, without the parser's message (it quotes the text)
  }
  throw new ProviderError(`secret ${remoteKey} is not a JSON object; a property cannot be pushed into or removed from it`, "InvalidRemoteData");
}

/** Whether the object already holds `value` as the string at `property` (then nothing is written). */
export function holdsProperty(object: JsonObject, property: string, value: string): boolean {
  return Object.hasOwn(object, property) && object[property] === value;
}

/** The payload with `property` set to `value` (others kept, in their order); a missing payload starts from {}. */
export function withProperty(object: JsonObject | undefined, property: string, value: string): string {
  return JSON.stringify({ ...object, [property]: value });
}

/** The object without `property`, or undefined when nothing would be left (the secret goes, as ESO does). */
export function withoutProperty(object: JsonObject, property: string): string | undefined {
  const rest = { ...object };
  delete rest[property];
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : undefined;
}
