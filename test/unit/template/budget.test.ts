// Hostile templates against the execution budget: each ends in a template error of phase "exec" naming
// the limit that ran out, never in a hang or a heap abort (a missing check would hang or crash this test,
// which is the failure; nothing here times anything). Step-bound cases run with a small step limit so
// they finish quickly; size checks are made before allocating, so those run with the defaults.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BudgetLimits } from "../../../src/template/budget.ts";
import { renderBytes, renderString, stringData, TemplateError } from "../../../src/template/engine.ts";

const PLANTED = "planted-secret-value-0123";
const data = stringData({ password: new Uint8Array(Buffer.from(PLANTED)), big: new Uint8Array(2 * 1024 * 1024).fill(0x61) });

function failure(template: string, limits?: Partial<BudgetLimits>): TemplateError {
  try {
    renderBytes("t", template, data, limits);
  } catch (err) {
    assert.ok(err instanceof TemplateError, `${String(err)}`);
    return err;
  }
  return assert.fail("rendered, but should have failed");
}

const STEPS = /template budget exhausted: more than \d+ steps$/;
const VALUE = /template budget exhausted: value larger than 1048576 bytes$/;
const OUTPUT = /template budget exhausted: output larger than \d+ bytes$/;
const MADE = /template budget exhausted: more than \d+ bytes of values made$/;
const fanOut = (levels: number, leaf: string) =>
  `{{ define "a0" }}${leaf}{{ end }}` + Array.from({ length: levels }, (_, i) => `{{ define "a${i + 1}" }}{{ template "a${i}" }}{{ template "a${i}" }}{{ end }}`).join("") + `{{ template "a${levels}" }}`;

