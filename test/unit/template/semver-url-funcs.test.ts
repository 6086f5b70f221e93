// Sprig's semverCompare (and, below, urlParse/urlJoin): known answers taken from Go;
// test/differential/cases-semver-url.ts checks the same and much more against Go itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";
import { knownAnswers as answers, type Row } from "./known-answers.ts";

const render = (template: string) => renderString("t", template, stringData({}));

describe("semverCompare (Masterminds/semver v3.4.0)", () => {
  const table: Row[] = [
    { name: "caret", given: '{{ semverCompare "^1.2.3" "1.9.0" }} {{ semverCompare "^1.2.3" "2.0.0" }} {{ semverCompare "^0.2.3" "0.3.0" }} {{ semverCompare "^0.0.3" "0.0.3" }}', want: "true false false true" },
    { name: "tilde", given: '{{ semverCompare "~1.2.3" "1.2.9" }} {{ semverCompare "~1.2.3" "1.3.0" }} {{ semverCompare "~1" "1.9.9" }}', want: "true false true" },
    { name: "x-ranges", given: '{{ semverCompare "1.2.x" "1.2.7" }} {{ semverCompare "1.x" "2.0.0" }} {{ semverCompare "*" "9.9.9" }}', want: "true false true" },
    { name: "AND and OR", given: '{{ semverCompare ">=1.0, <2.0" "1.5.0" }} {{ semverCompare ">=1.0 <2.0" "2.0.0" }} {{ semverCompare "<1 || >=3" "3.1.0" }}', want: "true false true" },
    { name: "hyphen range", given: '{{ semverCompare "1.2 - 2" "2.0.5" }} {{ semverCompare "1.2 - 2" "3.0.0" }}', want: "true false" },
    { name: "prereleases only match a group naming one", given: '{{ semverCompare ">=1.0.0" "1.3.0-rc.1" }} {{ semverCompare ">=1.3.0-rc.0" "1.3.0-rc.1" }} {{ semverCompare ">1.0.0-alpha" "1.0.0-beta" }}', want: "false true true" },
    { name: "coerced versions", given: '{{ semverCompare "=1.2.0" "v1.2" }} {{ semverCompare "1.2.3" "01.02.03" }} {{ semverCompare "1.2.3" "1.2.3+build" }}', want: "true true true" },
    { name: "improper constraint", given: '{{ semverCompare "junk" "1.0.0" }}', want: /error calling semverCompare: improper constraint: junk$/ },
    { name: "constraint parser error", given: '{{ semverCompare "1|2.3.4" "1.0.0" }}', want: /error calling semverCompare: constraint parser error$/ },
    { name: "chained hyphens as Go rewrites them", given: '{{ semverCompare "1 - 2 - 3 || 2 - 3" "2.5.0" }}', want: /improper constraint: >= 1, <=>= 2, <= 3  $/ },
    { name: "invalid version", given: '{{ semverCompare "*" "x.y" }}', want: /error calling semverCompare: invalid semantic version$/ },
    { name: "version out of range", given: '{{ semverCompare "*" "18446744073709551616" }}', want: /error parsing version segment: strconv.ParseUint: parsing "18446744073709551616": value out of range$/ },
    { name: "prerelease leading zero", given: '{{ semverCompare "*" "1.0.0-01" }}', want: /version segment starts with 0$/ },
  ];
  answers(table, render);
});

