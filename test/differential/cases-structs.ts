// Differential cases against Go itself for the struct-valued Sprig functions: semver's *semver.Version (fields
// through methods, methods with arguments, printing under every verb, uint64 parts, errors), and Sprig's
// certificate functions where their output is deterministic: types and kinds, field errors, argument checks,
// error texts, the Key a given key comes back as (Sprig's pemBlockForKey), buildCustomCert. (go-render has no
// certificate parser, so certificate contents are checked by property in test/unit/template/cert-funcs.test.ts.) fast-check adds random versions through every field and method.
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import type { Case } from "./go-render.ts";

const t = (name: string, template: string, data: Record<string, string> = {}): Case => ({ name, template, data });

export const semverStructCases: Case[] = [
  t("semver parts", '{{ $v := semver "v1.2.3-beta.1+build.5" }}{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|{{ $v.Metadata }}|{{ $v.Original }}|{{ $v.String }}|{{ $v.Value }}|{{ $v }}'),
  t("semver coerced", '{{ semver "01.02" }} {{ (semver "v3").Original }} {{ semver "1.2.3+meta" }}'),
  t("semver types and kinds", '{{ $v := semver "1" }}{{ typeOf $v }} {{ kindOf $v }} {{ typeOf $v.IncPatch }} {{ kindOf $v.IncPatch }} {{ typeOf $v.Major }} {{ kindOf $v.Minor }} {{ typeIs "*semver.Version" $v }} {{ typeIsLike "semver.Version" $v }} {{ kindIs "ptr" $v }}'),
  t("semver comparisons", '{{ $v := semver "1.2.3" }}{{ $w := semver "1.10.0-rc.1" }}{{ $v.LessThan $w }} {{ $v.LessThanEqual $w }} {{ $v.GreaterThan $w }} {{ $v.GreaterThanEqual $w }} {{ $v.Equal $w }} {{ $v.Compare $w }} {{ $w.Compare $v }} {{ $v.Compare $v }} {{ $v.Equal (semver "1.2.3+x") }}'),
  t("semver Inc", '{{ range list "1.2.3" "v1.2.3-rc.1" "1.2.3+m" "v0.0.0-0+0" }}{{ $v := semver . }}{{ $v.IncPatch }}/{{ $v.IncMinor }}/{{ $v.IncMajor }}/{{ printf "%#v" $v.IncPatch }} {{ end }}'),
  t("semver Set", '{{ $v := semver "v1.2.3-a+b" }}{{ $v.SetPrerelease "" }} {{ $v.SetPrerelease "x.1" }} {{ $v.SetMetadata "" }} {{ ($v.SetMetadata "m-1.2").Metadata }} {{ printf "%#v" ($v.SetMetadata "z") }}'),
  t("semver SetPrerelease leading zero", '{{ (semver "1.2.3").SetPrerelease "01" }}'),
  t("semver SetPrerelease bad", '{{ (semver "1.2.3").SetPrerelease "a..b" }}'),
  t("semver SetMetadata bad", '{{ (semver "1.2.3").SetMetadata "é" }}'),
  t("semver printing verbs", '{{ $v := semver "v1.2.3-rc.1" }}{{ printf "%v|%s|%q|%x|%X|%d|%+v|%#v|%T|%10v|%-8s|" $v $v $v $v $v $v $v $v $v $v $v }}'),
  t("semver value printing verbs", '{{ $v := (semver "1.2.3").IncMinor }}{{ printf "%v|%s|%d|%+v|%#v|%T" $v $v $v $v $v $v }}'),
  t("semver in lists, maps, print", '{{ $v := semver "2.0" }}{{ list $v $v.IncMajor }} {{ dict "v" $v }} {{ print $v 1 $v }} {{ println $v }}{{ printf "%v" (list $v) }}'),
  t("semver JSON and YAML", '{{ $v := semver "2.0.1-x" }}{{ toJson $v }} {{ toJson (list $v $v.IncPatch) }} {{ toPrettyJson (dict "v" $v) }} {{ toYaml (dict "v" $v) }} {{ toRawJson $v }}'),
  t("semver toString and friends", '{{ $v := semver "2.0" }}{{ toString $v }} {{ cat $v "x" }} {{ join "," (list $v $v) }} {{ $v.String | upper }} {{ empty $v }} {{ default "d" $v }} {{ coalesce $v }}'),
  t("semver truth, with, range over parts", '{{ if semver "0.0.0" }}t{{ end }} {{ with semver "5.6" }}{{ .Minor }}{{ end }} {{ range (semver "3").Major }}{{ . }}{{ typeOf . }}{{ end }} {{ and (semver "1") "x" }}'),
  t("semver uint64 arithmetic and comparisons", '{{ $v := semver "2.3.4" }}{{ eq $v.Major 2 }} {{ ne $v.Minor 3 }} {{ lt $v.Patch 5 }} {{ gt $v.Patch 5 }} {{ add $v.Major 1 }} {{ mul $v.Minor $v.Patch }} {{ max $v.Major 9 }} {{ int64 $v.Major }} {{ float64 $v.Minor }} {{ printf "%d %x %o %b %c %q %U %5d %08b" $v.Major $v.Minor $v.Patch $v.Major 65 65 65 $v.Major $v.Patch }}'),
  t("semver uint64 at the top", '{{ $v := semver "18446744073709551615.0.0" }}{{ $v.Major }} {{ $v.IncMajor }} {{ toJson $v.Major }} {{ add $v.Major 1 }} {{ eq $v.Major -1 }} {{ lt -1 $v.Major }}'),
  t("semver uint64 past int64 through cast", '{{ $v := semver "18446744073709551615.0.0" }}{{ int $v.Major }} {{ int64 $v.Major }} {{ add $v.Major 0 }} {{ float64 $v.Major }} {{ max $v.Major 1 }} {{ div $v.Major 2 }} {{ min $v.Major 1 }} {{ mod $v.Major 7 }}'),
  t("semver uint64 in the date functions (not an int: now)", '{{ $m := (semver "3").Major }}{{ ago $m | len | lt 2 }} {{ htmlDate $m | eq (htmlDate now) }} {{ date "2006" $m | eq (date "2006" now) }} {{ durationRound $m }}'),
  t("semver uint64 where an int is wanted", '{{ until (semver "3").Major }}'),
  t("semver uint64 as index and slice bound", '{{ $v := semver "3.1.0" }}{{ index (list 1 2 3 4) $v.Major }} {{ slice (list 1 2 3 4) $v.Minor }} {{ printf "%*d|%.*f" $v.Major 7 $v.Minor 1.25 }}'),
  t("semver deepCopy zeroes unexported fields", '{{ $v := semver "1.2.3" }}{{ $c := deepCopy $v }}{{ $c }} {{ eq $c $v }} {{ typeOf $c }} {{ $c.Original | quote }} {{ $c.IncPatch }} {{ mustDeepCopy (list $v (dict "k" $v.IncMinor)) }}'),
  t("semver in dict and list functions", '{{ merge (dict "a" (semver "1")) (dict "b" 2) | toJson }} {{ pluck "a" (dict "a" (semver "1")) }} {{ uniq (list (semver "1") (semver "1")) | len }} {{ has (semver "1") (list (semver "1")) }} {{ without (list (semver "1")) (semver "1") | len }}'),
  t("semver eq pointers and values", '{{ $v := semver "1.0.0" }}{{ eq $v $v }} {{ eq $v (semver "1.0.0") }} {{ eq $v.IncPatch $v.IncPatch }} {{ eq $v.IncPatch $v.IncMinor }} {{ ne $v $v }} {{ deepEqual $v (semver "1.0.0") }} {{ deepEqual $v (semver "1.0") }}'),
  t("semver eq pointer with nil", '{{ eq (semver "1") nil }}'),
  t("semver eq pointer with value", '{{ eq (semver "1") (semver "1").IncPatch }}'),
  t("semver eq with a string", '{{ eq (semver "1") "1.0.0" }}'),
  t("semver lt", '{{ lt (semver "1") (semver "2") }}'),
  t("semver len", '{{ len (semver "1") }}'),
  t("semver index", '{{ index (semver "1") 0 }}'),
  t("semver range", '{{ range semver "1" }}x{{ end }}'),
  t("semver unexported field", '{{ (semver "1.0.0").major }}'),
  t("semver unexported field of a value", '{{ (semver "1.0.0").IncPatch.original }}'),
  t("semver no such field", '{{ (semver "1.0.0").Foo }}'),
  t("semver pointer method on a value", '{{ (semver "1.0.0").IncPatch.Original }}'),
  t("semver pointer method on a value in a variable", '{{ $x := (semver "1.0.0").IncPatch }}{{ $x.LessThan (semver "2") }}'),
  t("semver method with too many args", '{{ (semver "1.0.0").Major 1 }}'),
  t("semver method with too few args", '{{ (semver "1.0.0").LessThan }}'),
  t("semver method with a piped arg", '{{ semver "2" | (semver "1.0.0").LessThan }}'),
  t("semver method given a string constant", '{{ (semver "1.0.0").LessThan "2" }}'),
  t("semver method given a value", '{{ $v := semver "1.0.0" }}{{ $v.LessThan $v.IncPatch }}'),
  t("semver method given a map", '{{ (semver "1.0.0").LessThan (dict) }}'),
  t("semver method given nil (Equal)", '{{ (semver "1.0.0").Equal nil }}'),
  t("semver method given nil (LessThan)", '{{ (semver "1.0.0").LessThan nil }}'),
  t("semver method given nil (Compare)", '{{ (semver "1.0.0").Compare nil }}'),
  t("semver field of a method's result", '{{ (semver "1.2.3").IncMinor.Minor }} {{ ((semver "1").SetPrerelease "a").Prerelease }}'),
  t("semver field on a nil", '{{ $x := index (dict) "k" }}{{ $x.Major }}'),
  t("semver invalid", '{{ semver "x.y" }}'),
  t("semver empty", '{{ semver "" }}'),
  t("semver out of range", '{{ semver "18446744073709551616.0.0" }}'),
  t("semver from data", '{{ $v := semver .v }}{{ $v.Major }}.{{ $v.Minor }} {{ $v.Prerelease }} {{ $v.LessThan (semver "1.22") }}', { v: "v1.21.3-gke.1100" }),
  t("semver as an argument of a non-struct parameter", '{{ upper (semver "1") }}'),
  t("semver piped to a method of a field", '{{ $v := semver "1.0.0" }}{{ $v | printf "%v" }}'),
];

