// Functions ESO 2.9 has beyond Sprig v3.3.0's defaults we served before: its fork's hexdec and three-argument
// htpasswd, the must forms, camelcase, snakecase, kebabcase, swapcase, wrap, wrapWith, typeIsLike, toDecimal, dateModify and durationRound (known answers taken from Go;
// test/differential/cases-eso-fork.ts checks the same against Go itself).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";
import { parseGoDuration } from "../../../src/template/go-duration.ts";

const render = (template: string, values: Record<string, string> = {}) =>
  renderString("t", template, stringData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]))));
const DAY = '(toDate "2006-01-02" "2024-02-28")';

describe("ESO 2.9 functions (known answers)", () => {
  const table: { name: string; given: string; want: string | RegExp }[] = [
    { name: "hexdec", given: '{{ hexdec "68656c6C6F" }}', want: "hello" },
    { name: "hexdec bad byte", given: '{{ hexdec "6g" }}', want: "encoding/hex: invalid byte: U+0067 'g'" },
    { name: "hexdec unprintable byte", given: '{{ hexdec "\\u00a0" }}', want: "encoding/hex: invalid byte: U+00C2 'Â'" },
    { name: "hexdec odd length", given: '{{ hexdec "abc" }}|{{ hexdec "abz" }}', want: "encoding/hex: odd length hex string|encoding/hex: invalid byte: U+007A 'z'" },
    { name: "htpasswd sha", given: '{{ htpasswd "admin" "secret" "sha" }}', want: "admin:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=" },
    { name: "htpasswd needs its third argument", given: '{{ htpasswd "u" "p" }}', want: /wrong number of args for htpasswd: want 3 got 2/ },
    { name: "htpasswd algorithm is a literal", given: '{{ htpasswd "u" "p" (print "sha") }}', want: /wrong type for value; expected sprig.HashAlgorithm; got string/ },
    { name: "getHostByName is not served", given: '{{ getHostByName "x" }}', want: /function "getHostByName" not defined/ },
    { name: "must lists", given: "{{ mustAppend (list 1) 2 }} {{ mustFirst (list 3 4) }} {{ mustUniq (list 1 1 2) }} {{ mustChunk 2 (list 1 2 3) }}", want: "[1 2] 3 [1 2] [[1 2] [3]]" },
    { name: "must lists fail as the plain ones", given: "{{ mustFirst 3 }}", want: /error calling mustFirst: Cannot find first on type int/ },
    { name: "mustMerge", given: '{{ mustMerge (dict "a" 1) (dict "a" 2 "b" 3) | toJson }}', want: '{"a":1,"b":3}' },
    { name: "mustDeepCopy nil", given: "{{ mustDeepCopy nil }}", want: /reflect: call of reflect.Value.Type on zero Value/ },
    { name: "typeIsLike", given: '{{ typeIsLike "string" "a" }} {{ typeIsLike "int64" 1 }}', want: "true false" },
    { name: "toDecimal", given: '{{ toDecimal "777" }} {{ toDecimal "8" }} {{ toDecimal 17 }} {{ toDecimal "-10" }}', want: "511 0 15 -8" },
    { name: "dateModify", given: `{{ dateModify "90m" ${DAY} | date "2006-01-02 15:04" }} {{ dateModify "bad" ${DAY} | date "2006-01-02" }}`, want: "2024-02-28 01:30 2024-02-28" },
    { name: "mustDateModify", given: `{{ mustDateModify "1d" ${DAY} }}`, want: /time: unknown unit "d" in duration "1d"/ },
    { name: "camelcase", given: '{{ camelcase "hello_big-world" }} {{ camelcase "HTTPServer_URL" }} {{ camelcase "__a__b__" }}', want: "HelloBigWorld HttpserverUrl __A_B__" },
    { name: "snakecase", given: '{{ snakecase "someHTTPServer2Go" }} {{ snakecase "hello world--foo" }} {{ snakecase "v1.2.3-rc" }}', want: "some_http_server2_go hello_world__foo v1.2.3_rc" },
    { name: "kebabcase", given: '{{ kebabcase "HTTPServerURL" }} {{ kebabcase "snake_case here" }}', want: "http-server-url snake-case-here" },
    { name: "swapcase", given: '{{ swapcase "Hello World" }} {{ swapcase "hello wORLD" }}', want: "hELLO wORLD HELLO World" },
    { name: "wrap", given: '{{ wrap 10 "the quick brown fox jumps" }}|{{ wrap 3 "abcdefgh ij" }}', want: "the quick\nbrown fox\njumps|abcdefgh\nij" },
    { name: "wrapWith", given: '{{ wrapWith 5 "<br>" "Hello World" }}|{{ wrapWith 3 "-" "abcdefgh" }}', want: "Hello<br>World|abc-def-gh" },
    { name: "wrapWith cannot outgrow the cap (Go would make 1.2 MB)", given: '{{ wrapWith 1 (repeat 2000 "x") (repeat 600 "a") }}', want: /template budget exhausted: value larger than 1048576 bytes/ },
    { name: "durationRound", given: '{{ durationRound "2h30m" }} {{ durationRound "-3h" }} {{ durationRound "1h" }} {{ durationRound (int64 90000000000) }} {{ durationRound 9 }}', want: "2h 3h 60m 1m 0s" },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      if (typeof want === "string") assert.equal(render(given), want);
      else assert.throws(() => render(given), want);
    });
  }
});

describe("parseGoDuration (time.ParseDuration)", () => {
  const table: { given: string; want: bigint | string }[] = [
    { given: "1h30m", want: 5_400_000_000_000n },
    { given: "-1.5s", want: -1_500_000_000n },
    { given: ".5ms", want: 500_000n },
    { given: "0", want: 0n },
    { given: "-9223372036854775808ns", want: -(2n ** 63n) },
    { given: "9223372036854775808ns", want: 'time: invalid duration "9223372036854775808ns"' },
    { given: "", want: 'time: invalid duration ""' },
    { given: "1", want: 'time: missing unit in duration "1"' },
    { given: "1x", want: 'time: unknown unit "x" in duration "1x"' },
    { given: "1h.", want: 'time: invalid duration "1h."' },
  ];
  for (const { given, want } of table) {
    it(JSON.stringify(given), () => assert.deepEqual(parseGoDuration(given), typeof want === "bigint" ? { ns: want } : { error: want }));
  }
});
