// Differential cases for the regexp engine behind Sprig's regex* functions (src/regexp): Go-only syntax,
// what Go rejects, $-expansion, empty matches and counts, bytes that are not UTF-8, and patterns that take
// exponential time in a backtracking engine (the suite would hang on them, not fail). Patterns are written
// as Go raw strings (`...`) so backslashes reach the regexp as they are.
import type { Case } from "./go-render.ts";
import { DATA } from "./cases-syntax.ts";

const t = (name: string, template: string, data: Record<string, string> = DATA): Case => ({ name, template, data });

/** 30,000 a's then b: a backtracking engine needs about 2^30000 steps on these patterns. */
const LONG = '(printf "%sb" (repeat 30000 "a"))';

export const regexpCases: Case[] = [
  // Go-only syntax
  t("named groups (?P<n>) and (?<n>)", '{{ regexReplaceAll `(?P<k>\\w+)=(?<v>\\w+)` "a=1 b=2" "${v}:${k}" }}'),
  t("Unicode classes", '{{ regexFindAll `\\pL+` "héllo wörld 42 日本" -1 }} {{ regexFindAll `\\p{Greek}+|\\p{Han}+` "αβ 日本 x" -1 }} {{ regexMatch `^\\PL+$` "123" }}'),
  t("POSIX classes are ASCII", '{{ regexFindAll `[[:alpha:]]+` "héllo" -1 }} {{ regexFindAll `[[:^digit:][:space:]]+` "a1 b2" -1 }} {{ regexFindAll `[[:word:]]+` "x_1-y" -1 }}'),
  t("\\A and \\z", '{{ regexMatch `\\Aab\\z` "ab" }} {{ regexMatch `ab\\z` "ab\\n" }} {{ regexMatch `ab$` "ab\\n" }} {{ regexMatch `(?m)ab$` "ab\\n" }}'),
  t("\\d \\w \\s \\b are ASCII", '{{ regexFindAll `\\d+` "12٣4" -1 }} {{ regexFindAll `\\w+` "héllo" -1 }} {{ regexFindAll `\\bé` "é xé" -1 }}'),
  t("flags (?i) (?s) (?m) (?U)", '{{ regexFindAll `(?i)straSSe|é` "STRASSE É" -1 }} {{ regexMatch `(?s)^a.b$` "a\\nb" }} {{ regexFindAll `(?m)^\\w` "a\\nb" -1 }} {{ regexFindAll `(?U)a+` "aaa" -1 }} {{ regexFindAll `(?i:A)a` "aA aa Aa" -1 }}'),
  t("\\Q...\\E and \\x{...}", '{{ regexMatch `^\\Qa.b*\\E$` "a.b*" }} {{ regexMatch `^\\Qa.b*\\E$` "axbb" }} {{ regexFindAll `\\x{e9}|\\x41` "éA" -1 }}'),
  t("leftmost-first alternation", '{{ regexFindAll "a|ab" "abab" -1 }} {{ regexFind "(a|ab)(c|bcd)" "abcd" }}'),
  // What Go rejects: must* report the error, the others MustCompile's panic, regexMatch says false
  t("lookahead is rejected", '{{ mustRegexMatch `a(?=b)` "ab" }}'),
  t("lookbehind is rejected", '{{ regexFind `(?<=a)b` "ab" }}'),
  t("backreference is rejected", '{{ regexReplaceAll `(a)\\1` "aa" "x" }}'),
  t("possessive and nested repetition are rejected", '{{ mustRegexFindAll `a*+` "aa" -1 }}'),
  t("repeat count over 1000 is rejected", '{{ regexSplit `x{1001}` "x" -1 }}'),
  t("a JS escape Go lacks is rejected", '{{ mustRegexReplaceAllLiteral `\\u0041` "A" "b" }}'),
  t("regexMatch with a bad pattern is false", '{{ regexMatch `(?=a)` "a" }} {{ regexMatch `(` "(" }}'),
  t("a pattern quoted with backquotes in MustCompile's panic", '{{ regexFindAll "a`(" "x" -1 }}'),
  t("a repeated group name is allowed", '{{ regexReplaceAll `(?P<n>a)|(?P<n>b)` "ab" "[$n]" }} {{ regexReplaceAll `(?P<n>x)?(?P<n>b)` "ab" "[$n]" }}'),
  // $-expansion (Regexp.Expand)
  t("$1W names a group 1W", '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}'),
  t("$$, unknown groups, a lone $", '{{ regexReplaceAll "(a)" "aaa" "$$1${9}$" }}|{{ regexReplaceAll "(a)" "a" "${1" }}|{{ regexReplaceAll "(a)" "a" "<$01>" }}|{{ regexReplaceAll "(a)" "a" "<$1é><$1.>" }}'),
  t("$0 and a group that did not take part", '{{ regexReplaceAll "(a)|b" "ab" "[$0:$1]" }}'),
  t("literal replacement keeps $", '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}$$" }}'),
  // Empty matches and counts
  t("empty matches in FindAll", '{{ regexFindAll "x*" "abc" -1 }} {{ regexFindAll "a*" "baaac" -1 }} {{ regexFindAll "" "é" -1 }}'),
  t("empty matches in ReplaceAll", '{{ regexReplaceAll "x*" "abc" "-" }}|{{ regexReplaceAll "a*" "baaac" "X" }}|{{ regexReplaceAll "" "é" "-" }}'),
  t("empty matches in Split", '{{ regexSplit "a*" "abaabaccadaaae" 5 }} {{ regexSplit "" "aé" -1 }} {{ regexSplit "x*" "axxb" -1 }} {{ regexSplit "," "" -1 }} {{ regexSplit "" "" -1 }}'),
  t("counts: 0, 1, negative, huge", '{{ regexFindAll "[0-9]" "a1b2c3" 0 }} {{ regexFindAll "[0-9]" "a1b2c3" 1 }} {{ regexFindAll "[0-9]" "a1b2c3" -5 }} {{ regexFindAll "[0-9]" "a1b2c3" 9223372036854775807 }} {{ regexSplit "," "a,b,c" 0 }} {{ regexSplit "," "a,b,c" 1 }} {{ regexSplit "," "a,b,c,,," -1 }}'),
  // Go strings are bytes: invalid UTF-8 is one U+FFFD rune per byte and is kept as it is
  t("invalid UTF-8 input", '{{ regexFindAll "." (b64dec "Yf/DqWI=") -1 }}|{{ regexReplaceAll "b" (b64dec "Yf/DqWI=") "<$0>" }}|{{ regexSplit `\\x{FFFD}` (b64dec "Yf/DqWI=") -1 }}|{{ regexMatch `^.{4}$` (b64dec "Yf/DqWI=") }}'),
  t("multibyte runes", '{{ regexFindAll "é+|€" .password -1 }} {{ regexReplaceAll "(€)" .password "[$1]" }} {{ regexSplit "" "aé€" -1 }}'),
  // Catastrophic for backtracking engines: linear here as in Go
  t("^(a+)+$ on 30,000 a's and a b", `{{ regexMatch "^(a+)+$" ${LONG} }}`),
  t("(a|aa)+$ on 30,000 a's and a b", `{{ regexMatch "^(a|aa)+$" ${LONG} }} {{ len (regexFindAll "(a|aa)+c" ${LONG} -1) }}`),
  t("nested quantifiers in ReplaceAll and Split", `{{ len (regexReplaceAll "(a*)*$" ${LONG} "x") }} {{ len (regexSplit "(a+)+c" ${LONG} -1) }}`),
  t("(.*a){20} on 30,000 a's and a b", `{{ regexMatch "(.*a){20}c" ${LONG} }} {{ regexMatch "(.*a){20}b" ${LONG} }}`),
];
