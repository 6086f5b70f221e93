// Property: random templates from a small grammar of the constructs that blow up (nested range/until,
// repeat, printf widths, string doubling, list growth, define/template fan-out and recursion), with sizes
// from tiny to absurd, run under small budgets. Every run either renders at most the cap or throws a
// TemplateError; never a RangeError, never another error, never a heap abort or a hang (which would fail
// the whole test run). Seeded: every run checks the same templates.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { BudgetLimits } from "../../../src/template/budget.ts";
import { renderBytes, stringData, TemplateError } from "../../../src/template/engine.ts";

const PLANTED = "planted-secret-value-4567";
const data = stringData({ secret: new Uint8Array(Buffer.from(PLANTED)), other: new Uint8Array(Buffer.from("x\ny\n")) });

const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 8 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 5000 }) },
  { weight: 2, arbitrary: fc.constantFrom(100_000, 1_048_576, 10_000_000, 1_000_000_000, 1_000_000_000_000, 9_223_372_036_854_775_807n) },
).map(String);

// Strings in $x, lists in $l; a define body declares its own, since a define cannot see the caller's.
const { stmts } = fc.letrec((tie) => ({
  str: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom('"ab"', "$x", ".secret", ".other"),
    fc.tuple(tie("str"), tie("str")).map(([a, b]) => `(print ${a} ${b})`),
    fc.tuple(size, tie("str")).map(([n, s]) => `(repeat ${n} ${s})`),
    fc.tuple(size, tie("str")).map(([n, s]) => `(nindent ${n} ${s})`),
    fc.tuple(size, fc.constantFrom("d", "v", "f", "s", "x")).map(([n, verb]) => `(printf "%${n}${verb}|%.${n}${verb}" 7 1.5)`),
    size.map((n) => `(join "," (until ${n}))`),
    size.map((n) => `(seq ${n})`),
    size.map((n) => `(randAlphaNum ${n})`),
    tie("list").map((l) => `(toJson ${l})`),
    tie("list").map((l) => `(toYaml ${l})`),
    tie("str").map((s) => `(b64enc ${s})`),
    tie("str").map((s) => `(upper ${s})`),
    tie("str").map((s) => `(quote ${s} ${s})`),
    fc.tuple(tie("str"), tie("str")).map(([a, b]) => `(replace "" ${a} ${b})`),
    tie("list").map((l) => `(print ${l})`),
  ),
  list: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant("$l"),
    size.map((n) => `(until ${n})`),
    fc.tuple(tie("list"), tie("list")).map(([a, b]) => `(list ${a} ${b})`),
    fc.tuple(tie("list"), tie("str")).map(([l, s]) => `(append ${l} ${s})`),
    fc.tuple(tie("list"), tie("list")).map(([a, b]) => `(concat ${a} ${b})`),
    tie("list").map((l) => `(deepCopy ${l})`),
    tie("list").map((l) => `(uniq ${l})`),
  ),
  stmt: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("t", "{{ $x }}", "{{ len $l }}"),
    tie("str").map((s) => `{{ ${s} }}`),
    tie("str").map((s) => `{{ $x = ${s} }}`),
    tie("list").map((l) => `{{ $l = ${l} }}`),
    fc.constantFrom('{{ $x = print $x $x }}', "{{ $l = list $l $l }}", "{{ $l = append $l $x }}"),
    fc.tuple(size, tie("stmts")).map(([n, body]) => `{{ range until ${n} }}${body}{{ end }}`),
    fc.tuple(size, tie("stmts")).map(([n, body]) => `{{ range ${n} }}${body}{{ end }}`),
    fc.tuple(tie("str"), tie("stmts"), tie("stmts")).map(([c, a, b]) => `{{ if ${c} }}${a}{{ else }}${b}{{ end }}`),
    fc.constantFrom(0, 1, 2).map((k) => `{{ template "d${k}" . }}`),
  ),
  stmts: fc.array(tie("stmt"), { maxLength: 4 }).map((parts) => parts.join("")),
}));

const defineBody = stmts.map((body) => `{{ $x := "d" }}{{ $l := list }}${body}`);
const template = fc
  .tuple(stmts, defineBody, defineBody, defineBody)
  .map(([main, d0, d1, d2]) => `{{ $x := "a" }}{{ $l := list }}${main}{{ define "d0" }}${d0}{{ end }}{{ define "d1" }}${d1}{{ end }}{{ define "d2" }}${d2}{{ end }}`);

function check(text: string, limits: Partial<BudgetLimits> & { maxBytes: number }): void {
  let out: Uint8Array;
  try {
    out = renderBytes("t", text, data, limits);
  } catch (err) {
    assert.ok(err instanceof TemplateError, `not a TemplateError: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n${text}`);
    if (/budget exhausted/.test(err.message)) assert.ok(!err.message.includes(PLANTED), err.message);
    return;
  }
  assert.ok(out.length <= limits.maxBytes, `${out.length} bytes out\n${text}`);
}

describe("execution budget (property)", () => {
  it("random hostile templates under a small budget: output within the cap or a TemplateError", () => {
    fc.assert(fc.property(template, (text) => check(text, { maxSteps: 20_000, maxBytes: 8_192, maxMadeBytes: 1 << 20 })), { numRuns: 400, seed: 20261203 });
  });

  it("the same with the real size cap and a larger step limit", () => {
    fc.assert(fc.property(template, (text) => check(text, { maxSteps: 300_000, maxBytes: 1_048_576, maxMadeBytes: 16 << 20 })), { numRuns: 60, seed: 7 });
  });
});
