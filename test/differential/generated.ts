// fast-check-generated differential cases: random data (Unicode, quotes, newlines, base64-ish text) and
// random well-formed templates built from the grammar ESO templates use (fields, index, string and list
// functions, printf with numbers, if/with/range, trimming), seeded so every run checks the same cases.
import fc from "fast-check";
import type { Case } from "./go-render.ts";

const KEYS = ["a", "b", "c", "key1", "dash-key"];

const goString = (s: string): string => JSON.stringify(s).replace(/\\u007f/g, "\\x7f");

const dataArb = fc.record(
  Object.fromEntries(KEYS.map((k) => [k, fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 6 }), fc.constantFrom("", "0", "true", "a,b,c", "x\ny\n", "aGk=", "  pad  ", '{"k":[1,"v"]}'))])),
) as fc.Arbitrary<Record<string, string>>;

const field = fc.constantFrom(".a", ".b", ".c", ".key1", '(index . "dash-key")', '(index . "nope")');
const literal = fc.string({ maxLength: 8 }).map(goString);
const smallInt = fc.integer({ min: 0, max: 6 });

const strExpr: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    field,
    literal,
    tie("s").map((x) => `(upper ${x})`),
    tie("s").map((x) => `(lower ${x})`),
    tie("s").map((x) => `(trim ${x})`),
    tie("s").map((x) => `(quote ${x})`),
    tie("s").map((x) => `(squote ${x})`),
    tie("s").map((x) => `(b64enc ${x})`),
    tie("s").map((x) => `(${x} | b64enc | b64dec)`),
    tie("s").map((x) => `(b64dec ${x})`),
    tie("s").map((x) => `(toJson ${x})`),
    tie("s").map((x) => `(sha256sum ${x})`),
    tie("s").map((x) => `(title ${x})`),
    tie("s").map((x) => `(nospace ${x})`),
    fc.tuple(tie("s"), tie("s")).map(([x, y]) => `(cat ${x} ${y})`),
    fc.tuple(tie("s"), tie("s")).map(([x, y]) => `(default ${x} ${y})`),
    fc.tuple(tie("s"), tie("s")).map(([x, y]) => `(printf "%s|%q|%x" ${x} ${y} ${x})`),
    fc.tuple(tie("s"), smallInt).map(([x, n]) => `(repeat ${n} ${x})`),
    fc.tuple(tie("s"), fc.integer({ min: -4, max: 8 })).map(([x, n]) => `(trunc ${n} ${x})`),
    fc.tuple(tie("s"), smallInt).map(([x, n]) => `(indent ${n} ${x})`),
    fc.tuple(tie("s"), literal, literal).map(([x, a, b]) => `(replace ${a} ${b} ${x})`),
    tie("s").map((x) => `(regexReplaceAll "[aeiou]+" ${x} "_")`),
    tie("s").map((x) => `(splitList "," ${x} | join "+")`),
    fc.tuple(tie("s"), tie("s")).map(([x, y]) => `(list ${x} ${y} | toJson)`),
    fc.tuple(tie("s"), tie("s")).map(([x, y]) => `(dict "k" ${x} "l" ${y} | toYaml)`),
    fc.tuple(tie("s"), tie("s")).map(([x, y]) => `(ternary ${x} ${y} (eq ${x} ${y}))`),
    tie("s").map((x) => `(toString (len ${x}))`),
    tie("s").map((x) => `(html ${x})`),
    tie("s").map((x) => `(js ${x})`),
    tie("s").map((x) => `(urlquery ${x})`),
  ),
})).s;

const cond = fc.oneof(
  strExpr,
  fc.tuple(strExpr, strExpr).map(([x, y]) => `eq ${x} ${y}`),
  fc.tuple(strExpr, strExpr).map(([x, y]) => `contains ${x} ${y}`),
  strExpr.map((x) => `empty ${x}`),
  strExpr.map((x) => `regexMatch "^[a-z]+$" ${x}`),
  fc.tuple(strExpr, strExpr).map(([x, y]) => `and ${x} ${y}`),
  fc.tuple(strExpr, strExpr).map(([x, y]) => `or ${x} ${y}`),
);

const text = fc.constantFrom("", " ", "x", "\n", "  \n ", "a-b", "é");
const open = fc.constantFrom("{{ ", "{{- ");
const close = fc.constantFrom(" }}", " -}}");

