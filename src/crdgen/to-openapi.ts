// Turns a zod schema into raw OpenAPI v3.0 JSON Schema; structural.ts then makes it acceptable to the apiserver.
import { z } from "zod";

/** One JSON Schema node as plain data (what z.toJSONSchema returns and what a CRD embeds). */
export type Schema = { [key: string]: unknown };

/**
 * Converts with `io: "input"` because the CRD validates what users write, not what our parsers output:
 * `.optional()`/`.default()` fields are not required, and unknown keys are allowed the way zod strips them.
 * Throws (from zod) on types JSON cannot carry (Date, Map, bigint, transforms), so the API stays declarative.
 */
export function toOpenApi(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "input",
    unrepresentable: "throw",
    // Repeated sub-schemas are inlined by zod already; cycles become $refs, which inlineRefs reports.
    cycles: "ref",
    reused: "inline",
  }) as Schema;
}

/** Narrows an unknown JSON value to a schema node (a plain object). */
export function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Path of a node for error messages, e.g. `spec.provider.vault.auth`. */
export function childPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Error raised when a schema cannot be expressed as a structural CRD schema; names the field. */
export class CrdSchemaError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`crdgen: ${path || "<root>"}: ${message}`);
    this.name = "CrdSchemaError";
    this.path = path;
  }
}

/**
 * Replaces every `$ref` with the definition it points to (zod emits refs for schemas registered with an
 * `id` and for recursive schemas). Structural schemas cannot refer or recurse, so a cycle is an error.
 */
export function inlineRefs(root: Schema): Schema {
  const definitions: Schema = { ...asSchema(root.definitions), ...asSchema(root.$defs) };
  const resolve = (ref: string, path: string): Schema => {
    if (ref === "#") return root;
    const match = /^#\/(?:definitions|\$defs)\/(.+)$/.exec(ref);
    const target = match ? definitions[decodeURIComponent(match[1]!)] : undefined;
    if (!isSchema(target)) throw new CrdSchemaError(path, `unresolvable $ref ${ref}`);
    return target;
  };
  const walk = (value: unknown, path: string, active: ReadonlySet<string>): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, path, active));
    if (!isSchema(value)) return value;
    const { $ref, ...rest } = value;
    if (typeof $ref === "string") {
      if (active.has($ref)) {
        throw new CrdSchemaError(path, `recursive schema via ${$ref}: structural schemas cannot recurse; break the cycle with z.unknown()`);
      }
      // Keywords next to a $ref (a description set at the use site) win over the definition's.
      const inlined = walk({ ...resolve($ref, path), ...rest }, path, new Set([...active, $ref]));
      return inlined;
    }
    const out: Schema = {};
    for (const [key, child] of Object.entries(rest)) {
      if (key === "definitions" || key === "$defs" || key === "$schema") continue;
      out[key] = walk(child, key === "properties" ? path : childPath(path, key), active);
    }
    return out;
  };
  return walk(root, "", new Set()) as Schema;
}

function asSchema(value: unknown): Schema {
  return isSchema(value) ? value : {};
}
