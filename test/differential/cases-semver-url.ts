// Differential cases against Go itself for Sprig's semverCompare (Masterminds/semver v3 constraints: ranges, ^, ~,
// ~>, x-ranges, || and comma/space AND, the prerelease rule, the library's error texts), urlParse/urlJoin (net/url)
// and derivePassword (its uint32 counter's argument rules included).
import fc from "fast-check";
import type { Case } from "./go-render.ts";

const t = (name: string, template: string, data: Record<string, string> = {}): Case => ({ name, template, data });

/** Every constraint against every version, one line per constraint. */
const grid = (constraints: string[], versions: string[]): string =>
  `{{ range $c := list ${constraints.map((c) => JSON.stringify(c)).join(" ")} }}{{ $c }}:{{ range $v := list ${versions
    .map((v) => JSON.stringify(v))
    .join(" ")} }} {{ semverCompare $c $v }}{{ end }}\n{{ end }}`;

const VERSIONS = ["0.0.0", "0.0.3", "0.0.4", "0.1.0", "0.2.3", "0.3.0", "1.0.0", "1.2.0", "1.2.3", "1.2.4-beta.1", "1.3.0", "1.3.0-rc.1", "2.0.0", "2.0.0-alpha", "v2.1", "3", "10.0.0", "1.2.3+build.5", "01.02.03"];

export const semverCases: Case[] = [
  t("semverCompare operators", grid(["1.2.3", "=1.2.3", "!=1.2.3", ">1.2.3", "<1.2.3", ">=1.2.3", "=>1.2.3", "<=1.2.3", "=<1.2.3", "v1.2.3", "1.2.3+meta"], VERSIONS)),
  t("semverCompare caret", grid(["^1.2.3", "^1.2", "^1", "^0.2.3", "^0.2", "^0.0.3", "^0.0", "^0", "^*", "^1.x", "^0.x", "^0.0.x", "^1.2.4-alpha"], VERSIONS)),
  t("semverCompare tilde", grid(["~1.2.3", "~>1.2.3", "~1.2", "~1", "~2.x", "~1.2.x", "~*", "~0.0.0", "~0", "~>0.2", "~1.3.0-rc.0"], VERSIONS)),
  t("semverCompare x-ranges", grid(["*", "x", "X", "1.x", "1.2.x", "1.*", "1.X.x", "!=1.x", "!=1.2.x", ">1.x", ">1.2.x", "<=1.x", "<=1.2.x", "<1.x", ">=2.x", "2", "1.2"], VERSIONS)),
  t("semverCompare AND and OR", grid([">=1.0, <2.0", ">=1.0 <2.0", ">= 1.0 , < 2.0", ">1.2.3,<=2", "<1 || >=3", "^1.2 || ^0.2", "1.2.3 || 2.x || 10", ">=1.2.4-beta.0 <1.3", "<2.0.0-0"], VERSIONS)),
  t("semverCompare hyphen ranges", grid(["1.2 - 2", "1.2.3 - 1.3.0", "1 - 2 || 3", "0.0.3 - 0.1", "1.x - 2.x", "1.2.3 - 2.0.0-alpha", " 1 - 2 ", "1 -  2,3 - 4"], VERSIONS)),
  t("semverCompare chained hyphens", '{{ semverCompare "1 - 2 - 3" "1.5.0" }}'),
  t("semverCompare rewritten range replaced in an earlier rewrite", '{{ semverCompare "1 - 2 - 3 || 2 - 3" "2.5.0" }}'),
  t("semverCompare prereleases", grid([">1.0.0-alpha", ">=1.3.0-rc.0", "<1.3.0-rc.2", "1.3.0-rc.1", "!=1.3.0-rc.1", "~1.2.4-beta", ">=2.0.0-alpha <2.1", "^1.2.4-beta.0"], ["1.2.4-beta.1", "1.2.4-beta.10", "1.2.4-beta.2", "1.3.0-rc.1", "1.3.0-rc.1+x", "1.3.0-RC.1", "2.0.0-alpha", "2.0.0-alpha.1", "2.0.0-beta", "2.0.0-1", "2.0.0-a-b", "1.3.0", "2.0.0"])),
  t("semverCompare data", '{{ semverCompare .c .v }}|{{ .v | semverCompare .c }}', { c: ">= 1.19.0-0", v: "v1.21.3-gke.1100" }),
  t("semverCompare improper constraint", '{{ semverCompare "junk" "1.0.0" }}'),
  t("semverCompare empty constraint", '{{ semverCompare "" "1.0.0" }}'),
  t("semverCompare empty OR branch", '{{ semverCompare "1 ||" "1.0.0" }}'),
  t("semverCompare improper second clause", '{{ semverCompare ">=1, foo" "1.0.0" }}'),
  t("semverCompare constraint parser error", '{{ semverCompare "1|2.3.4" "1.0.0" }}'),
  t("semverCompare constraint with a leading zero pre", '{{ semverCompare ">=1.0.0-01" "1.0.0" }}'),
  t("semverCompare invalid version", '{{ semverCompare "*" "x.y" }}'),
  t("semverCompare empty version", '{{ semverCompare "*" "" }}'),
  t("semverCompare version out of range", '{{ semverCompare "*" "18446744073709551616.0.0" }}'),
  t("semverCompare version at uint64 max", '{{ semverCompare ">=18446744073709551615" "18446744073709551615.0.0" }}'),
  t("semverCompare version minor out of range", '{{ semverCompare "*" "1.99999999999999999999" }}'),
  t("semverCompare prerelease with leading zero", '{{ semverCompare "*" "1.0.0-01" }}'),
  t("semverCompare prerelease empty part", '{{ semverCompare "*" "1.0.0-a..b" }}'),
  t("semverCompare metadata empty part", '{{ semverCompare "*" "1.0.0+a..b" }}'),
  t("semverCompare trailing junk", '{{ semverCompare "*" "1.0.0 " }}|{{ semverCompare "*" " 1.0.0" }}'),
  t("semverCompare numeric prerelease beyond uint64", '{{ semverCompare ">1.0.0-18446744073709551616" "1.0.0-18446744073709551617" }}|{{ semverCompare ">1.0.0-99999999999999999999" "1.0.0-a" }}'),
  t("semverCompare wrong type", '{{ semverCompare 1 "1.0.0" }}'),
  t("semverCompare non-ASCII constraint", '{{ semverCompare "≥1.0" "1.0.0" }}'),
];

