// dataFrom[].rewrite[].merge, as ESO 2.9's esutils.RewriteMerge: every value is read as a JSON object (Go's
// json.Unmarshal into map[string]any), their fields are merged key by key (input keys in Go's sort order,
// then the `priority` keys in the order given, so later wins), and the result replaces the map (Extract: one
// key per field) or is added to it under `into` (JSON: the merged object, compact, keys sorted, no HTML
// escaping: ESO's JSONMarshal). Field values become bytes as ESO's GetByteValue makes them.
//
// The values are provider data, so parsing is bounded: the text of all values together, the nesting depth
// (checked by a linear scan before JSON.parse), and the output. Runs in an isolation worker (rewrite-isolated.ts).
import { ConfigError, ProviderError, ResponseTooLargeError } from "../../provider/errors.ts";
import { BudgetExceeded, SECRET_LIMIT_BYTES } from "../../template/budget.ts";
import { formatF } from "../../template/fmt-number.ts";
import { fromBin } from "../../template/gostr.ts";
import { marshalJson } from "../../template/json.ts";
import { fromPlain } from "../../template/values.ts";

export interface MergeRule {
  into?: string | undefined;
  priority?: string[] | undefined;
  priorityPolicy?: "Strict" | "IgnoreNotFound" | undefined;
  conflictPolicy?: "Error" | "Ignore" | undefined;
  strategy?: "Extract" | "JSON" | undefined;
}

/** Text of all values one merge parses. Its output must fit a Secret (1 MiB); 4x that leaves room for whitespace and overridden fields. */
export const MERGE_INPUT_BYTES = 4 * SECRET_LIMIT_BYTES;
/** Nesting of a merged value. Go allows 10,000; secrets nest a handful of levels, and the encoder recurses per level. */
export const MERGE_MAX_DEPTH = 64;

// Data problems (not JSON, a missing priority key, conflicts) depend on what the provider holds: retried with
// backoff like a value that cannot be shaped (json-value.ts), never a not-found.
const dataError = (message: string) => new ProviderError(message, "InvalidRemoteData");

/** Go's sort.Strings order: UTF-8 bytes (JS's default sort compares UTF-16 units). */
const byGoOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Deepest [ / { nesting of JSON text, stopping once past `limit` (strings skipped). Linear, no recursion. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Numbers Go cannot hold in a float64 (1e400) make json.Unmarshal fail; JSON.parse gives Infinity. Iterative. */
function hasInfinity(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "number" && !Number.isFinite(v)) return true;
    if (v !== null && typeof v === "object") for (const item of Object.values(v)) stack.push(item);
  }
  return false;
}

/** json.Unmarshal(value, &map[string]any): `null` is an empty map; anything but an object is an error. */
function parseObject(key: string, value: Uint8Array): Record<string, unknown> {
  // Go replaces each invalid UTF-8 byte inside a string by U+FFFD; fromBin does the same.
  const text = fromBin(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("latin1"));
  const unreadable = dataError(`merge failed with failed to unmarshal JSON: the value of key ${JSON.stringify(key)} is not valid JSON`);
  if (jsonDepth(text, MERGE_MAX_DEPTH) > MERGE_MAX_DEPTH) throw dataError(`merge failed: the value of key ${JSON.stringify(key)} nests deeper than ${MERGE_MAX_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw unreadable;
  }
  if (parsed === null) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    const type = Array.isArray(parsed) ? "array" : typeof parsed === "boolean" ? "bool" : typeof parsed;
    throw dataError(`merge failed with failed to unmarshal JSON: json: cannot unmarshal ${type} into Go value of type map[string]interface {} (key ${JSON.stringify(key)})`);
  }
  if (hasInfinity(parsed)) throw dataError(`merge failed with failed to unmarshal JSON: the value of key ${JSON.stringify(key)} holds a number beyond float64`);
  return parsed as Record<string, unknown>;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const goBytes = (bin: string) => new Uint8Array(Buffer.from(bin, "latin1"));

/** Go's encoding/json over a parsed value (keys sorted, floats as Go), capped at a Secret's size. */
function marshal(value: unknown, escapeHTML: boolean): Uint8Array {
  try {
    const bin = marshalJson(fromPlain(value), escapeHTML);
    if (bin.length > SECRET_LIMIT_BYTES) throw new BudgetExceeded("too large");
    return goBytes(bin);
  } catch (err) {
    if (err instanceof BudgetExceeded) throw new ResponseTooLargeError("merge output", SECRET_LIMIT_BYTES);
    throw err;
  }
}

/** ESO's GetByteValue for a json.Unmarshal result: strings raw, numbers as FormatFloat(f, 'f', -1), null empty. */
function byteValue(v: unknown): Uint8Array {
  if (typeof v === "string") return utf8(v);
  if (typeof v === "number") return utf8(formatF(v, -1));
  if (typeof v === "boolean") return utf8(String(v));
  if (v === null) return new Uint8Array(0);
  return marshal(v, true); // json.Marshal: HTML-escaping on
}

/** One merge rewrite over the whole map. Throws ProviderError (data), ConfigError (no `into` for JSON), ResponseTooLargeError. */
export function mergeRewrite(data: Record<string, Uint8Array>, rule: MergeRule): Record<string, Uint8Array> {
  const priority = rule.priority ?? [];
  const order = [...Object.keys(data).filter((k) => !priority.includes(k)).sort(byGoOrder), ...priority];
  let inputBytes = 0;
  const merged = new Map<string, unknown>();
  const conflicts: string[] = [];
  for (const key of order) {
    const value = Object.hasOwn(data, key) ? data[key] : undefined;
    if (value === undefined) {
      if (rule.priorityPolicy === "IgnoreNotFound") continue;
      throw dataError(`merge failed with key ${JSON.stringify(key)} not found in input map`);
    }
    inputBytes += value.byteLength;
    if (inputBytes > MERGE_INPUT_BYTES) throw new ResponseTooLargeError("merge input", MERGE_INPUT_BYTES);
    const fields = parseObject(key, value);
    // Go ranges over a map in random order; sorted order makes the conflict list stable.
    for (const field of Object.keys(fields).sort(byGoOrder)) {
      if (merged.has(field)) conflicts.push(field);
      merged.set(field, fields[field]);
    }
  }
  if (rule.conflictPolicy !== "Ignore" && conflicts.length > 0) throw dataError(`merge failed with conflicts: ${conflicts.join(", ")}`);

  if (rule.strategy === "JSON") {
    if (!rule.into) throw new ConfigError("merge failed with missing 'into' field");
    return { ...data, [rule.into]: marshal(Object.fromEntries(merged), false) };
  }
  // fromEntries defines own properties: a field named __proto__ stays a key.
  return Object.fromEntries([...merged].map(([field, value]) => [field, byteValue(value)]));
}
