// The differential suite: every case renders with our engine and with Go's own text/template + Sprig
// (test/differential/go-render, built once into the bench cache) and must give byte-identical output,
// or fail on both sides. Hand-written cases cover the language, the Sprig functions, the regexp engine
// (Go-only syntax, what Go rejects, patterns catastrophic for backtracking) and ESO's guide examples; fast-check adds generated templates over random Unicode data, random JSON documents through
// toJson/toYaml/fromYaml, random printf verbs/flags/widths/precisions, and Sprig's list/dict/math/default/
// regexp functions over random inputs (fixed seeds: reproducible).
import assert from "node:assert/strict";
import { test } from "node:test";
import { esoCases } from "../differential/cases-eso.ts";
import { esoForkCases, esoForkGeneratedCases } from "../differential/cases-eso-fork.ts";
import { funcsCases } from "../differential/cases-funcs.ts";
import { regexpCases } from "../differential/cases-regexp.ts";
import { derivePasswordCases, semverCases, semverUrlGeneratedCases, urlCases } from "../differential/cases-semver-url.ts";
import { limitCases } from "../differential/cases-limits.ts";
import { certificateCases, semverStructCases, semverStructGeneratedCases } from "../differential/cases-structs.ts";
import { realisticCases } from "../differential/cases-realistic.ts";
import { dateCases, generatedDateCases } from "../differential/cases-dates.ts";
import { syntaxCases } from "../differential/cases-syntax.ts";
import { generatedCases, generatedFloatCases, generatedFunctionCases, generatedStructuredCases } from "../differential/generated.ts";
import { compare, runGo, runOurs, show, type Case } from "../differential/go-render.ts";

const suites: [string, Case[]][] = [
  ["text/template language", syntaxCases],
  ["Sprig functions", funcsCases],
  ["regexp engine: Go syntax, errors, expansion, empty matches, bytes, catastrophic patterns", regexpCases],
  ["ESO guide examples", esoCases],
  ["ESO 2.9's Sprig fork (hexdec, htpasswd) and the Sprig functions served for it (must forms, case converters, wrap, typeIsLike, toDecimal, dateModify, durationRound)", esoForkCases],
  ["Sprig's semverCompare (Masterminds/semver v3 constraints, prerelease rule, error texts)", semverCases],
  ["Sprig's urlParse and urlJoin (Go's net/url: userinfo, IPv6 hosts, opaque URLs, escaping, error texts)", urlCases],
  ["Sprig's derivePassword (scrypt, every template type, the uint32 counter's argument rules)", derivePasswordCases],
  ["Sprig's semver (*semver.Version: fields through methods, methods with arguments, printing, uint64 parts, errors)", semverStructCases],
  ["Sprig's certificate functions (sprig.certificate: types, printing, field and argument errors, error texts, keys)", certificateCases()],
  ["fast-check versions through semver's fields and methods (seed 4)", semverStructGeneratedCases(200, 4)],
  ["Sprig's toDate/mustToDate (Go's time.Parse layouts, ranges, error texts) and duration (string or int64 only)", dateCases],
  ["fast-check dates printed with a layout, one character changed, parsed back with toDate (seed 6)", generatedDateCases(300, 6)],
  ["Go's own limits (fmt width/precision, Repeat, chunk) and results just under the 1 MiB cap", limitCases],
  ["the realistic 1,000-key template the budget is measured against", realisticCases],
  ["fast-check generated (seed 20261122)", generatedCases(250, 20261122)],
  ["fast-check generated (seed 7)", generatedCases(250, 7)],
  ["fast-check JSON/YAML documents and printf formats (seed 1)", generatedStructuredCases(250, 1)],
  ["fast-check JSON/YAML documents and printf formats (seed 2)", generatedStructuredCases(250, 2)],
  ["fast-check list/dict/math/default/regexp functions (seed 1)", generatedFunctionCases(250, 1)],
  ["fast-check list/dict/math/default/regexp functions (seed 2)", generatedFunctionCases(250, 2)],
  ["fast-check float formatting (halfway and extreme values first)", generatedFloatCases(250, 1)],
  ["fast-check word functions and duration/number parsers of ESO 2.9 (seed 5)", esoForkGeneratedCases(100, 5)],
  ["fast-check constraints, versions and URLs through semverCompare, urlParse and urlJoin (seed 3)", semverUrlGeneratedCases(300, 3)],
];

test("the differential suite has at least 300 cases, with successes and failures on the Go side", () => {
  const all = suites.flatMap(([, cases]) => cases);
  assert.ok(all.length >= 300, `${all.length} cases`);
  const go = runGo(all);
  const ok = go.filter((r) => r.ok).length;
  // Both kinds must be exercised: outputs compared byte for byte, and errors matched as errors.
  assert.ok(ok > 1500, `${ok} successful renders`);
  assert.ok(all.length - ok > 40, `${all.length - ok} failing renders`);
});

for (const [name, cases] of suites) {
  test(`differential: ${name} (${cases.length} cases) render byte-identically to Go`, () => {
    const mismatches = compare(cases);
    assert.equal(mismatches.length, 0, mismatches.slice(0, 10).map(show).join("\n"));
  });
}

test("differential: regexp errors read as Go's (from text/template's `error calling` on)", () => {
  const go = runGo(regexpCases);
  const tail = (err: string | undefined) => (err ?? "").slice((err ?? "").indexOf("error calling "));
  const failing = regexpCases.map((c, i) => ({ c, go: go[i]! })).filter(({ go }) => !go.ok);
  assert.ok(failing.length >= 6, `${failing.length} failing regexp cases`);
  for (const { c, go } of failing) assert.equal(tail(runOurs(c).err), tail(go.err), c.name);
});

test("differential: semverCompare/urlParse/urlJoin/derivePassword errors read as Go's (from text/template's `error calling` on)", () => {
  const cases = [...semverCases, ...urlCases, ...derivePasswordCases];
  const go = runGo(cases);
  const tail = (err: string | undefined) => (err ?? "").slice((err ?? "").indexOf("error calling "));
  const failing = cases.map((c, i) => ({ c, go: go[i]! })).filter(({ go }) => !go.ok);
  assert.ok(failing.length >= 10, `${failing.length} failing cases`);
  for (const { c, go } of failing) assert.equal(tail(runOurs(c).err), tail(go.err), c.name);
});

test("differential: semver and certificate errors read as Go's (after the node Go reports them at)", () => {
  const cases = [...semverStructCases, ...certificateCases()];
  // Where Go quotes a value (eq, range) we name only types; the nil-receiver text is the engine's, not theirs.
  const ours = new Set(["semver eq pointer with value", "semver eq with a string", "semver range", "semver field on a nil", "certificate eq a string"]);
  const go = runGo(cases);
  const tail = (err: string | undefined) => (err ?? "").replace(/^template: t:\d+(:\d+)?: executing "t" at <.*?>: /, "");
  const failing = cases.map((c, i) => ({ c, go: go[i]! })).filter(({ c, go }) => !go.ok && !ours.has(c.name));
  assert.ok(failing.length >= 50, `${failing.length} failing cases`);
  for (const { c, go } of failing) assert.equal(tail(runOurs(c).err), tail(go.err), c.name);
});

test("differential: the reference really is Go (float64 prints as 1e+06, JSON keeps 1e+21)", () => {
  const [go] = runGo([{ name: "t", template: "{{ 1000000.0 }} {{ toJson 1e21 }}", data: {} }]);
  assert.equal(Buffer.from(go!.out!, "base64").toString(), "1e+06 1e+21");
});
