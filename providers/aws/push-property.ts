// A PushSecret entry with a `property` writes one field of a JSON object and keeps the others, as ESO does with
// sjson: the property is a gjson-style path (dots nest, `\.` is a literal dot), intermediate objects are created.
// Pure: text in, text out. Errors never carry the remote text (it is a secret): only "not a JSON object".
import { ProviderError } from "../../src/provider/errors.ts";
import { splitPath } from "../../src/provider/json-value.ts";

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === "object" && !Array.isArray(value);

// defineProperty, not assignment: a property named `__proto__` must become a field, not the object's prototype.
function setOwn<T>(object: JsonObject, key: string, value: T): T {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

const notAnObject = (label: string) => new ProviderError(`${label} is not a JSON object; a property cannot be pushed into it or removed from it`, "InvalidRemoteData");

/** The remote text as an object; empty text is an empty object (a secret without a value yet). */
function objectOf(text: string | undefined, label: string): JsonObject {
  if (text === undefined || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notAnObject(label); // the parser's message quotes the text: never passed on
  }
  if (!isObject(parsed)) throw notAnObject(label);
  return parsed;
}

/** The value at `property`, or undefined; throws when the text (or a step of the path) is not an object. */
export function propertyValue(text: string | undefined, property: string, label: string): unknown {
  let node: unknown = objectOf(text, label);
  for (const part of splitPath(property)) {
    if (!isObject(node)) return undefined;
    node = Object.hasOwn(node, part) ? node[part] : undefined;
  }
  return node;
}

/**
 * The text with `property` set to `value` (a string), or undefined when it already holds exactly that string
 * (nothing to write). Other fields are kept; the text is re-serialised only when it changes.
 */
export function mergeProperty(text: string | undefined, property: string, value: string, label: string): string | undefined {
  if (propertyValue(text, property, label) === value) return undefined;
  const root = objectOf(text, label);
  const parts = splitPath(property);
  let node = root;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (next === undefined) node = setOwn(node, part, {});
    else if (isObject(next)) node = next;
    else throw notAnObject(`${label} at ${JSON.stringify(part)}`);
  }
  setOwn(node, parts.at(-1)!, value);
  return JSON.stringify(root);
}

/**
 * The text without `property`: `absent` when it was not there, `empty` when nothing is left (the caller deletes
 * the whole secret, as ESO's providers do for the last property), else the remaining text. Objects the removal
 * left empty along the path are dropped too (they held only what we pushed).
 */
export function removeProperty(text: string, property: string, label: string): { kind: "absent" } | { kind: "empty" } | { kind: "rest"; text: string } {
  const root = objectOf(text, label);
  const parts = splitPath(property);
  const chain: JsonObject[] = [root];
  for (const part of parts.slice(0, -1)) {
    const current = chain.at(-1)!;
    const next = Object.hasOwn(current, part) ? current[part] : undefined;
    if (!isObject(next)) return { kind: "absent" };
    chain.push(next);
  }
  const leaf = parts.at(-1)!;
  if (!Object.hasOwn(chain.at(-1)!, leaf)) return { kind: "absent" };
  delete chain.at(-1)![leaf];
  for (let i = chain.length - 1; i > 0 && Object.keys(chain[i]!).length === 0; i--) delete chain[i - 1]![parts[i - 1]!];
  return Object.keys(root).length === 0 ? { kind: "empty" } : { kind: "rest", text: JSON.stringify(root) };
}
