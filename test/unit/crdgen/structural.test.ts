// toStructural on single zod constructs: table of { name, given, want } and of schemas it must refuse.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { CrdSchemaError, toOpenApi, toStructural } from "../../../src/crdgen/index.ts";
import type { Schema } from "../../../src/crdgen/index.ts";
import { structuralViolations } from "./schema-rules.ts";

const convert = (schema: z.ZodType): Schema => toStructural(toOpenApi(schema));
const Shared = z.object({ q: z.string().describe("Q.") }).describe("Registered.").meta({ id: "Shared" });
const Tree: z.ZodType<{ children?: unknown[] }> = z.lazy(() => z.object({ children: z.array(Tree).optional() }));

const cases: Array<{ name: string; given: z.ZodType; want: Schema }> = [
  { name: "default is dropped", given: z.object({ a: z.string().default("x").describe("A.") }), want: { type: "object", properties: { a: { type: "string", description: "A." } } } },
  { name: "safe-integer bounds are dropped, real ones kept", given: z.object({ a: z.int().min(0), b: z.int32() }), want: { type: "object", properties: { a: { type: "integer", minimum: 0 }, b: { type: "integer", minimum: -2147483648, maximum: 2147483647 } }, required: ["a", "b"] } },
  { name: "int | string becomes int-or-string", given: z.union([z.int(), z.string()]).describe("D."), want: { description: "D.", "x-kubernetes-int-or-string": true } },
  { name: "the int-or-string meta flag wins", given: z.union([z.number(), z.string()]).meta({ "x-kubernetes-int-or-string": true }), want: { "x-kubernetes-int-or-string": true } },
  { name: "unknown is preserved and never required", given: z.object({ a: z.unknown().describe("A."), b: z.any() }), want: { type: "object", properties: { a: { description: "A.", "x-kubernetes-preserve-unknown-fields": true }, b: { "x-kubernetes-preserve-unknown-fields": true } } } },
  { name: "record of unknown is an open object", given: z.record(z.string(), z.unknown()), want: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  { name: "typed record keeps additionalProperties", given: z.record(z.string(), z.int()), want: { type: "object", additionalProperties: { type: "integer" } } },
  { name: "strict object loses additionalProperties: false", given: z.strictObject({ a: z.string() }), want: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } },
  { name: "loose object preserves unknown fields", given: z.looseObject({ a: z.string() }), want: { type: "object", properties: { a: { type: "string" } }, required: ["a"], "x-kubernetes-preserve-unknown-fields": true } },
  { name: "nullable stays a keyword", given: z.string().nullable(), want: { type: "string", nullable: true } },
  { name: "literal union becomes one enum", given: z.union([z.literal("a"), z.literal("b")]), want: { type: "string", enum: ["a", "b"] } },
  {
    name: "discriminated union: properties hoisted, discriminator enum merged, branches as value-only anyOf",
    given: z.discriminatedUnion("t", [z.object({ t: z.literal("x"), a: z.string() }), z.object({ t: z.literal("y"), b: z.string() })]).describe("U."),
    want: {
      type: "object",
      description: "U.",
      properties: { t: { type: "string", enum: ["x", "y"] }, a: { type: "string" }, b: { type: "string" } },
      required: ["t"],
      anyOf: [{ required: ["a"], properties: { t: { enum: ["x"] } } }, { required: ["b"], properties: { t: { enum: ["y"] } } }],
    },
  },
  { name: "union with an all-optional branch needs no anyOf", given: z.union([z.object({ a: z.string() }), z.object({ b: z.string().optional() })]), want: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } } } },
  { name: "shared field constraints survive only when branches agree", given: z.union([z.object({ a: z.string().min(1) }), z.object({ a: z.string().min(2) })]), want: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } },
  { name: "intersection merges", given: z.object({ a: z.string() }).and(z.object({ b: z.string() })), want: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a", "b"] } },
  { name: "registered schemas ($ref) are inlined, use-site description wins", given: z.object({ a: Shared, b: Shared.describe("B.") }), want: { type: "object", properties: { a: { type: "object", description: "Registered.", properties: { q: { type: "string", description: "Q." } }, required: ["q"] }, b: { type: "object", description: "B.", properties: { q: { type: "string", description: "Q." } }, required: ["q"] } }, required: ["a", "b"] } },
  { name: "CEL rules and list hints pass through", given: z.array(z.object({ k: z.string() })).meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"], "x-kubernetes-validations": [{ rule: "size(self) < 3", message: "m" }] }), want: { type: "array", items: { type: "object", properties: { k: { type: "string" } }, required: ["k"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"], "x-kubernetes-validations": [{ rule: "size(self) < 3", message: "m" }] } },
  { name: "an empty object has no properties key (the apiserver would drop it)", given: z.object({}), want: { type: "object" } },
  { name: "examples are dropped", given: z.string().meta({ examples: ["x"] }), want: { type: "string" } },
];

const refused: Array<{ name: string; given: z.ZodType; error: RegExp }> = [
  { name: "boolean | string has no structural form", given: z.object({ a: z.union([z.boolean(), z.string()]) }), error: /^crdgen: a: cannot express a union of boolean \| string/ },
  { name: "recursive schemas", given: Tree, error: /recursive schema/ },
  { name: "lookaround in a pattern (RE2)", given: z.object({ a: z.string().regex(/^(?!x)/) }), error: /^crdgen: a: pattern .* lookaround/ },
  { name: "tuples", given: z.tuple([z.string(), z.boolean()]), error: /cannot express a union/ },
];

describe("toStructural", () => {
  for (const { name, given, want } of cases) {
    test(name, () => {
      const got = convert(given);
      assert.deepEqual(got, want);
      assert.deepEqual(structuralViolations(got), []);
    });
  }
  for (const { name, given, error } of refused) {
    test(`refuses ${name}`, () => {
      assert.throws(() => convert(given), (thrown: unknown) => thrown instanceof CrdSchemaError && error.test(thrown.message));
    });
  }
});