/** PEM private keys Sprig accepts, made once per run: the Key a *WithKey function returns is deterministic. */
function keys(): Record<string, string> {
  const pem = (k: { export(o: object): string | Buffer }, type: string) => k.export({ type, format: "pem" }).toString();
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const ec256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const ec384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
  const ed = generateKeyPairSync("ed25519").privateKey;
  const x = generateKeyPairSync("x25519").privateKey;
  const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey;
  return {
    rsa1: pem(rsa, "pkcs1"), rsa8: pem(rsa, "pkcs8"), ec1: pem(ec256, "sec1"), ec8: pem(ec256, "pkcs8"), ec384: pem(ec384, "sec1"),
    ed: pem(ed, "pkcs8"), x25519: pem(x, "pkcs8"), k1: pem(k1, "sec1"),
  };
}

export function certificateCases(): Case[] {
  const k = keys();
  const each = (template: string) => Object.keys(k).map((name) => t(`certificate with key ${name}: ${template}`, template.replaceAll("KEY", `.${name}`), k));
  return [
    t("certificate types and kinds", '{{ $c := genCA "x" 1 }}{{ typeOf $c }} {{ kindOf $c }} {{ kindIs "struct" $c }} {{ typeIsLike "sprig.certificate" $c }} {{ $c.Cert | hasPrefix "-----BEGIN CERTIFICATE-----\\n" }} {{ $c.Key | hasPrefix "-----BEGIN RSA PRIVATE KEY-----\\n" }} {{ $c.Cert | hasSuffix "-----END CERTIFICATE-----\\n" }}'),
    t("certificate printing", '{{ $c := genCA "x" 1 }}{{ eq (print $c) (printf "{%s %s}" $c.Cert $c.Key) }} {{ eq (printf "%v|%+v|%#v|%s" $c $c $c $c) (printf "{%s %s}|{Cert:%s Key:%s}|sprig.certificate{Cert:%q, Key:%q}|{%s %s}" $c.Cert $c.Key $c.Cert $c.Key $c.Cert $c.Key $c.Cert $c.Key) }} {{ printf "%d" $c | hasPrefix "{%!d(string=-----BEGIN" }} {{ printf "%T" $c }}'),
    t("certificate JSON", '{{ $c := genCA "x" 1 }}{{ eq (toJson $c) (printf "{\\"Cert\\":%s,\\"Key\\":%s}" (toJson $c.Cert) (toJson $c.Key)) }} {{ (fromJson (toJson $c)).Cert | eq $c.Cert }} {{ toYaml $c | hasPrefix "Cert: |\n  -----BEGIN CERTIFICATE-----\n" }}'),
    t("certificate eq", '{{ $c := genCA "x" 1 }}{{ eq $c $c }} {{ eq $c (genCA "x" 1) }} {{ ne $c $c }} {{ deepEqual $c $c }} {{ empty $c }} {{ if $c }}t{{ end }}'),
    t("certificate deepCopy", '{{ $v := genCA "x" 1 }}{{ $c := deepCopy $v }}{{ eq $c $v }} {{ typeOf $c }}'),
    t("certificate in a list", '{{ $c := genCA "x" 1 }}{{ $l := list $c }}{{ (index $l 0).Key | eq $c.Key }} {{ len $l }}'),
    t("certificate no such field", '{{ (genCA "x" 1).Certificate }}'),
    t("certificate lower-case field", '{{ (genCA "x" 1).cert }}'),
    t("certificate field with args", '{{ (genCA "x" 1).Cert "y" }}'),
    t("certificate field piped into", '{{ "y" | (genCA "x" 1).Cert }}'),
    t("certificate len", '{{ len (genCA "x" 1) }}'),
    t("certificate eq a string", '{{ eq (genCA "x" 1) "x" }}'),
    t("certificate bad ip", '{{ genSelfSignedCert "a" (list "1.2.3.400") nil 1 }}'),
    t("certificate ip with zone", '{{ genSelfSignedCert "a" (list "fe80::1%eth0") nil 1 }}'),
    t("certificate ip with leading zero", '{{ genSelfSignedCert "a" (list "01.2.3.4") nil 1 }}'),
    t("certificate ip not a string", '{{ genSelfSignedCert "a" (list 1) nil 1 }}'),
    t("certificate dns not a string", '{{ genSignedCert "a" nil (list 1.5) 1 (genCA "x" 1) }}'),
    t("certificate dns not ASCII", '{{ genSelfSignedCert "a" nil (list "é.example") 1 }}'),
    t("certificate CN not UTF-8", '{{ genSelfSignedCert (b64dec "/w==") nil nil 1 }}'),
    t("certificate []string ips", '{{ genSelfSignedCert "a" (splitList "," "1.2.3.4") nil 1 }}'),
    t("certificate constant ips", '{{ genSelfSignedCert "a" "1.2.3.4" nil 1 }}'),
    t("certificate int64 days", '{{ genCA "a" (int64 1) }}'),
    t("certificate float days", '{{ genCA "a" 1.5 }}'),
    t("certificate map as CA", '{{ genSignedCert "a" nil nil 1 (dict "Cert" "x" "Key" "y") }}'),
    t("certificate nil as CA", '{{ genSignedCert "a" nil nil 1 nil }}'),
    t("certificate semver as CA", '{{ genSignedCert "a" nil nil 1 (semver "1") }}'),
    t("certificate CA that is not PEM", '{{ genSignedCert "a" nil nil 1 (buildCustomCert (b64enc (genCA "x" 1).Cert) (b64enc (genPrivateKey "ecdsa"))) | typeOf }}'),
    t("certificate unknown key type", '{{ genPrivateKey "rsa4096" }}|{{ genPrivateKey "ECDSA" }}'),
    t("certificate buildCustomCert", '{{ $ca := genCA "x" 1 }}{{ $c := buildCustomCert (b64enc $ca.Cert) (b64enc $ca.Key) }}{{ eq $c $ca }} {{ typeOf $c }}'),
    t("certificate buildCustomCert bad base64", '{{ buildCustomCert "!" "eA==" }}'),
    t("certificate buildCustomCert unpadded key", '{{ buildCustomCert "eA==" "eA" }}'),
    t("certificate buildCustomCert not PEM", '{{ buildCustomCert "eA==" "eA==" }}'),
    t("certificate buildCustomCert bad DER", '{{ buildCustomCert (b64enc "-----BEGIN CERTIFICATE-----\\neA==\\n-----END CERTIFICATE-----\\n") "eA==" }}'),
    t("certificate buildCustomCert key not a key", '{{ $ca := genCA "x" 1 }}{{ buildCustomCert (b64enc $ca.Cert) (b64enc $ca.Cert) }}'),
    t("certificate buildCustomCert key of unknown type", '{{ $ca := genCA "x" 1 }}{{ buildCustomCert (b64enc $ca.Cert) (b64enc "-----BEGIN FOO PRIVATE KEY-----\\neA==\\n-----END FOO PRIVATE KEY-----\\n") }}'),
    t("certificate key PEM framing", '{{ $k := genPrivateKey "ecdsa" }}{{ (genCAWithKey "a" 1 $k).Key | eq $k }} {{ (genCAWithKey "a" 1 (printf "junk\n%s" $k)).Key | eq $k }} {{ (genCAWithKey "a" 1 (printf "%s  \n" (trimSuffix "\n" $k))).Key | eq $k }} {{ (genCAWithKey "a" 1 (trimSuffix "\n" $k)).Key | eq $k }} {{ (genCAWithKey "a" 1 (replace "\n" "\r\n" $k)).Key | eq $k }}'),
    t("certificate key PEM with spaces, a blank line and headers", '{{ $k := genPrivateKey "ed25519" }}{{ (genCAWithKey "a" 1 (replace "M" " M\t" $k)).Key | eq $k }} {{ (genCAWithKey "a" 1 (replace "\n-----END" "\n\n-----END" $k)).Key | eq $k }} {{ (genCAWithKey "a" 1 (replace "-----\nM" "-----\nProc-Type: 4,ENCRYPTED\n\nM" $k)).Key | eq $k }}'),
    t("certificate key PEM with junk after END", '{{ $k := genPrivateKey "ecdsa" }}{{ genCAWithKey "a" 1 (printf "%sX\n" (trimSuffix "\n" $k)) }}'),
    t("certificate key PEM END of another type", '{{ $k := genPrivateKey "ecdsa" }}{{ genCAWithKey "a" 1 (replace "-----END EC" "-----END XX" $k) }}'),
    t("certificate key PEM empty body", '{{ genCAWithKey "a" 1 "-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n" }}'),
    t("certificate genCAWithKey junk", '{{ genCAWithKey "a" 1 "junk" }}'),
    t("certificate genCAWithKey DSA", '{{ genCAWithKey "a" 1 (genPrivateKey "dsa") }}'),
    t("certificate signer key mismatch", '{{ genSignedCert "a" nil nil 1 (buildCustomCert (b64enc (genCA "x" 1).Cert) (b64enc (genPrivateKey "ed25519"))) }}'),
    ...each("{{ (genCAWithKey \"ca\" 3 KEY).Key }}"),
    ...each("{{ (genSelfSignedCertWithKey \"s\" nil (list \"x\") 3 KEY).Key }}"),
    ...each("{{ (genSignedCertWithKey \"l\" nil nil 3 (genCA \"r\" 1) KEY).Key }}"),
    ...each("{{ $ca := genCAWithKey \"r\" 1 KEY }}{{ $l := genSignedCert \"l\" nil (list \"a\") 3 $ca }}{{ $l.Cert | hasPrefix \"-----BEGIN CERTIFICATE-----\" }} {{ $l.Key | hasPrefix \"-----BEGIN RSA PRIVATE KEY-----\" }}"),
    ...each("{{ $c := buildCustomCert (b64enc (genCA \"r\" 1).Cert) (b64enc KEY) }}{{ $c.Key | eq KEY }}"),
  ];
}

const VERSION_PARTS = ["0", "1", "2", "01", "10", ".", ".", "-", "+", "v", "a", "rc", "x", "99999999999999999999", "18446744073709551615"];

/** fast-check versions through semver's fields, methods and printing (and its parse errors). */
export function semverStructGeneratedCases(runs: number, seed: number): Case[] {
  const text = fc.array(fc.constantFrom(...VERSION_PARTS), { maxLength: 7 }).map((a) => a.join(""));
  return fc.sample(fc.tuple(text, text), { numRuns: runs, seed }).map(([v, w]) =>
    t(
      "semver generated",
      '{{ $v := semver .v }}{{ $w := semver .w }}{{ $v }}|{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|{{ $v.Metadata }}|{{ $v.Original }}|{{ $v.IncPatch }}|{{ $v.IncMinor }}|{{ $v.IncMajor }}|{{ $v.Compare $w }}|{{ $v.LessThan $w }}|{{ $v.Equal $w }}|{{ printf "%#v" $v }}|{{ toJson $v }}',
      { v, w },
    ),
  );
}