const URLS = [
  "https://user:p%40ss@example.com:8443/a/b%2Fc/d e?x=1&y=%20#frag%20ment",
  "http://example.com",
  "HTTP://Example.COM/",
  "mailto:someone@example.com?subject=hi",
  "urn:isbn:0451450523",
  "/relative/path?q#f",
  "relative/path",
  "//host.only:80/p",
  "///triple",
  "file:///etc/passwd",
  "scheme:/abs",
  "http://[fe80::1%25en0]:8080/x",
  "http://[::1]/",
  "http://[2001:db8::192.0.2.1]",
  "http://a:b@c@d/",
  "http://user@host",
  "http://:@host",
  "http://h/?",
  "http://h/?a?",
  "*",
  "",
  "?only=query",
  "#only-fragment",
  "http://host:/",
  "postgres://h1:5432,h2:5433/db",
  "http://h/%e2%82%ac/caf\u00e9#%7a%25",
  "http://h/a%2Fb%3F?q=%zz#x%2fy",
  "http://[fe80::1%25en%200]/",
  "http://h:/",
  "http://h:8080:9090/",
  "http://h/a#b#c",
  "a:b",
  "http://xn--nxasmq6b.com/\u00fc",
  "http://h/p;a=1/./../q",
  "ftp://h/a%2fb?%2f#%2f",
];

