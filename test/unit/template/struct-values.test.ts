// Go struct values in the engine (Sprig's certificate, semver's *semver.Version): fields and methods reached
// with .Name, Go's error texts for what a struct does not have, printing as fmt does, typeOf/kindOf, eq,
// JSON. test/differential/cases-structs.ts checks the same against Go itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";
import { knownAnswers as answers, type Row } from "./known-answers.ts";

const render = (template: string, data: Record<string, string> = {}) =>
  renderString("t", template, stringData(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)]))));

const knownAnswers = (table: Row[]) => answers(table, (template) => render(template));

describe("semver (Masterminds/semver v3.4.0's *Version)", () => {
  knownAnswers([
    { name: "parts through methods", given: '{{ $v := semver "v1.2.3-beta.1+build.5" }}{{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ $v.String }}', want: "1.2.3 beta.1 build.5 v1.2.3-beta.1+build.5 1.2.3-beta.1+build.5" },
    { name: "a parenthesised call reaches a method", given: '{{ (semver "4.5").Minor }}', want: "5" },
    { name: "prints as its String", given: '{{ semver "v01.2" }} {{ print (semver "1") }} {{ list (semver "2") }}', want: "1.2.0 1.0.0 [2.0.0]" },
    { name: "methods with an argument", given: '{{ $v := semver "1.2.3" }}{{ $w := semver "1.10.0" }}{{ $v.LessThan $w }} {{ $v.GreaterThan $w }} {{ $v.Compare $w }} {{ $w.Compare $v }} {{ $v.Equal (semver "1.2.3+x") }} {{ $v.LessThanEqual $v }} {{ $v.GreaterThanEqual $w }}', want: "true false -1 1 true true false" },
    { name: "Inc methods drop a prerelease first", given: '{{ $v := semver "v1.2.3-rc.1" }}{{ $v.IncPatch }} {{ $v.IncMinor }} {{ $v.IncMajor }} {{ (semver "1.2.3").IncPatch }}', want: "1.2.3 1.3.0 2.0.0 1.2.4" },
    { name: "Set methods", given: '{{ $v := semver "1.2.3" }}{{ $v.SetPrerelease "alpha.1" }} {{ ($v.SetMetadata "sha.1").Metadata }}', want: "1.2.3-alpha.1 sha.1" },
    { name: "Set methods validate", given: '{{ (semver "1.2.3").SetPrerelease "01" }}', want: /error calling SetPrerelease: version segment starts with 0$/ },
    { name: "a returned Version is a value: no pointer methods", given: '{{ (semver "1.0.0").IncPatch.Original }}', want: /can't evaluate field Original in type semver.Version$/ },
    { name: "a value where a pointer is wanted", given: '{{ $v := semver "1.0.0" }}{{ $v.LessThan $v.IncPatch }}', want: /wrong type for value; expected \*semver.Version; got semver.Version$/ },
    { name: "a string where a pointer is wanted", given: '{{ (semver "1.0.0").LessThan "2" }}', want: /can't handle "2" for arg of type \*semver.Version$/ },
    { name: "nil is a nil pointer", given: '{{ (semver "1.0.0").Equal nil }}', want: "false" },
    { name: "nil dereferenced", given: '{{ (semver "1.0.0").LessThan nil }}', want: /error calling LessThan: runtime error: invalid memory address or nil pointer dereference$/ },
    { name: "unexported fields", given: '{{ (semver "1.0.0").major }}', want: /major is an unexported field of struct type \*semver.Version$/ },
    { name: "no such field", given: '{{ (semver "1.0.0").Foo }}', want: /can't evaluate field Foo in type \*semver.Version$/ },
    { name: "wrong argument count", given: '{{ (semver "1.0.0").Major 1 }}', want: /wrong number of args for Major: want 0 got 1$/ },
    { name: "parse error", given: '{{ semver "one" }}', want: /error calling semver: invalid semantic version$/ },
    { name: "types and kinds", given: '{{ $v := semver "1" }}{{ typeOf $v }} {{ kindOf $v }} {{ typeOf $v.IncPatch }} {{ kindOf $v.IncPatch }} {{ typeOf $v.Major }} {{ kindIs "ptr" $v }} {{ typeIsLike "semver.Version" $v }}', want: "*semver.Version ptr semver.Version struct uint64 true true" },
    { name: "uint64 parts compare and compute as integers", given: '{{ $v := semver "2.3.4" }}{{ eq $v.Major 2 }} {{ lt $v.Minor 4 }} {{ add $v.Patch 1 }} {{ printf "%d %x %v" $v.Major $v.Minor $v.Patch }} {{ range $v.Major }}{{ . }}{{ end }}', want: "true true 5 2 3 4 01" },
    { name: "pointers compare by identity, values field by field", given: '{{ $v := semver "1.0.0" }}{{ eq $v $v }} {{ eq $v (semver "1.0.0") }} {{ eq $v.IncPatch $v.IncPatch }} {{ deepEqual $v (semver "1.0.0") }}', want: "true false true true" },
    { name: "fmt verbs", given: '{{ $v := semver "v1.2.3" }}{{ printf "%s|%q|%d|%#v|%T" $v $v $v $v $v }}', want: '1.2.3|"1.2.3"|&{1 2 3 %!d(string=) %!d(string=) %!d(string=v1.2.3)}|&semver.Version{major:0x1, minor:0x2, patch:0x3, pre:"", metadata:"", original:"v1.2.3"}|*semver.Version' },
    { name: "JSON through MarshalJSON", given: '{{ toJson (list (semver "1.2")) }} {{ toYaml (dict "v" (semver "3")) }}', want: '["1.2.0"] v: 3.0.0' },
    { name: "truthy, not empty", given: '{{ if semver "0.0.0" }}t{{ end }} {{ empty (semver "0.0.0") }} {{ with semver "5" }}{{ .Major }}{{ end }}', want: "t false 5" },
    { name: "methods this engine leaves out say so", given: '{{ (semver "1.0.0").MarshalJSON }}', want: /semver.Version.MarshalJSON is not supported by this engine$/ },
    { name: "len of a struct", given: '{{ len (semver "1") }}', want: /error calling len: len of type semver.Version$/ },
    { name: "ordering a struct", given: '{{ lt (semver "1") (semver "2") }}', want: /error calling lt: invalid type for comparison$/ },
    { name: "a struct against a string", given: '{{ eq (semver "1") "1.0.0" }}', want: /error calling eq: incompatible types for comparison$/ },
  ]);
  it("parses a version from the data", () => assert.equal(render("{{ (semver .v).Minor }} {{ (semver .v).Prerelease }}", { v: "v1.21.3-gke.1100" }), "21 gke.1100"));
});

describe("sprig.certificate", () => {
  knownAnswers([
    { name: "exported fields", given: '{{ $c := genCA "x" 1 }}{{ $c.Cert | hasPrefix "-----BEGIN CERTIFICATE-----\\n" }} {{ $c.Key | hasPrefix "-----BEGIN RSA PRIVATE KEY-----\\n" }}', want: "true true" },
    { name: "missing field, as Go says it", given: '{{ (genCA "x" 1).Certificate }}', want: /can't evaluate field Certificate in type sprig.certificate$/ },
    { name: "a field is not a function", given: '{{ (genCA "x" 1).Cert "y" }}', want: /Cert has arguments but cannot be invoked as function$/ },
    { name: "types and kinds", given: '{{ $c := genCA "x" 1 }}{{ typeOf $c }} {{ kindOf $c }} {{ kindIs "struct" $c }}', want: "sprig.certificate struct true" },
    { name: "prints field by field", given: '{{ $c := genCA "x" 1 }}{{ eq (print $c) (printf "{%s %s}" $c.Cert $c.Key) }} {{ eq (printf "%+v" $c) (printf "{Cert:%s Key:%s}" $c.Cert $c.Key) }} {{ eq (printf "%#v" $c) (printf "sprig.certificate{Cert:%q, Key:%q}" $c.Cert $c.Key) }}', want: "true true true" },
    { name: "JSON of the exported fields in order", given: '{{ $c := genCA "x" 1 }}{{ eq (toJson $c) (printf "{\\"Cert\\":%s,\\"Key\\":%s}" (toJson $c.Cert) (toJson $c.Key)) }}', want: "true" },
    { name: "struct values compare field by field", given: '{{ $c := genCA "x" 1 }}{{ eq $c $c }} {{ eq $c (genCA "x" 1) }} {{ ne $c (genCA "x" 1) }}', want: "true false true" },
    { name: "a map is not a certificate", given: '{{ genSignedCert "a" nil nil 1 (dict "Cert" "x" "Key" "y") }}', want: /wrong type for value; expected sprig.certificate; got map\[string\]interface \{\}$/ },
    { name: "nil is not a certificate", given: '{{ genSignedCert "a" nil nil 1 nil }}', want: /cannot assign nil to sprig.certificate$/ },
    { name: "a []string is not a []interface {}", given: '{{ genSelfSignedCert "a" (splitList "," "1.2.3.4") nil 1 }}', want: /wrong type for value; expected \[\]interface \{\}; got \[\]string$/ },
    { name: "a constant is not a list", given: '{{ genSelfSignedCert "a" "1.2.3.4" nil 1 }}', want: /can't handle "1.2.3.4" for arg of type \[\]interface \{\}$/ },
  ]);
});