describe("execution budget: hostile templates fail with the budget error", () => {
  const table: { name: string; given: string; limits?: Partial<BudgetLimits>; want: RegExp }[] = [
    { name: "nested range", given: "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}", limits: { maxSteps: 200_000 }, want: STEPS },
    { name: "range over a huge integer", given: "{{ range 1000000000000 }}{{ end }}", limits: { maxSteps: 200_000 }, want: STEPS },
    { name: "define/template fan-out (2^40 calls)", given: fanOut(40, ""), limits: { maxSteps: 200_000 }, want: STEPS },
    { name: "define/template fan-out that prints", given: fanOut(40, "x"), limits: { maxBytes: 4096 }, want: OUTPUT },
    { name: "output of a long loop", given: "{{ range 1000000000 }}0123456789{{ end }}", want: OUTPUT },
    { name: "printing a data value over the cap", given: "{{ .big }}", want: OUTPUT },
    { name: "until 100000000", given: "{{ until 100000000 }}", want: VALUE },
    { name: "untilStep upwards", given: "{{ untilStep 0 100000000 1 }}", want: VALUE },
    { name: "untilStep downwards", given: "{{ untilStep 0 -100000000 -1 }}", want: VALUE },
    { name: "seq", given: "{{ seq 100000000 }}", want: VALUE },
    { name: "repeat", given: '{{ repeat 100000000 "ab" }}', want: VALUE },
    { name: "printf width under fmt's limit, over the cap", given: '{{ printf "%10000000d" 1 }}', want: VALUE },
    { name: "printf precision under fmt's limit, over the cap", given: '{{ printf "%.10000000f" 1.5 }}', want: VALUE },
    { name: "printf width on each list element", given: '{{ printf "%1000000v" (until 100) }}', want: VALUE },
    { name: "randAlphaNum", given: "{{ randAlphaNum 300000000 }}", want: VALUE },
    { name: "randAlpha", given: "{{ randAlpha 300000000 }}", want: VALUE },
    { name: "randNumeric", given: "{{ randNumeric 300000000 }}", want: VALUE },
    { name: "randAscii", given: "{{ randAscii 300000000 }}", want: VALUE },
    { name: "randBytes", given: "{{ randBytes 300000000 }}", want: VALUE },
    { name: "indent with a huge count", given: '{{ indent 100000000 "x" }}', want: VALUE },
    { name: "nindent over many lines", given: '{{ nindent 1000 (repeat 2000 "\\n") }}', want: VALUE },
    { name: "replace of the empty string", given: '{{ replace "" (repeat 1000 "x") (repeat 10000 "a") }}', want: VALUE },
    { name: "b64enc of nearly a megabyte", given: '{{ b64enc (repeat 900000 "a") }}', want: VALUE },
    { name: "join of a huge separator", given: '{{ join (repeat 1000000 "x") (until 100) }}', want: VALUE },
    { name: "concat of long lists", given: "{{ concat (until 100000) (until 100000) }}", want: VALUE },
    { name: "string doubling", given: '{{ $x := "a" }}{{ range until 60 }}{{ $x = print $x $x }}{{ end }}', want: VALUE },
    { name: "printing a list that doubles by sharing", given: "{{ $l := list }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ $l }}", want: VALUE },
    { name: "toJson of a list that doubles by sharing", given: "{{ $l := list 1 }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ toJson $l }}", want: VALUE },
    { name: "deepCopy of a list that doubles by sharing", given: "{{ $l := list 1 }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ $_ := deepCopy $l }}", limits: { maxMadeBytes: 8 << 20 }, want: MADE },
    { name: "toPrettyJson indentation of a deep, wide list", given: `{{ $l := list "x" }}{{ range until 300 }}{{ $l = list $l${" 1".repeat(100)} }}{{ end }}{{ toPrettyJson $l }}`, want: VALUE },
    { name: "toYaml indentation of a long block at depth", given: '{{ $d := dict "a" (repeat 100000 "x\\n") }}{{ range until 300 }}{{ $d = dict "a" $d }}{{ end }}{{ toYaml $d }}', want: VALUE },
    { name: "toYaml folding at depth", given: '{{ $d := dict "a" (repeat 100000 "x y") }}{{ range until 300 }}{{ $d = dict "a" $d }}{{ end }}{{ toYaml $d }}', want: VALUE },
    { name: "list growth by append (quadratic)", given: "{{ $l := list }}{{ range 1000000000 }}{{ $l = append $l . }}{{ end }}", want: MADE },
    { name: "map growth by set", given: "{{ $d := dict }}{{ range $i := 100000000 }}{{ $_ := set $d (toString $i) $i }}{{ end }}", limits: { maxMadeBytes: 1 << 20 }, want: MADE },
    { name: "keeping lists alive in a map", given: "{{ $d := dict }}{{ range $i := 100000000 }}{{ $_ := set $d (toString $i) (until 100000) }}{{ end }}", want: MADE },
    { name: "uniq of a long list (quadratic)", given: "{{ uniq (until 100000) }}", limits: { maxSteps: 1_000_000 }, want: STEPS },
    { name: "upper of a megabyte in a loop", given: '{{ $s := repeat 1000000 "a" }}{{ range 100000000 }}{{ $_ := upper $s }}{{ end }}', limits: { maxSteps: 3_000_000 }, want: STEPS },
    { name: "contains over a megabyte in a loop", given: '{{ $s := repeat 1000000 "a" }}{{ range 100000000 }}{{ $_ := contains "b" $s }}{{ end }}', limits: { maxSteps: 3_000_000 }, want: STEPS },
    { name: "bcrypt in a loop", given: '{{ range 100000 }}{{ $_ := bcrypt "x" }}{{ end }}', limits: { maxSteps: 500_000 }, want: STEPS },
    { name: "range over a big map that breaks at once, in a loop (sorting its keys)", given: "{{ $d := dict }}{{ range $i := until 50000 }}{{ $_ := set $d (toString $i) 1 }}{{ end }}{{ range 1000000000 }}{{ range $d }}{{ break }}{{ end }}{{ end }}", limits: { maxSteps: 2_000_000 }, want: STEPS },
    { name: "assignments past thousands of declarations (the variable scan)", given: `{{ $a := 1 }}${"{{ $b := 1 }}".repeat(8000)}{{ range 1000000000 }}{{ $a = 2 }}{{ $_ := $a }}{{ end }}`, limits: { maxSteps: 2_000_000 }, want: STEPS },
    { name: "a long field chain in a loop", given: `{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ range 1000000000 }}{{ $x := $d${".a".repeat(5000)} }}{{ end }}`, limits: { maxSteps: 2_000_000 }, want: STEPS },
    { name: "many arguments to a big value", given: `{{ $x := repeat 100000 "a" }}{{ print ${"$x ".repeat(2_000)} }}`, want: /template budget exhausted: (value larger|more than \d+ steps)/ },
  ];
  for (const { name, given, limits, want } of table) {
    it(name, () => {
      const err = failure(given, limits);
      assert.equal(err.phase, "exec");
      assert.match(err.message, want);
      assert.ok(!err.message.includes(PLANTED));
    });
  }

  it("reports where it ran out (the action), with the template's text and never a data value", () => {
    const err = failure('{{ $p := .password }}{{ range until 3 }}\n{{ repeat 100000000 $p }}{{ end }}');
    assert.equal(err.line, 2);
    assert.match(err.message, /^template: t:2: executing "t" at <repeat 100000000 \$p>: template budget exhausted: value larger than 1048576 bytes$/);
    assert.ok(!err.message.includes(PLANTED));
  });

  it("a budget error is not swallowed by a function that returns \"\" on failure (toJson, toYaml)", () => {
    assert.match(failure("{{ $l := list 1 }}{{ range until 64 }}{{ $l = list $l $l }}{{ end }}{{ toJson $l }}|after").message, VALUE);
    assert.match(failure('{{ toYaml (dict "a" (repeat 1048000 "x") "b" (repeat 1048000 "y")) }}').message, VALUE);
  });

  it("once a limit has tripped, every later check fails too", () => {
    // toJson's own failure path returns ""; the second toJson must not run on a spent budget.
    assert.match(failure('{{ $big := repeat 600000 "x" }}{{ $a := toJson (list $big $big) }}{{ $b := toJson 1 }}').message, VALUE);
  });

  it("values nested deeper than the stack, and cycles made with set, are template errors (Go crashes)", () => {
    for (const print of ["{{ $l }}", "{{ toJson $l }}", "{{ toPrettyJson $l }}", "{{ toYaml $l }}", "{{ $_ := deepCopy $l }}"]) {
      const deep = failure(`{{ $l := list }}{{ range until 200000 }}{{ $l = list $l }}{{ end }}${print}`);
      assert.equal(deep.phase, "exec", print);
    }
    const cycle = failure('{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ mustToJson $d }}');
    assert.equal(cycle.phase, "exec");
    const printed = failure('{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ $d }}');
    assert.equal(printed.phase, "exec");
  });

  it("endless template recursion is a template error", () => {
    assert.equal(failure('{{ define "a" }}{{ template "a" }}{{ end }}{{ template "a" }}').phase, "exec");
  });

  it("chunk with a size of zero or below fails as Sprig's arithmetic does instead of looping", () => {
    assert.match(failure("{{ chunk 0 (list 1 2 3) }}").message, /error calling chunk: runtime error: makeslice: len out of range$/);
    assert.match(failure("{{ chunk -1 (list 1 2 3) }}").message, /makeslice: len out of range$/);
    assert.equal(renderString("t", "{{ chunk -2 (list 1) }}|{{ chunk -3 (list 1 2) }}|{{ chunk 2 (list 1 2 3) }}", data), "[[1]]|[]|[[1 2] [3]]");
  });

  it("repeat keeps Go's own panics", () => {
    assert.match(failure('{{ repeat 9223372036854775807 "ab" }}').message, /error calling repeat: strings: Repeat output length overflow$/);
    assert.match(failure('{{ repeat -1 "ab" }}').message, /error calling repeat: strings: negative Repeat count$/);
    assert.equal(renderString("t", '[{{ repeat 9223372036854775807 "" }}]', data), "[]");
  });
});

