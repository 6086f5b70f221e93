// Rewrites zod's OpenAPI output into a Kubernetes *structural* schema, the only kind apiextensions/v1 accepts.
// Rules: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
import { CrdSchemaError, childPath, inlineRefs, isSchema } from "./to-openapi.ts";
import type { Schema } from "./to-openapi.ts";
import { isIntOrString, isNullBranch, mergeAll, mergeAlternatives } from "./unions.ts";

const PRESERVE = "x-kubernetes-preserve-unknown-fields";
const INT_OR_STRING = "x-kubernetes-int-or-string";

/** Keywords a CRD schema may carry (apiextensions/v1 JSONSchemaProps, minus what structural schemas forbid). */
const KEPT = new Set([
  "type", "format", "title", "description", "nullable", "enum", "example",
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "minLength", "maxLength", "pattern", "minItems", "maxItems", "minProperties", "maxProperties",
  "required", "items", "properties", "additionalProperties", "anyOf", "oneOf", "allOf",
  PRESERVE, INT_OR_STRING, "x-kubernetes-embedded-resource", "x-kubernetes-validations",
  "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
]);
/**
 * Dropped on purpose: `default` because the CRD must never write defaults into spec (GitOps tools would
 * see drift; defaults live in code); the rest are annotations JSONSchemaProps has no field for.
 */
const DROPPED = new Set(["default", "examples", "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "$comment", "id", "$id", "$schema", "definitions", "$defs"]);
// zod writes these bounds for every z.int(); they are noise to a CRD reader and not a real limit.
const SAFE_BOUND = Number.MAX_SAFE_INTEGER;

/** Converts raw OpenAPI from toOpenApi into a structural schema. Throws CrdSchemaError naming the field. */
export function toStructural(schema: Schema): Schema {
  return normalize(inlineRefs(schema), "");
}

function normalize(input: Schema, path: string): Schema {
  let node = clean(input, path);
  if (Array.isArray(node.allOf)) {
    const { allOf, ...rest } = node;
    node = mergeAll([rest, ...allOf.filter(isSchema).map((part) => clean(part, path))], path);
  }
  const alternatives = node.anyOf ?? node.oneOf;
  if (Array.isArray(alternatives)) {
    const { anyOf: _a, oneOf: _o, ...outer } = node;
    const raw = alternatives.filter(isSchema);
    const branches = raw.filter((b) => !isNullBranch(b));
    if (branches.length < raw.length) outer.nullable = true;
    if (outer[INT_OR_STRING] === true || isIntOrString(branches)) return intOrString(outer);
    if (outer[PRESERVE] === true) return anyValue(outer);
    const merged = mergeAlternatives(branches.map((b) => normalize(b, path)), path);
    return combine(merged, outer, path);
  }
  if (node[INT_OR_STRING] === true) return intOrString(node);
  if (node.type === undefined && node.properties === undefined && node.items === undefined && node.additionalProperties === undefined) {
    return anyValue(node);
  }
  return typed(node, path);
}

/** Drops forbidden or meaningless keywords and rejects the ones we cannot translate. */
function clean(input: Schema, path: string): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(input)) {
    if (DROPPED.has(key)) continue;
    if (key === "const") out.enum = [value];
    else if (KEPT.has(key)) out[key] = value;
    else throw new CrdSchemaError(path, `JSON Schema keyword "${key}" has no structural CRD equivalent`);
  }
  if (out.minimum === -SAFE_BOUND) delete out.minimum;
  if (out.maximum === SAFE_BOUND) delete out.maximum;
  if (typeof out.pattern === "string") checkPattern(out.pattern, path);
  return out;
}

/** The apiserver compiles patterns with Go's RE2, which has no lookaround and no backreferences. */
function checkPattern(pattern: string, path: string): void {
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)) {
    throw new CrdSchemaError(path, `pattern ${JSON.stringify(pattern)} uses lookaround or backreferences, which Go's RE2 rejects`);
  }
}

function intOrString(node: Schema): Schema {
  return pick(node, ["description", "nullable", "x-kubernetes-validations"], { [INT_OR_STRING]: true });
}

/** z.unknown()/z.any() and explicit opt-outs: any JSON value, kept as written. */
function anyValue(node: Schema): Schema {
  return pick(node, ["description", "nullable", "x-kubernetes-validations"], { [PRESERVE]: true });
}

function pick(node: Schema, keys: string[], extra: Schema): Schema {
  const out: Schema = {};
  for (const key of keys) if (node[key] !== undefined) out[key] = node[key];
  return { ...out, ...extra };
}

/** Puts the keywords written next to a union (description, CEL rules, nullable) onto the merged schema. */
function combine(merged: Schema, outer: Schema, path: string): Schema {
  if (outer.type !== undefined || outer.properties !== undefined || outer.items !== undefined) {
    throw new CrdSchemaError(path, "a union with sibling type/properties/items is not supported");
  }
  const rules = [...asArray(merged["x-kubernetes-validations"]), ...asArray(outer["x-kubernetes-validations"])];
  const out: Schema = { ...merged, ...outer };
  if (rules.length > 0) out["x-kubernetes-validations"] = rules;
  return out;
}

function typed(input: Schema, path: string): Schema {
  const node: Schema = { ...input };
  if (node.type === undefined) node.type = node.items !== undefined ? "array" : "object";
  if (node.type === "null") throw new CrdSchemaError(path, "a field that can only be null has no CRD type");
  if (node.type === "object") normalizeObject(node, path);
  if (node.type === "array") {
    if (!isSchema(node.items)) throw new CrdSchemaError(path, "arrays need a single items schema (tuples are not structural)");
    node.items = normalize(node.items, childPath(path, "items"));
  }
  return node;
}

function normalizeObject(node: Schema, path: string): void {
  const extra = node.additionalProperties;
  delete node.additionalProperties;
  if (isSchema(node.properties)) {
    const properties: Schema = {};
    for (const [name, prop] of Object.entries(node.properties)) {
      if (!isSchema(prop)) throw new CrdSchemaError(childPath(path, name), "property schema must be an object");
      properties[name] = normalize(prop, childPath(path, name));
    }
    // An empty object (z.object({})) is stored by the apiserver without `properties`; match it.
    if (Object.keys(properties).length > 0) node.properties = properties;
    else delete node.properties;
    // properties and additionalProperties are exclusive: a passthrough or catchall object keeps unknown keys instead.
    if (extra !== undefined && extra !== false) node[PRESERVE] = true;
    // z.unknown()/z.any() accept undefined, so zod's input type makes them optional whatever `required` says.
    if (Array.isArray(node.required)) {
      const required = (node.required as string[]).filter((key) => {
        const prop = properties[key];
        return !(isSchema(prop) && prop.type === undefined && prop[PRESERVE] === true);
      });
      if (required.length > 0) node.required = required;
      else delete node.required;
    }
  } else if (extra === true || (isSchema(extra) && Object.keys(extra).every((key) => key === "description"))) {
    node[PRESERVE] = true;
  } else if (isSchema(extra)) {
    node.additionalProperties = normalize(extra, childPath(path, "*"));
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
