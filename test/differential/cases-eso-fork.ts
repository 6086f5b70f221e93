// Differential cases for what ESO 2.9 has beyond the functions cases-funcs.ts covers: its Sprig fork's hexdec and
// three-argument htpasswd, getHostByName gone, Sprig's must forms, camelcase/snakecase/kebabcase/swapcase,
// wrap/wrapWith, typeIsLike, toDecimal, dateModify and durationRound over fixed dates and durations (Go's
// ParseDuration errors included); and fast-check texts through the same.
import fc from "fast-check";
import type { Case } from "./go-render.ts";

const t = (name: string, template: string, data: Record<string, string> = {}): Case => ({ name, template, data });
const DAY = '(toDate "2006-01-02" "2024-02-28")';

export const esoForkCases: Case[] = [
  // hexdec: bad input gives the decoder's error text
  t("hexdec", '{{ hexdec "68656c6C6F" }}|{{ hexdec "" }}|{{ hexdec .h | b64enc }}', { h: "00ff7f80" }),
  t("hexdec invalid bytes", '{{ hexdec "6g" }}|{{ hexdec "zz" }}|{{ hexdec "\\u0001a" }}|{{ hexdec "é0" }}|{{ hexdec "\\u00a0" }}|{{ hexdec "0x" }}'),
  t("hexdec odd length", '{{ hexdec "abc" }}|{{ hexdec "abz" }}|{{ hexdec "a" }}|{{ hexdec "z" }}'),
  t("hexdec type", "{{ hexdec 12 }}"),
  // htpasswd: ESO's third argument
  t("htpasswd sha", '{{ htpasswd .u .p "sha" }}|{{ htpasswd "a:b" .p "sha" }}|{{ htpasswd "" "" "sha" }}', { u: "admin", p: "pässword" }),
  t("htpasswd needs three arguments", '{{ htpasswd "u" "p" }}'),
  t("htpasswd algorithm from data", '{{ htpasswd "u" "p" .a }}', { a: "sha" }),
  t("htpasswd algorithm piped", '{{ "sha" | htpasswd "u" "p" }}'),
  t("htpasswd algorithm number", '{{ htpasswd "u" "p" 1 }}'),
  t("htpasswd algorithm nil", '{{ htpasswd "u" "p" nil }}'),
  t("htpasswd bcrypt invalid user", '{{ htpasswd "a:b" "p" "bcrypt" }}|{{ htpasswd "a:b" "p" "md5" }}'),
  t("getHostByName is gone", '{{ getHostByName "localhost" }}'),
  // must forms
  t("must lists", '{{ $l := list 3 1 2 1 nil }}{{ mustAppend $l 4 }}|{{ mustPush $l 5 }}|{{ mustPrepend $l 0 }}|{{ mustFirst $l }}|{{ mustLast $l }}|{{ mustRest $l }}|{{ mustInitial $l }}|{{ mustReverse $l }}|{{ mustUniq $l }}|{{ mustWithout $l 1 }}|{{ mustHas 2 $l }}|{{ mustCompact $l }}|{{ mustSlice $l 1 3 }}|{{ mustChunk 2 $l }}'),
  t("must lists on empty", "{{ mustFirst list }}|{{ mustLast list }}|{{ mustRest list }}|{{ mustInitial list }}|{{ mustSlice list }}|{{ mustHas 1 nil }}"),
  t("mustAppend on a string", '{{ mustAppend "abc" 1 }}'),
  t("mustPrepend on nil", "{{ mustPrepend nil 1 }}"),
  t("mustFirst on int", "{{ mustFirst 3 }}"),
  t("mustLast on a map", "{{ mustLast (dict) }}"),
  t("mustRest on a string", '{{ mustRest "x" }}'),
  t("mustInitial on bool", "{{ mustInitial true }}"),
  t("mustReverse on a string", '{{ mustReverse "ab" }}'),
  t("mustUniq on int", "{{ mustUniq 1 }}"),
  t("mustWithout on a string", '{{ mustWithout "a" "a" }}'),
  t("mustHas on a string", '{{ mustHas "a" "abc" }}'),
  t("mustCompact on a string", '{{ mustCompact "" }}'),
  t("mustSlice on a string", '{{ mustSlice "abc" 1 }}'),
  t("mustSlice out of range", "{{ mustSlice (list 1 2) 1 5 }}"),
  t("mustChunk on a string", '{{ mustChunk 2 "abc" }}'),
  t("mustChunk zero", "{{ mustChunk 0 (list 1 2) }}"),
  t("must dicts", '{{ $a := dict "x" 1 "n" (dict "p" 1) }}{{ $b := dict "x" 2 "y" 3 "n" (dict "q" 2) }}{{ mustMerge (deepCopy $a) $b | toJson }}|{{ mustMergeOverwrite (deepCopy $a) $b | toJson }}|{{ mustDeepCopy $a | toJson }}|{{ mustDeepCopy nil }}'),
  t("mustMerge wrong type", '{{ mustMerge "a" (dict) }}'),
  // case converters
  t("camelcase", '{{ camelcase "hello_world" }}|{{ camelcase "hello-big world" }}|{{ camelcase "HTTPServer_URL" }}|{{ camelcase "__a__b__" }}|{{ camelcase "--" }}|{{ camelcase "x" }}|{{ camelcase "" }}|{{ camelcase "_" }}|{{ camelcase "ÉCOLE_été ǆ" }}|{{ camelcase "ABC" }}|{{ camelcase "aBC_DEf" }}|{{ camelcase "a\u00a0b\u3000c" }}'),
  t("case converters on invalid UTF-8", '{{ camelcase (b64dec "YV//Yg==") | b64enc }}|{{ swapcase (b64dec "YV//Yg==") | b64enc }}|{{ camelcase (b64dec "X/8=") | b64enc }}'),
  t("swapcase", '{{ swapcase "Hello World" }}|{{ swapcase "hello wORLD 1a" }}|{{ swapcase "ǅemal ǆ" }}|{{ swapcase "ß straße" }}|{{ swapcase "a\tb\u00a0c" }}|{{ swapcase "" }}|{{ swapcase "x-y_z.w" }}'),
  t("snakecase", '{{ snakecase "HelloWorld" }}|{{ snakecase "HTTPServerURL" }}|{{ snakecase "someHTTPServer2Go" }}|{{ snakecase "a1b2c3" }}|{{ snakecase "A1B2" }}|{{ snakecase "hello world--foo__bar" }}|{{ snakecase "__x__" }}|{{ snakecase "v1.2.3-rc" }}|{{ snakecase "ÉcoleÉté" }}|{{ snakecase "x中文Y" }}|{{ snakecase "a+b=c" }}|{{ snakecase "123abc" }}|{{ snakecase "abc123" }}|{{ snakecase "ABC123def" }}|{{ snakecase "" }}|{{ snakecase "A" }}|{{ snakecase "a b" }}|{{ snakecase "ǅa ǈb" }}|{{ snakecase "12 34" }}|{{ snakecase "x_1_y" }}|{{ snakecase "AB_CD" }}|{{ snakecase "1.5x" }}|{{ snakecase "a\u00a0B\u3000c" }}'),
  t("kebabcase", '{{ kebabcase "HelloWorld" }}|{{ kebabcase "HTTPServerURL" }}|{{ kebabcase "someHTTPServer2Go" }}|{{ kebabcase "snake_case_here" }}|{{ kebabcase "Mixed-Case_words here" }}|{{ kebabcase "1Password" }}|{{ kebabcase "ID2" }}|{{ kebabcase "a--b" }}|{{ kebabcase "--" }}|{{ kebabcase "x!!y" }}|{{ kebabcase "☃snow☃Man" }}'),
  t("snakecase on invalid UTF-8 and U+FFFD", '{{ snakecase (b64dec "QWL/Qw==") | b64enc }}|{{ kebabcase (b64dec "/0FC") | b64enc }}|{{ snakecase (b64dec "QUL/") | b64enc }}|{{ snakecase "A\ufffdb" | b64enc }}|{{ snakecase (b64dec "/w==") | b64enc }}|{{ kebabcase (b64dec "YV//") | b64enc }}|{{ snakecase (b64dec "MTL/YQ==") | b64enc }}'),
  // wrap / wrapWith (goutils.WrapCustom, bytes)
  t("wrap", '{{ wrap 10 "the quick brown fox jumps over the lazy dog" }}|{{ wrap 3 "abcdefgh ij klmnop q" }}|{{ wrap 0 "a b" }}|{{ wrap -5 "ab cd" }}|{{ wrap 100 "short" }}|{{ wrap 5 "" }}|{{ wrap 4 "   a   b   " }}|{{ wrap 2 "ééé é" }}'),
  t("wrapWith", '{{ wrapWith 5 "<br>" "Hello World and more" }}|{{ wrapWith 3 "" "abcdefgh ij" }}|{{ wrapWith 1 "|" "abc d" }}|{{ wrapWith 4 "\\r\\n" "aaaa bbbb cccc" }}|{{ wrapWith 2 "-" "ééé" | b64enc }}'),
  t("wrapWith separator just under the cap", '{{ wrapWith 1 (repeat 1700 "x") (repeat 600 "a") | len }}'),
  // reflection and conversions
  t("typeIsLike", '{{ typeIsLike "string" "a" }} {{ typeIsLike "int" 1 }} {{ typeIsLike "int64" 1 }} {{ typeIsLike "[]interface {}" (list) }} {{ typeIsLike "map[string]interface {}" (dict) }} {{ typeIsLike "<nil>" nil }} {{ typeIsLike "float64" 1.5 }}'),
  t("toDecimal", '{{ toDecimal "777" }} {{ toDecimal "0777" }} {{ toDecimal "-10" }} {{ toDecimal "+7" }} {{ toDecimal "8" }} {{ toDecimal "0o7" }} {{ toDecimal "1_0" }} {{ toDecimal "" }} {{ toDecimal 17 }} {{ toDecimal 1.5 }} {{ toDecimal true }} {{ toDecimal nil }}'),
  t("toDecimal range", '{{ toDecimal "777777777777777777777" }} {{ toDecimal "1000000000000000000000" }} {{ toDecimal "-1000000000000000000000" }} {{ toDecimal "1000000000000000000001" }} {{ typeOf (toDecimal "1") }}'),
  // dates: dateModify and durationRound over fixed inputs
  t("dateModify", `{{ dateModify "90m" ${DAY} | date "2006-01-02 15:04:05" }}|{{ date_modify "-24h" ${DAY} | date "2006-01-02" }}|{{ dateModify "1.5h" ${DAY} | date "15:04" }}|{{ dateModify "bad" ${DAY} | date "2006-01-02" }}|{{ dateModify "500ms" ${DAY} | date "15:04:05.000" }}`),
  t("mustDateModify", `{{ mustDateModify "48h" ${DAY} | date "2006-01-02" }}|{{ must_date_modify "+1h1m1s" ${DAY} | date "15:04:05" }}`),
  t("mustDateModify invalid", `{{ mustDateModify "1d" ${DAY} }}`),
  t("mustDateModify missing unit", `{{ mustDateModify "10" ${DAY} }}`),
  t("mustDateModify empty", `{{ mustDateModify "" ${DAY} }}`),
  t("mustDateModify quoting", `{{ mustDateModify .d ${DAY} }}`, { d: '1"é\\\tq' }),
  t("mustDateModify overflow", `{{ mustDateModify "9223372036854775808ns" ${DAY} }}`),
  t("dateModify needs a time", '{{ dateModify "1h" "2024-01-01" }}'),
  t("dateModify nil", '{{ dateModify "1h" nil }}'),
  t("durationRound", '{{ durationRound "2h30m" }} {{ durationRound "-3h" }} {{ durationRound "1h" }} {{ durationRound "61s" }} {{ durationRound "1s" }} {{ durationRound "bad" }} {{ durationRound "8761h" }} {{ durationRound "721h" }} {{ durationRound "25h" }} {{ durationRound "1.5ms" }}'),
  t("durationRound types", '{{ durationRound (int64 90000000000) }} {{ durationRound 90000000000 }} {{ durationRound 1.5 }} {{ durationRound nil }} {{ durationRound (int64 -7200000000001) }} {{ durationRound "-9223372036854775808ns" }}'),
  t("durations Go parses", '{{ durationRound ".5h" }} {{ durationRound "5.h" }} {{ durationRound "1h.5m" }} {{ durationRound "+0" }} {{ durationRound "-0" }} {{ durationRound "1µs" }} {{ durationRound "3μs" }} {{ durationRound "2562047h47m16.854775807s" }} {{ durationRound "2562047h47m16.854775808s" }} {{ durationRound "0.0000000000000000000001h" }} {{ durationRound "1.00000000000000000000000000000001h" }}'),
  t("durations Go refuses", '{{ mustDateModify "." (toDate "2006-01-02" "2024-02-28") }}'),
  t("durations Go refuses: unit", '{{ mustDateModify "1hh" (toDate "2006-01-02" "2024-02-28") }}'),
  t("durations Go refuses: sign only", '{{ mustDateModify "-" (toDate "2006-01-02" "2024-02-28") }}'),
  t("durations Go refuses: big", '{{ mustDateModify "99999999999999999999h" (toDate "2006-01-02" "2024-02-28") }}'),
];

