// Go's regexp semantics through src/regexp. Every `want` below is what Go's regexp (Go 1.26) returns for
// the same call: the tables were produced by running them through Go, so a difference is ours to fix.
// The template functions are also compared with Go live, by test/integration/template-differential.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GoRegexp, GoRegexpError } from "../../../src/regexp/index.ts";

const MATCH: { name: string; given: [string, string]; want: boolean }[] = [
  { name: "^ and $ anchor the whole text", given: ["^abc$", "abc"], want: true },
  { name: "unanchored finds inside", given: ["b", "abc"], want: true },
  { name: "$ does not match before a final newline", given: ["^abc$", "abc\n"], want: false },
  { name: "(?m) makes ^ and $ match at lines", given: ["(?m)^b$", "a\nb\nc"], want: true },
  { name: "\\A and \\z", given: ["\\Aab\\z", "ab"], want: true },
  { name: "\\z is the very end", given: ["ab\\z", "ab\n"], want: false },
  { name: "(?i) folds case", given: ["(?i)^admin$", "ADMIN"], want: true },
  { name: "(?i) folds Unicode", given: ["(?i)^straße$", "STRASSE"], want: false },
  { name: "(?i) folds Unicode simple", given: ["(?i)^é$", "É"], want: true },
  { name: ". does not match newline", given: ["^a.b$", "a\nb"], want: false },
  { name: "(?s) lets . match newline", given: ["(?s)^a.b$", "a\nb"], want: true },
  { name: "\\pL is any letter", given: ["^\\pL+$", "héllo"], want: true },
  { name: "\\p{Greek}", given: ["^\\p{Greek}+$", "αβγ"], want: true },
  { name: "[[:alpha:]] is ASCII only", given: ["^[[:alpha:]]+$", "héllo"], want: false },
  { name: "[[:alpha:]] on ASCII", given: ["^[[:alpha:]]+$", "hello"], want: true },
  { name: "\\d is ASCII only", given: ["^\\d$", "٣"], want: false },
  { name: "\\b word boundary", given: ["\\bfoo\\b", "a foo b"], want: true },
  { name: "\\Q...\\E quotes", given: ["^\\Qa.b\\E$", "a.b"], want: true },
  { name: "\\Q...\\E quotes (miss)", given: ["^\\Qa.b\\E$", "axb"], want: false },
  { name: "a dot matches one rune", given: ["^.$", "é"], want: true },
  { name: "(?P<name>) and (?<name>) groups", given: ["^(?P<a>x)(?<b>y)$", "xy"], want: true },
  { name: "namespace-style", given: ["^team-(a|b)-[0-9]+$", "team-b-42"], want: true },
];
const FIND_ALL: { name: string; given: [string, string, number]; want: string[] }[] = [
  { name: "n limits the count", given: ["[0-9]", "a1b2c3", 2], want: ["1","2"] },
  { name: "n < 0 is every match", given: ["[0-9]", "a1b2c3", -1], want: ["1","2","3"] },
  { name: "n == 0 is none", given: ["[0-9]", "a1b2c3", 0], want: [] },
  { name: "no match is empty", given: ["z", "abc", -1], want: [] },
  { name: "empty matches between runes", given: ["x*", "abc", -1], want: ["","","",""] },
  { name: "no empty match right after a match", given: ["a*", "baaac", -1], want: ["","aaa",""] },
  { name: "multibyte runes", given: ["é", "aéé", -1], want: ["é","é"] },
  { name: "dot steps by rune", given: [".", "aé€", -1], want: ["a","é","€"] },
  { name: "leftmost-first alternation", given: ["a|ab", "abab", -1], want: ["a","a"] },
  { name: "(?U) makes quantifiers lazy", given: ["(?U)a+", "aaa", -1], want: ["a","a","a"] },
  { name: "lazy quantifier", given: ["a+?", "aaa", -1], want: ["a","a","a"] },
  { name: "empty pattern", given: ["", "ab", -1], want: ["","",""] },
];
const REPLACE_ALL: { name: string; given: [string, string, string]; want: string }[] = [
  { name: "${1} then text", given: ["a(x*)b", "-ab-axxb-", "${1}W"], want: "-W-xxW-" },
  { name: "$1W is the group named 1W (empty)", given: ["a(x*)b", "-ab-axxb-", "$1W"], want: "---" },
  { name: "$name and $2", given: ["(?P<k>\\w+)=(\\w+)", "a=1 b=2", "$2:$k"], want: "1:a 2:b" },
  { name: "${name}", given: ["(?P<first>\\w+) (?P<last>\\w+)", "Jane Doe", "${last}, ${first}"], want: "Doe, Jane" },
  { name: "$$ is a dollar, unknown groups are empty, a lone $ stays", given: ["(a)", "aaa", "$$1${9}$"], want: "$1$$1$$1$" },
  { name: "a group that did not take part is empty", given: ["(a)|b", "ab", "[$1]"], want: "[a][]" },
  { name: "an unclosed brace keeps the $", given: ["(a)", "a", "${1"], want: "${1" },
  { name: "leading zero is a name, not a number", given: ["(a)", "a", "<$01>"], want: "<>" },
  { name: "a digit name can be a named group", given: ["(?P<01>a)", "a", "<$01>"], want: "<a>" },
  { name: "a Unicode letter continues a name", given: ["(a)", "a", "<$1é>"], want: "<>" },
  { name: "punctuation ends a name", given: ["(a)", "a", "<$1.>"], want: "<a.>" },
  { name: "$0 is the whole match", given: ["b+", "abbc", "[$0]"], want: "a[bb]c" },
  { name: "empty matches are replaced between runes", given: ["x*", "abc", "-"], want: "-a-b-c-" },
  { name: "no replacement right after a match", given: ["a*", "baaac", "X"], want: "XbXcX" },
  { name: "multibyte groups", given: ["(é+)", "xééy", "<$1>"], want: "x<éé>y" },
  { name: "key rewrite", given: ["^db/(.*)$", "db/user", "${1}"], want: "user" },
  { name: "a repeated name is allowed: the first that took part", given: ["(?P<n>a)|(?P<n>b)", "ab", "[$n]"], want: "[a][b]" },
  { name: "a repeated name: numbers still count every group", given: ["(?P<n>a)(?P<n>b)", "ab", "[$n|$1|$2]"], want: "[a|a|b]" },
  { name: "a repeated name: a skipped first group", given: ["(?P<n>x)?(?P<n>b)", "ab", "[$n]"], want: "a[b]" },
  { name: "a repeated name: names inside classes and \\Q...\\E are text", given: ["[(?P<n>]+\\Q(?P<n>\\E(?P<n>b)|(?P<n>c)", "((?P<n>bc", "[$n]"], want: "[b][c]" },
  { name: "a repeated name: a class starting with ]", given: ["[]a](?P<n>b)|(?P<n>c)", "]bc", "[$n]"], want: "[b][c]" },
];
const REPLACE_ALL_LITERAL: { name: string; given: [string, string, string]; want: string }[] = [
  { name: "literal keeps $", given: ["a(x*)b", "-ab-axxb-", "${1}"], want: "-${1}-${1}-" },
  { name: "literal with empty matches", given: ["x*", "ab", "$"], want: "$a$b$" },
];
const SPLIT: { name: string; given: [string, string, number]; want: string[] }[] = [
  { name: "split everywhere", given: ["[,;]", "a,b;c", -1], want: ["a","b","c"] },
  { name: "n caps the pieces, the last is the rest", given: [",", "a,b,c", 2], want: ["a","b,c"] },
  { name: "n == 1 is the whole text", given: ["z+", "pizza", 1], want: ["pizza"] },
  { name: "n == 0 is nothing", given: ["z+", "pizza", 0], want: [] },
  { name: "Go's doc example", given: ["a*", "abaabaccadaaae", 5], want: ["","b","b","c","cadaaae"] },
  { name: "empty pattern splits runes", given: ["", "aé", -1], want: ["a","é"] },
  { name: "empty text, non-empty pattern", given: [",", "", -1], want: [""] },
  { name: "empty text, empty pattern", given: ["", "", -1], want: [] },
  { name: "empty matches around a match", given: ["x*", "axxb", -1], want: ["a","b"] },
  { name: "trailing separator", given: [",", "a,b,", -1], want: ["a","b",""] },
  { name: "leading separator", given: [",", ",a", -1], want: ["","a"] },
];
const COMPILE: { name: string; given: string; want: string | undefined }[] = [
  { name: "unclosed group", given: "(", want: "error parsing regexp: missing closing ): `(`" },
  { name: "backreference", given: "(a)\\1", want: "error parsing regexp: invalid escape sequence: `\\1`" },
  { name: "lookahead", given: "a(?=b)", want: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" },
  { name: "negative lookahead", given: "a(?!b)", want: "error parsing regexp: invalid or unsupported Perl syntax: `(?!`" },
  { name: "lookbehind", given: "(?<=a)b", want: "error parsing regexp: invalid named capture: `(?<=a)b`" },
  { name: "negative lookbehind", given: "(?<!a)b", want: "error parsing regexp: invalid named capture: `(?<!a)b`" },
  { name: "possessive", given: "a*+", want: "error parsing regexp: invalid nested repetition operator: `*+`" },
  { name: "nested repetition", given: "a**", want: "error parsing regexp: invalid nested repetition operator: `**`" },
  { name: "repeat count over 1000", given: "x{1001}", want: "error parsing regexp: invalid repeat count: `{1001}`" },
  { name: "nested repeat over 1000", given: "(x{100}){100}", want: "error parsing regexp: invalid repeat count: `{100}`" },
  { name: "reversed range", given: "[z-a]", want: "error parsing regexp: invalid character class range: `z-a`" },
  { name: "unclosed class", given: "[a", want: "error parsing regexp: missing closing ]: `[a`" },
  { name: "missing repeat argument", given: "*a", want: "error parsing regexp: missing argument to repetition operator: `*`" },
  { name: "unexpected paren", given: "a)", want: "error parsing regexp: unexpected ): `a)`" },
  { name: "duplicate group name", given: "(?P<n>a)(?P<n>b)", want: undefined },
  { name: "bad group name", given: "(?P<a-b>x)", want: "error parsing regexp: invalid named capture: `(?P<a-b>`" },
  { name: "\\C", given: "a\\C", want: "error parsing regexp: invalid escape sequence: `\\C`" },
  { name: "unknown flag", given: "(?z)a", want: "error parsing regexp: invalid or unsupported Perl syntax: `(?z`" },
  { name: "unknown class", given: "[[:word2:]]", want: "error parsing regexp: invalid character class range: `[:word2:]`" },
  { name: "unknown Unicode class", given: "\\p{Nope}", want: "error parsing regexp: invalid character class range: `\\p{Nope}`" },
  { name: "trailing backslash", given: "a\\", want: "error parsing regexp: trailing backslash at end of expression: ``" },
  { name: "JS-only \\u escape", given: "\\u0041", want: "error parsing regexp: invalid escape sequence: `\\u`" },
  { name: "Go's \\x{...} escape", given: "\\x{41}", want: undefined },
  { name: "possessive-looking {n}+", given: "a{2}+", want: "error parsing regexp: invalid nested repetition operator: `{2}+`" },
  { name: "a repeated name, then an error further on", given: "(?P<n>a)(?P<n>b)(", want: "error parsing regexp: missing closing ): `(?P<n>a)(?P<n>b)(`" },
  { name: "a non-ASCII group name", given: "(?P<é>a)", want: "error parsing regexp: invalid named capture: `(?P<é>`" },
];

const re = (pattern: string) => GoRegexp.compile(pattern);

describe("GoRegexp: Go's semantics", () => {
  for (const { name, given, want } of MATCH) it(`test: ${name}`, () => assert.equal(re(given[0]).test(given[1]), want));
  for (const { name, given, want } of FIND_ALL) it(`findAll: ${name}`, () => assert.deepEqual(re(given[0]).findAll(given[1], given[2]), want));
  for (const { name, given, want } of REPLACE_ALL) it(`replaceAll: ${name}`, () => assert.equal(re(given[0]).replaceAll(given[1], given[2]), want));
  for (const { name, given, want } of REPLACE_ALL_LITERAL) it(`replaceAllLiteral: ${name}`, () => assert.equal(re(given[0]).replaceAllLiteral(given[1], given[2]), want));
  for (const { name, given, want } of SPLIT) it(`split: ${name}`, () => assert.deepEqual(re(given[0]).split(given[1], given[2]), want));
});

describe("GoRegexp.compile: what Go rejects, with Go's message", () => {
  for (const { name, given, want } of COMPILE) {
    it(`${name}: ${want ?? "compiles"}`, () => {
      if (want === undefined) assert.ok(re(given));
      else assert.throws(() => re(given), (err) => err instanceof GoRegexpError && err.name === "GoRegexpError" && err.message === want);
    });
  }
});

describe("GoRegexp over Go byte strings (latin1: one char per byte)", () => {
  const bin = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  const table = [
    { name: "a multibyte rune is one match", given: { re: "é+", s: bin("xééy"), op: "findAll" }, want: [bin("éé")] },
    { name: "an invalid byte is one U+FFFD rune", given: { re: ".", s: "a\xff" + bin("é"), op: "findAll" }, want: ["a", "\xff", bin("é")] },
    { name: "\\x{FFFD} matches an invalid byte, kept as it was", given: { re: "\\x{FFFD}", s: "a\xffb", op: "findAll" }, want: ["\xff"] },
    { name: "unmatched invalid bytes are kept by replaceAll", given: { re: "b", s: "\xffb\xfe", op: "replaceAll" }, want: "\xff<b>\xfe" },
    { name: "split keeps invalid bytes", given: { re: ",", s: "\xff,\xfe", op: "split" }, want: ["\xff", "\xfe"] },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const r = GoRegexp.compile(bin(given.re), "latin1");
      const got = given.op === "findAll" ? r.findAll(given.s, -1) : given.op === "split" ? r.split(given.s, -1) : r.replaceAll(given.s, "<$0>");
      assert.deepEqual(got, want);
    });
  }
  it("a pattern that is not UTF-8 is rejected as Go does", () =>
    assert.throws(() => GoRegexp.compile("a\xff(", "latin1"), { name: "GoRegexpError", message: "error parsing regexp: invalid UTF-8: `\ufffd(`" }));
  it("a non-ASCII pattern is read as UTF-8", () => assert.equal(GoRegexp.compile(bin("^é$"), "latin1").test(bin("é")), true));
});

