// Folds anyOf/oneOf/allOf branches into one schema: structural schemas forbid types inside logical junctors.
import { CrdSchemaError, childPath, isSchema } from "./to-openapi.ts";
import type { Schema } from "./to-openapi.ts";

const NUMERIC = new Set(["integer", "number"]);

/** True for a branch that only says "null" (zod's `.nullable()` / `z.null()` in a union). */
export function isNullBranch(branch: Schema): boolean {
  return branch.type === "null" || (branch.nullable === true && branch.type === undefined && branch.properties === undefined);
}

/** True when the (already normalized) branches are exactly an integer and a string: Kubernetes' IntOrString. */
export function isIntOrString(branches: Schema[]): boolean {
  const types = new Set(branches.map((b) => b.type));
  return branches.length === 2 && types.size === 2 && types.has("string") && (types.has("integer") || types.has("number"));
}

/**
 * Merges alternatives (anyOf/oneOf) into one schema that accepts at least what any branch accepts.
 * Objects: properties are hoisted into the parent, `required` keeps only what every branch requires, and
 * what tells the branches apart (their own required keys, a narrower enum on a discriminator) stays as a
 * value-only `anyOf`, which structural schemas allow. Scalars: enums are unioned, other constraints
 * survive only when every branch agrees. Throws when the types cannot be unified (e.g. boolean | string).
 */
export function mergeAlternatives(branches: Schema[], path: string): Schema {
  if (branches.length === 1) return branches[0]!;
  const types = new Set(branches.map((b) => b.type));
  if (types.size > 1 && [...types].every((t) => NUMERIC.has(t as string))) {
    return mergeAlternatives(branches.map((b) => ({ ...b, type: "number" })), path);
  }
  if (types.size !== 1 || types.has(undefined)) {
    throw new CrdSchemaError(path, `cannot express a union of ${[...types].map(String).join(" | ")} structurally; restructure it or mark it .meta({ "x-kubernetes-preserve-unknown-fields": true })`);
  }
  const merged: Schema = { type: branches[0]!.type };
  const description = branches.find((b) => typeof b.description === "string")?.description;
  if (description !== undefined) merged.description = description;
  if (branches.some((b) => b.nullable === true)) merged.nullable = true;
  if (branches.some((b) => b["x-kubernetes-preserve-unknown-fields"] === true)) merged["x-kubernetes-preserve-unknown-fields"] = true;
  keepAgreed(branches, merged, ["format", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "minProperties", "maxProperties", "x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type"]);
  if (branches.every((b) => Array.isArray(b.enum))) merged.enum = [...new Set(branches.flatMap((b) => b.enum as unknown[]))];
  if (merged.type === "array") merged.items = mergeAlternatives(branches.map((b) => b.items as Schema), childPath(path, "items"));
  if (merged.type === "object") mergeObjects(branches, merged, path);
  return merged;
}

/** Copies a keyword only when every branch has the same value for it; otherwise the merged schema is looser. */
function keepAgreed(branches: Schema[], merged: Schema, keys: string[]): void {
  for (const key of keys) {
    const first = JSON.stringify(branches[0]![key]);
    if (first !== undefined && branches.every((b) => JSON.stringify(b[key]) === first)) merged[key] = branches[0]![key];
  }
}

function mergeObjects(branches: Schema[], merged: Schema, path: string): void {
  const names = [...new Set(branches.flatMap((b) => Object.keys(propsOf(b))))];
  if (names.length > 0) {
    const properties: Schema = {};
    for (const name of names) {
      const variants = branches.map((b) => propsOf(b)[name]).filter(isSchema);
      properties[name] = mergeAlternatives(variants, childPath(path, name));
    }
    merged.properties = properties;
  }
  const maps = branches.map((b) => b.additionalProperties).filter(isSchema);
  if (maps.length > 0 && names.length === 0) merged.additionalProperties = mergeAlternatives(maps, childPath(path, "additionalProperties"));
  else if (maps.length > 0) merged["x-kubernetes-preserve-unknown-fields"] = true;

  const requiredOf = (b: Schema) => (Array.isArray(b.required) ? (b.required as string[]) : []);
  const common = requiredOf(branches[0]!).filter((key) => branches.every((b) => requiredOf(b).includes(key)));
  if (common.length > 0) merged.required = common;

  // What still distinguishes the branches becomes a value-only anyOf; one unconstrained branch makes it moot.
  const constraints = branches.map((b) => branchConstraint(b, merged, common));
  if (constraints.every((c) => Object.keys(c).length > 0)) {
    const unique = [...new Map(constraints.map((c) => [JSON.stringify(c), c])).values()];
    merged.anyOf = unique;
  }
}

function branchConstraint(branch: Schema, merged: Schema, common: string[]): Schema {
  const constraint: Schema = {};
  const own = (Array.isArray(branch.required) ? (branch.required as string[]) : []).filter((key) => !common.includes(key));
  if (own.length > 0) constraint.required = own;
  const narrowed: Schema = {};
  for (const [name, prop] of Object.entries(propsOf(branch))) {
    const wide = propsOf(merged)[name];
    if (isSchema(prop) && Array.isArray(prop.enum) && isSchema(wide) && JSON.stringify(wide.enum) !== JSON.stringify(prop.enum)) {
      narrowed[name] = { enum: prop.enum };
    }
  }
  if (Object.keys(narrowed).length > 0) constraint.properties = narrowed;
  return constraint;
}

function propsOf(schema: Schema): Schema {
  return isSchema(schema.properties) ? schema.properties : {};
}

/** Folds allOf (an intersection) into its parent: properties and required keys accumulate. */
export function mergeAll(parts: Schema[], path: string): Schema {
  const merged: Schema = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === "properties" && isSchema(value)) {
        const known = propsOf(merged);
        for (const [name, prop] of Object.entries(value)) {
          if (known[name] !== undefined && JSON.stringify(known[name]) !== JSON.stringify(prop)) {
            throw new CrdSchemaError(childPath(path, name), "allOf parts define this field differently");
          }
        }
        merged.properties = { ...known, ...value };
      } else if (key === "required" && Array.isArray(value)) {
        merged.required = [...new Set([...((merged.required as string[] | undefined) ?? []), ...(value as string[])])];
      } else if (key === "x-kubernetes-validations" && Array.isArray(value)) {
        merged[key] = [...((merged[key] as unknown[] | undefined) ?? []), ...value];
      } else if (merged[key] === undefined) {
        merged[key] = value;
      } else if (key !== "description" && JSON.stringify(merged[key]) !== JSON.stringify(value)) {
        throw new CrdSchemaError(path, `allOf parts disagree on ${key}`);
      }
    }
  }
  return merged;
}
