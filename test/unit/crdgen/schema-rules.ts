// Checkers for generated CRD schemas: the apiserver's structural-schema rules, missing descriptions, stray keys.
import type { Schema } from "../../../src/crdgen/index.ts";

const isNode = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);
const JUNCTORS = ["anyOf", "allOf", "oneOf", "not"] as const;
// Inside a logical junctor only value validations may appear (the structural-schema rule).
const FORBIDDEN_IN_JUNCTOR = ["type", "additionalProperties", "description", "default", "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "$ref"];

/** Every child schema of a node with its path: properties, additionalProperties and items. */
function children(node: Schema, path: string): Array<[string, Schema]> {
  const out: Array<[string, Schema]> = [];
  if (isNode(node.properties)) for (const [name, child] of Object.entries(node.properties)) if (isNode(child)) out.push([`${path}.${name}`, child]);
  if (isNode(node.additionalProperties)) out.push([`${path}.*`, node.additionalProperties]);
  if (isNode(node.items)) out.push([`${path}[]`, node.items]);
  return out;
}

/**
 * Violations of the structural-schema rules, one line each; empty means structural:
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
export function structuralViolations(root: Schema, path = ""): string[] {
  const problems: string[] = [];
  const exempt = root["x-kubernetes-int-or-string"] === true || root["x-kubernetes-preserve-unknown-fields"] === true;
  if (typeof root.type !== "string" && !exempt) problems.push(`${path}: no type`);
  if (root.type === "null") problems.push(`${path}: type null`);
  if (root.properties !== undefined && root.additionalProperties !== undefined) problems.push(`${path}: both properties and additionalProperties`);
  for (const key of ["$ref", "$schema", "$defs", "definitions", "default"]) if (key in root) problems.push(`${path}: has ${key}`);
  if (root.uniqueItems === true) problems.push(`${path}: uniqueItems`);
  if (root.type === "array" && !isNode(root.items)) problems.push(`${path}: array without a single items schema`);
  for (const junctor of JUNCTORS) {
    const branches = root[junctor];
    if (branches === undefined) continue;
    for (const branch of Array.isArray(branches) ? branches : [branches]) problems.push(...junctorViolations(branch, `${path}.${junctor}`, root));
  }
  for (const [childPath, child] of children(root, path)) problems.push(...structuralViolations(child, childPath));
  return problems;
}

/** A junctor branch may only validate values, and only of fields its parent declares. */
function junctorViolations(branch: unknown, path: string, parent: Schema): string[] {
  if (!isNode(branch)) return [`${path}: not a schema`];
  const problems = FORBIDDEN_IN_JUNCTOR.filter((key) => key in branch).map((key) => `${path}: ${key} inside a junctor`);
  if (isNode(branch.properties)) {
    const declared = isNode(parent.properties) ? parent.properties : {};
    for (const [name, child] of Object.entries(branch.properties)) {
      if (!(name in declared)) problems.push(`${path}.${name}: not declared outside the junctor`);
      else problems.push(...junctorViolations(child, `${path}.${name}`, declared[name] as Schema));
    }
  }
  return problems;
}

/** Paths of fields (object properties) without a description: `kubectl explain` would show nothing. */
export function undescribedFields(root: Schema, path = "", skip: ReadonlySet<string> = new Set()): string[] {
  const missing: string[] = [];
  const properties = isNode(root.properties) ? root.properties : {};
  for (const [childPath, child] of children(root, path)) {
    const name = childPath.slice(path.length + 1);
    if (skip.has(childPath)) continue;
    if (name in properties && (typeof child.description !== "string" || child.description.trim() === "")) missing.push(childPath);
    missing.push(...undescribedFields(child, childPath, skip));
  }
  return missing;
}

/** Paths at which `key` occurs anywhere in a JSON value (object keys only). */
export function pathsOfKey(value: unknown, key: string, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => pathsOfKey(item, key, `${path}[${index}]`));
  if (!isNode(value)) return [];
  return Object.entries(value).flatMap(([name, child]) => [...(name === key ? [path || "<root>"] : []), ...pathsOfKey(child, key, `${path}.${name}`)]);
}

/**
 * CEL rules that apply size() to `self` where self is an object with declared properties: the
 * apiserver refuses them ("found no matching overload for 'size'"); size() exists for maps and lists only.
 */
export function sizeOnObjectRules(root: Schema, path = ""): string[] {
  const found: string[] = [];
  const rules = Array.isArray(root["x-kubernetes-validations"]) ? (root["x-kubernetes-validations"] as Array<{ rule: string }>) : [];
  if (isNode(root.properties)) {
    for (const { rule } of rules) if (/\bsize\(\s*self\s*\)|\bself\.size\(\)/.test(rule)) found.push(`${path}: ${rule}`);
  }
  for (const [childPath, child] of children(root, path)) found.push(...sizeOnObjectRules(child, childPath));
  return found;
}