describe("GoRegexp on JS text", () => {
  it("an astral character is one rune", () => assert.deepEqual(re(".").findAll("a😀", -1), ["a", "😀"]));
  it("results are text", () => assert.equal(re("(?i)straße").replaceAll("STRAßE und Straße", "street"), "street und street"));
});

// Patterns that take exponential time in a backtracking engine. The assertions are on results: a
// backtracking engine would not return within the test's lifetime, which is the failure.
describe("linear time on catastrophic patterns", () => {
  const text = "a".repeat(30_000) + "b";
  const table = [
    { name: "^(a+)+$", given: "^(a+)+$", want: false },
    { name: "(a|aa)+$ anchored at the end", given: "^(a|aa)+$", want: false },
    { name: "(a*)*b does match", given: "(a*)*b", want: true },
    { name: "(.*a){20} then c", given: "(.*a){20}c", want: false },
    { name: "(x+x+)+y style, on a", given: "^(a+a+)+c", want: false },
  ];
  for (const { name, given, want } of table) it(`test: ${name}`, () => assert.equal(re(given).test(text), want));
  it("findAll, replaceAll and split run on the same input", () => {
    const r = re("(a+)+$");
    assert.deepEqual(r.findAll(text, -1), []);
    assert.equal(r.replaceAll(text, "x"), text);
    assert.deepEqual(r.split(text, -1), [text]);
    assert.deepEqual(re("(a+)+b").findAll(text, -1), [text]);
  });
});

describe("GoRegexp.compile: Go's limits", () => {
  it("nesting deeper than 1000 is rejected, quoting the whole pattern", () => {
    const deep = "(".repeat(1001) + "a" + ")".repeat(1001);
    assert.throws(() => re(deep), { name: "GoRegexpError", message: `error parsing regexp: expression nests too deeply: \`${deep}\`` });
  });
  it("nesting of 1000 compiles", () => assert.ok(re("(".repeat(999) + "a" + ")".repeat(999))));
});