const node: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(open, strExpr, close).map(([o, e, c]) => `${o}${e}${c}`),
  fc.tuple(cond, strExpr, strExpr).map(([c, a, b]) => `{{ if ${c} }}{{ ${a} }}{{ else }}{{ ${b} }}{{ end }}`),
  fc.tuple(strExpr, strExpr).map(([w, e]) => `{{ with ${w} }}[{{ . }}]{{ else }}{{ ${e} }}{{ end }}`),
  strExpr.map((e) => `{{ range $i, $v := splitList "," ${e} }}{{ $i }}={{ $v }};{{ end }}`),
  fc.constant("{{ range $k, $v := . }}{{ $k }}:{{ len $v }} {{ end }}"),
  fc.tuple(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 })).map(
    ([i, d]) => `{{ printf "%d %v %g %e %.3f %08.2f" ${i} ${goFloat(d)} ${goFloat(d)} ${goFloat(d)} ${goFloat(d)} ${goFloat(d)} }}|{{ ${goFloat(d)} }}|{{ toJson ${goFloat(d)} }}`,
  ),
  fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 9 })).map(([a, b]) => `{{ add ${a} ${b} }} {{ sub ${a} ${b} }} {{ mul ${a} ${b} }} {{ div ${a} ${b} }} {{ mod ${a} ${b} }} {{ max ${a} ${b} }}`),
);

function goFloat(d: number): string {
  const s = Object.is(d, -0) ? "0.0" : String(d);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const template = fc.array(fc.oneof(text, node), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(""));

/** `count` generated cases, reproducible for a given seed. */
export function generatedCases(count: number, seed = 20261122): Case[] {
  return fc.sample(fc.record({ template, data: dataArb }), { numRuns: count, seed }).map((c, i) => ({ name: `generated #${i}`, ...c }));
}

// Structured data: random JSON documents through fromJson / toJson / toPrettyJson / toYaml / fromYaml,
// and printf with random verbs, flags, widths and precisions over random operands.
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const verb = fc.constantFrom("v", "s", "d", "q", "x", "X", "f", "e", "g", "t", "c", "o", "b", "U", "T");
const flags = fc.constantFrom("", "-", "+", "#", " ", "0", "-0", "+0");
const width = fc.oneof(fc.constant(""), fc.integer({ min: 0, max: 12 }).map(String));
const prec = fc.oneof(fc.constant(""), fc.integer({ min: 0, max: 8 }).map((n) => `.${n}`));
const operand = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map(goFloat),
  fc.string({ maxLength: 6 }).map(goString),
  fc.constantFrom("true", "false", "nil", "(list 1 \"a\")", '(dict "k" 1)', ".a"),
);

const structuredTemplate = fc.oneof(
  fc.constantFrom(
    "{{ fromJson .j | toJson }}",
    "{{ fromJson .j | toPrettyJson }}",
    "{{ fromJson .j | toRawJson }}",
    "{{ fromJson .j | toYaml }}",
    "{{ fromJson .j | toYaml | fromYaml | toJson }}",
    "{{ fromJson .j }}",
    "{{ range $k, $v := fromJson .j }}{{ $k }}={{ $v }};{{ end }}",
    '{{ dict "doc" (fromJson .j) "list" (list (fromJson .j)) | toYaml }}',
  ),
  fc.array(fc.tuple(flags, width, prec, verb, operand), { minLength: 1, maxLength: 3 }).map((parts) => `{{ printf "${parts.map(([f, w, p, v]) => `%${f}${w}${p}${v}`).join("|")}" ${parts.map(([, , , , o]) => o).join(" ")} }}`),
);

/** `count` cases over random JSON documents and printf formats, reproducible for a given seed. */
export function generatedStructuredCases(count: number, seed = 20261123): Case[] {
  return fc
    .sample(fc.record({ template: structuredTemplate, j: jsonValue, a: fc.string({ maxLength: 5 }) }), { numRuns: count, seed })
    .map((c, i) => ({ name: `structured #${i}`, template: c.template, data: { j: JSON.stringify(c.j), a: c.a } }));
}

// Sprig's list, dict, math, default and regexp functions over random inputs (JSON values, numeric-looking
// strings, patterns from a small set applied to random text).
const numericText = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
  fc.constantFrom("0x10", "010", "1e3", " 4", "abc", "", "1.0", "-0", "1_000", "+7", "9223372036854775807", "3.999"),
);
const pattern = fc.constantFrom("[a-z]+", "^a", "b$", "(a|b)+", "\\\\d+", "(?i)AB", "x*", "[^a-z]", "(?P<w>\\\\w)(\\\\w)", ".", "^$", "\\\\s+",
  // Go-only syntax and nested quantifiers (src/regexp)
  "\\pL+", "[[:alpha:]]+", "(a+)+$", "(?U)a+b?", "a\\z", "(?P<n>a)|(?P<n>b)", "(é|-)+");