export const urlCases: Case[] = [
  t("urlParse fields", `{{ range $u := list ${URLS.map((u) => JSON.stringify(u)).join(" ")} }}{{ $p := urlParse $u }}{{ $u }} => {{ range $k, $v := $p }}{{ $k }}={{ $v }};{{ end }}\n{{ end }}`),
  t("urlParse then urlJoin", `{{ range $u := list ${URLS.map((u) => JSON.stringify(u)).join(" ")} }}{{ $u }} => {{ urlParse $u | urlJoin }}\n{{ end }}`),
  t("urlParse toJson", '{{ urlParse .u | toJson }}', { u: "https://admin:s3cr%C3%A9t@db.internal:5432/app?sslmode=require" }),
  t("urlJoin from a dict", '{{ urlJoin (dict "scheme" "https" "host" "example.com" "path" "/a b/ü" "query" "x=1" "fragment" "f g") }}|{{ urlJoin (dict "host" "h" "path" "rel") }}|{{ urlJoin (dict "path" "a:b/c") }}|{{ urlJoin (dict "scheme" "mailto" "opaque" "x@y" "path" "ignored") }}|{{ urlJoin (dict) }}|{{ urlJoin (dict "scheme" "http" "path" "/p") }}|{{ urlJoin (dict "host" "héllo wörld:80") }}|{{ urlJoin (dict "path" "*") }}|{{ urlJoin (dict "fragment" "#%") }}'),
  t("urlJoin userinfo", '{{ urlJoin (dict "scheme" "https" "host" "h" "userinfo" "u:p") }}|{{ urlJoin (dict "host" "h" "userinfo" "us%20er") }}|{{ urlJoin (dict "host" "h" "userinfo" "a@b:c@d") }}|{{ urlJoin (dict "host" "h" "userinfo" "a/b") }}|{{ urlJoin (dict "host" "h" "userinfo" ":") }}|{{ urlJoin (dict "userinfo" "u") }}'),
  t("urlJoin userinfo that does not parse", '{{ urlJoin (dict "host" "h" "userinfo" "a b") }}'),
  t("urlJoin userinfo with a bad escape", '{{ urlJoin (dict "host" "h" "userinfo" "a%zz") }}'),
  t("urlJoin non-string value", '{{ urlJoin (dict "host" 1) }}'),
  t("urlJoin list value", '{{ urlJoin (dict "path" (list "a")) }}'),
  t("urlJoin nil value", '{{ urlJoin (dict "path" nil) }}'),
  t("urlJoin nil map", "{{ urlJoin nil }}"),
  t("urlJoin string map", "{{ urlJoin . }}", { host: "h" }),
  t("urlParse control character", '{{ urlParse "http://h/\\n" }}'),
  t("urlParse missing scheme", '{{ urlParse ":foo" }}'),
  t("urlParse colon in first segment", '{{ urlParse "a:b/c" }}|{{ urlParse "1a:b" }}'),
  t("urlParse bad escape", '{{ urlParse "http://h/%zz" }}'),
  t("urlParse bad escape at the end", '{{ urlParse "http://h/%a" }}'),
  t("urlParse bad fragment escape", '{{ urlParse "http://h/#%g1" }}'),
  t("urlParse bad host character", '{{ urlParse "http://ho st/" }}'),
  t("urlParse host escape below 0x80", '{{ urlParse "http://h%41/" }}'),
  t("urlParse host escape of a non-ASCII byte", '{{ (urlParse "http://h%C3%A9/").host }}'),
  t("urlParse bad port", '{{ urlParse "http://h:8a/" }}'),
  t("urlParse invalid IP-literal", '{{ urlParse "http://a[::1]/" }}'),
  t("urlParse missing bracket", '{{ urlParse "http://[::1/" }}'),
  t("urlParse IPv4 in brackets", '{{ urlParse "http://[1.2.3.4]/" }}'),
  t("urlParse bad IPv6", '{{ urlParse "http://[1:2:3]/" }}'),
  t("urlParse IPv6 trailing garbage", '{{ urlParse "http://[::1x]/" }}'),
  t("urlParse IPv6 too many digits", '{{ urlParse "http://[12345::]/" }}'),
  t("urlParse IPv6 double ellipsis", '{{ urlParse "http://[1::2::3]/" }}'),
  t("urlParse IPv6 empty zone", '{{ urlParse "http://[fe80::1%25]/" }}'),
  t("urlParse IPv6 bad zone escape", '{{ urlParse "http://[fe80::1%25%0a]/" }}'),
  t("urlParse no address", '{{ urlParse "http://[zz]/" }}'),
  t("urlParse zone without an address", '{{ urlParse "http://[%25x]/" }}'),
  t("urlParse IPv4 in the zone", '{{ urlParse "http://[1.2.3.4%25x]/" }}'),
  t("urlParse IPv6 field too large", '{{ urlParse "http://[fffff::]/" }}|{{ urlParse "http://[::g]/" }}'),
  t("urlParse IPv6 colon at the end", '{{ urlParse "http://[1:]/" }}'),
  t("urlParse IPv6 ellipsis expands to nothing", '{{ urlParse "http://[1:2:3:4::5:6:7:8]/" }}'),
  t("urlParse IPv6 misplaced IPv4", '{{ urlParse "http://[1:2:1.2.3.4]/" }}'),
  t("urlParse bad embedded IPv4", '{{ urlParse "http://[::1.2.3.04]/" }}'),
  t("urlParse bad port after bracket", '{{ urlParse "http://[::1]x/" }}'),
  t("urlParse invalid userinfo", '{{ urlParse "http://a b@h/" }}'),
  t("urlParse bad userinfo escape", '{{ urlParse "http://a%zz@h/" }}'),
  t("urlParse non-ASCII text", '{{ urlParse "http://h/\\xff" | toJson }}'),
  t("urlParse wrong type", "{{ urlParse 1 }}"),
];