describe("urlParse and urlJoin (Go's net/url)", () => {
  const table: Row[] = [
    {
      name: "urlParse fields",
      given: '{{ urlParse "https://u:p%40s@db.example:5432/a%2Fb/c?x=1#f%20g" | toJson }}',
      want: '{"fragment":"f g","host":"db.example:5432","hostname":"db.example","opaque":"","path":"/a/b/c","query":"x=1","scheme":"https","userinfo":"u:p%40s"}',
    },
    { name: "urlParse opaque", given: '{{ $u := urlParse "mailto:a@b?s=1" }}{{ $u.scheme }}|{{ $u.opaque }}|{{ $u.query }}', want: "mailto|a@b|s=1" },
    { name: "urlParse IPv6 host", given: '{{ (urlParse "http://[fe80::1%25en0]:8080/").hostname }}', want: "fe80::1%en0" },
    { name: "urlJoin", given: '{{ urlJoin (dict "scheme" "https" "host" "h" "path" "/a b" "query" "x=1" "fragment" "f" "userinfo" "u:p") }}', want: "https://u:p@h/a%20b?x=1#f" },
    { name: "urlJoin guards a colon in a relative path", given: '{{ urlJoin (dict "path" "a:b/c") }}', want: "./a:b/c" },
    { name: "round trip keeps the raw path escape only where it decodes the same", given: '{{ urlParse "http://h/a%2Fb" | urlJoin }}', want: "http://h/a/b" },
    { name: "urlParse error", given: '{{ urlParse "http://[::1x]/" }}', want: /error calling urlParse: unable to parse url: parse "http:\/\/\[::1x\]\/": invalid host: ParseAddr\("::1x"\): unexpected character, want colon \(at "x"\)$/ },
    { name: "urlParse bad escape", given: '{{ urlParse "http://h/%zz" }}', want: /invalid URL escape "%zz"$/ },
    { name: "urlJoin non-string value", given: '{{ urlJoin (dict "host" 1) }}', want: /unable to parse host key, must be of type string, but int found$/ },
    { name: "urlJoin bad userinfo", given: '{{ urlJoin (dict "userinfo" "a b") }}', want: /unable to parse userinfo in dict: parse "proto:\/\/a b@host": net\/url: invalid userinfo$/ },
  ];
  answers(table, render);
});

describe("derivePassword (Master Password, as Sprig)", () => {
  const table: Row[] = [
    { name: "long", given: '{{ derivePassword 1 "long" "password" "user" "example.com" }}', want: "ZedaFaxcZaso9*" },
    { name: "maximum over non-ASCII bytes", given: '{{ derivePassword 2 "maximum" "pässwörd" "üser" "example.com" }}', want: "RAek4HqJ!p^NYoYK*n4_" },
    { name: "pin, the counter kept to 32 bits", given: '{{ derivePassword 7 "pin" "p" "u" "s" }}|{{ derivePassword 4294967297 "pin" "p" "u" "s" }}', want: "4802|2461" },
    { name: "unknown type is a result, not an error", given: '{{ derivePassword 1 "constructor" "p" "u" "s" }}', want: "cannot find password template constructor" },
    { name: "negative counter", given: '{{ derivePassword -1 "pin" "p" "u" "s" }}', want: /expected unsigned integer; found -1$/ },
    { name: "counter from a value", given: '{{ $c := 1 }}{{ derivePassword $c "pin" "p" "u" "s" }}', want: /wrong type for value; expected uint32; got int$/ },
    { name: "scrypt is charged: six calls exceed the step budget", given: '{{ range until 6 }}{{ derivePassword 1 "pin" "p" "u" "s" }}{{ end }}', want: /template budget exhausted: more than 10000000 steps/ },
  ];
  answers(table, render);
});

describe("budget", () => {
  const renderWith = (template: string, values: Record<string, string>) =>
    renderString("t", template, stringData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "latin1"))]))));
  it("urlParse keeps a long path whose escaped form (never kept) would pass the size cap", () => {
    assert.equal(renderWith("{{ (urlParse .u).path | len }}", { u: "http://h/" + " ".repeat(900_000) }), "900001");
  });
  it("semverCompare charges its regexp passes: a 900 KB constraint fails at once", () => {
    assert.throws(() => renderWith('{{ semverCompare .c "1.0.0" }}', { c: "1||".repeat(300_000) }), /template budget exhausted: more than 10000000 steps/);
  });
});
