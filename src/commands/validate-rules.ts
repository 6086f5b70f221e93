// What the apiserver would reject, checked offline against the generated CRDs: OpenAPI types, enums,
// required fields, bounds and patterns, unknown fields (kubectl's strict field validation), list-map key
// uniqueness, and every x-kubernetes-validations CEL rule (evaluated with @marcbachmann/cel-js).
import { evaluate } from "@marcbachmann/cel-js";
import { parse as parseYaml } from "yaml";
import type { CrdFile } from "../crdgen/index.ts";

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  "x-kubernetes-validations"?: { rule: string; message?: string }[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
}

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/** kind -> the openAPIV3Schema of its served version. */
export function crdSchemas(files: CrdFile[]): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const file of files) {
    const crd = parseYaml(file.yaml) as { spec: { names: { kind: string }; versions: { served: boolean; schema: { openAPIV3Schema: Schema } }[] } };
    const version = crd.spec.versions.find((v) => v.served) ?? crd.spec.versions[0]!;
    out.set(crd.spec.names.kind, version.schema.openAPIV3Schema);
  }
  return out;
}

const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v === "number" ? "number" : typeof v);

function typeOk(schema: Schema, v: unknown): boolean {
  if (schema["x-kubernetes-int-or-string"]) return typeof v === "string" || Number.isInteger(v);
  switch (schema.type) {
    case undefined: return true;
    case "number": return typeof v === "number";
    case "integer": return Number.isInteger(v);
    case "object": return typeOf(v) === "object";
    default: return typeOf(v) === schema.type;
  }
}

export const pathText = (path: (string | number)[]) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

export function validateAgainst(schema: Schema, value: unknown, path: (string | number)[] = [], issues: RuleIssue[] = []): RuleIssue[] {
  const at = pathText(path) || "(root)";
  const add = (message: string, where = path) => issues.push({ path: where, message });
  if (value === null || value === undefined) return issues;
  if (!typeOk(schema, value)) {
    add(`${at}: expected ${schema["x-kubernetes-int-or-string"] ? "integer or string" : schema.type}, got ${typeOf(value)}`);
    return issues;
  }
  if (schema.enum && !schema.enum.includes(value)) add(`${at}: unsupported value ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) add(`${at}: should be at least ${schema.minLength} chars long`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) add(`${at}: may not be more than ${schema.maxLength} bytes`);
    // schema.pattern comes from our own generated CRDs, not from the manifest being checked.
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) add(`${at}: should match ${JSON.stringify(schema.pattern)}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) add(`${at}: should be greater than or equal to ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) add(`${at}: should be less than or equal to ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) add(`${at}: should have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) add(`${at}: must have at most ${schema.maxItems} items`);
    if (schema["x-kubernetes-list-type"] === "map" && schema["x-kubernetes-list-map-keys"]) {
      const keys = schema["x-kubernetes-list-map-keys"];
      const seen = new Map<string, number>();
      value.forEach((item, i) => {
        const id = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)?.[k]));
        if (seen.has(id)) add(`${pathText([...path, i])}: duplicate entry with ${keys.map((k) => `${k}=${JSON.stringify((item as Record<string, unknown>)?.[k])}`).join(", ")}`, [...path, i]);
        seen.set(id, i);
      });
    }
    if (schema.items) value.forEach((item, i) => validateAgainst(schema.items!, item, [...path, i], issues));
  } else if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const req of schema.required ?? []) if (obj[req] === undefined) add(`${pathText([...path, req])}: required value`);
    for (const [key, child] of Object.entries(obj)) {
      const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (sub) validateAgainst(sub, child, [...path, key], issues);
      else if (schema.properties && !schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true) add(`${pathText([...path, key])}: unknown field ${JSON.stringify(key)}`, [...path, key]);
    }
  }
  for (const rule of schema["x-kubernetes-validations"] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) continue; // transition rules need the stored object
    let ok: unknown;
    try {
      ok = evaluate(rule.rule, { self: value });
    } catch {
      ok = false; // a rule that cannot evaluate (e.g. a missing field) fails, as the apiserver reports it
    }
    if (ok !== true) add(`${at}: ${rule.message ?? `failed rule: ${rule.rule}`}`);
  }
  return issues;
}