describe("execution budget: what fits still renders", () => {
  it("values and output of exactly the cap", () => {
    assert.equal(renderBytes("t", '{{ repeat 1048576 "a" }}', data).length, 1_048_576);
    assert.equal(renderString("t", "{{ until 131072 | len }}", data), "131072");
    assert.equal(renderBytes("t", '{{ printf "%1048576d" 7 }}', data).length, 1_048_576);
  });

  it("lookups pass a data value over the cap along without copying it", () => {
    assert.equal(renderString("t", '{{ len (index . "big") }} {{ len .big }} {{ if .big }}set{{ end }}', data), "2097152 2097152 set");
  });

  it("limits are options: a template that fits the defaults fails a smaller budget", () => {
    const template = "{{ range 1000 }}x{{ end }}";
    assert.equal(renderString("t", template, data), "x".repeat(1000));
    assert.match(failure(template, { maxSteps: 500 }).message, STEPS);
    assert.match(failure(template, { maxBytes: 999 }).message, OUTPUT);
    assert.match(failure(template, { maxMadeBytes: 100 }).message, MADE);
  });

  it("each execution gets a fresh budget, and a nested execution leaves the outer one in place", () => {
    for (let i = 0; i < 5; i++) assert.equal(renderString("t", "{{ range until 100 }}{{ end }}ok", data, { maxSteps: 1_000 }), "ok");
  });
});