const functionTemplate = fc.constantFrom(
  '{{ $l := fromJson .j }}{{ if kindIs "slice" $l }}{{ uniq $l }}|{{ reverse $l }}|{{ first $l }}|{{ last $l }}|{{ rest $l }}|{{ initial $l }}|{{ compact $l }}|{{ len $l }}|{{ sortAlpha $l }}|{{ join "," $l }}|{{ toStrings $l }}{{ end }}',
  '{{ $l := fromJson .j }}{{ if kindIs "slice" $l }}{{ if $l }}{{ without $l (first $l) }}|{{ has (last $l) $l }}|{{ slice $l 1 }}|{{ append $l (first $l) }}|{{ prepend $l 0 }}|{{ concat $l $l }}|{{ chunk 2 $l }}{{ end }}{{ end }}',
  '{{ $m := fromJson .j }}{{ if kindIs "map" $m }}{{ keys $m | sortAlpha }}|{{ hasKey $m "a" }}|{{ get $m "a" }}|{{ pick $m "a" "b" }}|{{ omit $m "a" }}|{{ len $m }}|{{ toJson (merge (dict "z" 1) $m) }}|{{ toJson (mergeOverwrite (dict "a" 0) $m) }}|{{ dig "a" "dflt" $m }}{{ end }}',
  '{{ $v := fromJson .j }}{{ default "d" $v }}|{{ empty $v }}|{{ coalesce $v "c" }}|{{ ternary "t" "f" (empty $v) }}|{{ all $v 1 }}|{{ any $v 0 }}|{{ toString $v }}|{{ typeOf $v }}|{{ kindOf $v }}|{{ quote $v }}|{{ squote $v }}|{{ cat $v $v }}',
  "{{ add .x .y }}|{{ sub .x .y }}|{{ mul .x .y }}|{{ max .x .y }}|{{ min .x .y }}|{{ add1 .x }}|{{ int .x }}|{{ int64 .y }}|{{ float64 .x }}|{{ atoi .x }}",
  "{{ addf .x .y }}|{{ subf .x .y }}|{{ mulf .x 2 }}|{{ maxf .x .y }}|{{ minf .x .y }}|{{ floor .x }}|{{ ceil .y }}|{{ round .x 2 }}|{{ add1f .y }}",
  "{{ divf .x .y }}|{{ divf .y 3 }}|{{ divf 1 .x 7 }}|{{ mulf .x .y .y }}|{{ addf .x .y 0.1 }}",
  '{{ if ne (int64 .y) (int64 0) }}{{ div .x .y }}|{{ mod .x .y }}{{ end }}|{{ seq (int (mod (int64 .x) 5)) }}|{{ until (int (mod (int64 .y) 4)) }}',
  "{{ regexMatch .p .s }}|{{ regexFind .p .s }}|{{ regexFindAll .p .s -1 }}|{{ regexFindAll .p .s 1 }}|{{ regexReplaceAll .p .s \"<$1>\" }}|{{ regexReplaceAllLiteral .p .s \"$1\" }}|{{ regexSplit .p .s -1 }}|{{ regexSplit .p .s 2 }}",
);

/** `count` cases over Sprig's list/dict/math/default/regexp functions, reproducible for a given seed. */
export function generatedFunctionCases(count: number, seed = 20261124): Case[] {
  const arb = fc.record({ template: functionTemplate, j: fc.jsonValue({ maxDepth: 2 }), x: numericText, y: numericText, p: pattern, s: fc.string({ maxLength: 10, unit: fc.constantFrom("a", "b", "A", "B", "1", "2", " ", "x", "é", "-") }) });
  return fc.sample(arb, { numRuns: count, seed }).map((c, i) => ({ name: `functions #${i}`, template: c.template, data: { j: JSON.stringify(c.j), x: c.x, y: c.y, p: c.p, s: c.s } }));
}

// Float formatting: fixed precisions round the exact binary value half to even (as strconv does), for
// random doubles plus halfway and extreme values.
const HALFWAY = [0.5, 1.5, 2.5, 0.125, 0.375, 1e22, 1e23, 123456789.125, -269757309081909.8, 5e-324, 1.7976931348623157e308, 9007199254740993, 0.1, 0.3, 2.675, 1.005];

/** `count` printf cases over random doubles (the first ones are the halfway/extreme values). */
export function generatedFloatCases(count: number, seed = 20261125): Case[] {
  const values = [...HALFWAY, ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: Math.max(0, count - HALFWAY.length), seed })].slice(0, count);
  return values.map((d, i) => ({
    name: `float #${i}`,
    template: `{{ printf "%.3f|%.0f|%.10e|%.2e|%.4g|%g|%.1f|%8.2f|%.15g|%.17g|%v|%#g" ${Array(12).fill(goFloat(d)).join(" ")} }}|{{ toJson ${goFloat(d)} }}|{{ ${goFloat(d)} }}`,
    data: {},
  }));
}
