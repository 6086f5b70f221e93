// What a verified call's body may say about what to refresh (issue 20, stage 3): a generic call may name remote
// keys, `{"keys": ["a", "b"]}`, to refresh only the ExternalSecrets that read them. The body is already capped by
// read-body.ts; the list is capped here so one call cannot make the selection walk a huge list.

export const MAX_KEYS = 256;
export const MAX_KEY_LENGTH = 1024;

export class BadCallBody extends Error {}

/** The named keys, or undefined (refresh everything selected) for an empty body or one without `keys`. */
export function namedKeys(body: Uint8Array, contentType: string | undefined): string[] | undefined {
  if (body.byteLength === 0) return undefined;
  if (contentType !== undefined && !/^application\/(.+\+)?json\b/i.test(contentType)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    throw new BadCallBody("the body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || !("keys" in parsed)) return undefined;
  const keys = (parsed as { keys: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) throw new BadCallBody(`keys must be a list of 1 to ${MAX_KEYS} strings`);
  for (const key of keys) if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new BadCallBody(`each key must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  return [...new Set(keys as string[])];
}