// derivePassword: scrypt is slow (~170 ms a call), so few calls, each covering a template type.
export const derivePasswordCases: Case[] = [
  t("derivePassword types", '{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 2 "maximum" "pässwörd" "üser" "example.com" }}|{{ derivePassword 3 "medium" "" "" "" }}'),
  t("derivePassword more types", '{{ derivePassword 0 "short" "p" "u" "s" }}|{{ derivePassword 4294967295 "basic" "p" "u" "s" }}|{{ derivePassword 7 "pin" "p" "u" "s" }}'),
  t("derivePassword counter is kept to 32 bits", '{{ derivePassword 4294967297 "pin" "p" "u" "s" }}|{{ derivePassword 1.0 "pin" "p" "u" "s" }}|{{ derivePassword \'a\' "pin" "p" "u" "s" }}'),
  t("derivePassword from data", "{{ derivePassword 1 .t .p .u .s }}", { t: "long", p: "master", u: "alice", s: "db.internal" }),
  t("derivePassword unknown type", '{{ derivePassword 1 "nope" "p" "u" "s" }}|{{ derivePassword 1 "constructor" "p" "u" "s" }}'),
  t("derivePassword negative counter", '{{ derivePassword -1 "pin" "p" "u" "s" }}'),
  t("derivePassword float counter", '{{ derivePassword 1.5 "pin" "p" "u" "s" }}'),
  t("derivePassword string counter", '{{ derivePassword "1" "pin" "p" "u" "s" }}'),
  t("derivePassword int value counter", '{{ derivePassword (add 1 0) "pin" "p" "u" "s" }}'),
  t("derivePassword variable counter", '{{ $c := 1 }}{{ derivePassword $c "pin" "p" "u" "s" }}'),
  t("derivePassword nil counter", '{{ derivePassword nil "pin" "p" "u" "s" }}'),
];

// Pieces of constraints, versions and URLs that reach the parsers' corners: operators, x-ranges, prerelease and
// metadata separators, leading zeros, hyphen ranges, || and commas; schemes, userinfo, brackets, ports, escapes,
// non-ASCII bytes and control characters.
const SEMVER_PARTS = ["0", "1", "2", "01", "10", ".", ".", "x", "*", "^", "~", "~>", ">", "<", "=", "!=", ">=", " ", ",", "||", " - ", "-", "+", "v", "a", "rc", "99999999999999999999"];
const URL_PARTS = ["http", "s", ":", "//", "/", "@", "u", "p", "%", "20", "2f", "zz", "[", "]", "::1", "%25", "eth0", "?", "#", "=", "&", ".", "..", "8080", "é", "\u00ff", " ", "\n", "a+b", "*", ";", ","];

/** fast-check texts through semverCompare (as constraint and as version) and urlParse/urlJoin. */
export function semverUrlGeneratedCases(runs: number, seed: number): Case[] {
  const cases: Case[] = [];
  const text = (parts: string[], maxLength: number) => fc.array(fc.constantFrom(...parts), { maxLength }).map((a) => a.join(""));
  for (const [c, v] of fc.sample(fc.tuple(text(SEMVER_PARTS, 8), text(SEMVER_PARTS, 5)), { numRuns: runs, seed })) {
    cases.push(t("semverCompare", "{{ semverCompare .c .v }}", { c, v }));
  }
  for (const u of fc.sample(text(URL_PARTS, 10), { numRuns: runs, seed })) {
    cases.push(t("urlParse", "{{ urlParse .u | toJson }}|{{ urlParse .u | urlJoin }}", { u }));
  }
  return cases;
}