// Tricky runes for the word functions: ASCII of each class, connectors, Unicode spaces and cases (title-case
// digraphs, ß, final sigma), CJK (not "alphabet" to xstrings), a symbol, U+FFFD itself.
const WORD_RUNES = ["a", "B", "z", "Q", "1", "9", "_", "-", " ", "\t", ".", "!", "é", "É", "ǅ", "中", "☃", "\u00a0", "\u3000", "\ufffd", "٣", "ß", "ﬀ", "Σ", "σ"];
const DURATION_PARTS = ["1", "0", "9", "5", ".", "h", "m", "s", "ms", "us", "µs", "ns", "-", "+", "x"];

/** fast-check texts through the word functions, and duration-like texts through the parsers (ParseDuration,
 *  ParseInt base 8, hex, cast's ToInt). */
export function esoForkGeneratedCases(runs: number, seed: number): Case[] {
  const cases: Case[] = [];
  const words = fc.sample(fc.array(fc.constantFrom(...WORD_RUNES), { maxLength: 12 }).map((a) => a.join("")), { numRuns: runs, seed });
  for (const s of words) for (const f of ["snakecase", "kebabcase", "camelcase", "swapcase", "wrap 3", 'wrapWith 2 "|"']) cases.push(t(f, `{{ ${f} .s | b64enc }}`, { s }));
  const durations = fc.sample(fc.array(fc.constantFrom(...DURATION_PARTS), { maxLength: 8 }).map((a) => a.join("")), { numRuns: runs, seed });
  for (const s of durations) {
    for (const f of ["durationRound", "toDecimal", "hexdec", "int"]) cases.push(t(f, `{{ ${f} .s }}`, { s }));
    cases.push(t("mustDateModify", `{{ mustDateModify .s ${DAY} | date "2006-01-02T15:04:05.000" }}`, { s }));
  }
  return cases;
}
