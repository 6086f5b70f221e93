// ESO's template application (pure, with in-memory templateFrom sources): mergePolicy, precedence of
// template.data over templateFrom, KeysAndValues, targets, templated metadata, error names and lines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Template } from "../../../src/api/external-secret.ts";
import { applyTemplate, staticTemplateSources } from "../../../src/template/index.ts";

const enc = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]));
const dec = (o: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v).toString()]));
const sources = staticTemplateSources(
  new Map([["cm", { a: "A={{ .user }}", kv: "x: {{ .user }}\ny: '{{ .pass }}'" }]]),
  new Map([["sec", enc({ b: "B={{ .pass | upper }}" })]]),
  "memory",
);
const fetched = enc({ user: "app", pass: "pw" });

describe("applyTemplate (ESO engine v2 semantics)", () => {
  const table: { name: string; given: Template | undefined; want: { data: Record<string, string>; labels?: Record<string, string>; annotations?: Record<string, string> } }[] = [
    { name: "no template: fetched data as is", given: undefined, want: { data: { user: "app", pass: "pw" } } },
    { name: "type and metadata only: data passes through", given: { type: "Opaque", metadata: { labels: { l: "{{ .user }}" } } }, want: { data: { user: "app", pass: "pw" }, labels: { l: "app" } } },
    { name: "template.data replaces (mergePolicy Replace)", given: { data: { dsn: "{{ .user }}:{{ .pass }}" } }, want: { data: { dsn: "app:pw" } } },
    { name: "mergePolicy Merge keeps fetched keys", given: { mergePolicy: "Merge", data: { dsn: "{{ .user }}" } }, want: { data: { user: "app", pass: "pw", dsn: "app" } } },
    { name: "template.data wins over templateFrom", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "a" }] } }], data: { a: "data" } }, want: { data: { a: "data" } } },
    { name: "configMap and secret Values", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "a" }] } }, { secret: { name: "sec", items: [{ key: "b" }] } }] }, want: { data: { a: "A=app", b: "B=PW" } } },
    { name: "KeysAndValues reads YAML", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "kv", templateAs: "KeysAndValues" }] } }] }, want: { data: { x: "app", y: "pw" } } },
    { name: "literal to Annotations", given: { templateFrom: [{ literal: "note: {{ .user }}", target: "Annotations" }] }, want: { data: {}, annotations: { note: "app" } } },
    { name: "configMap to Labels", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "a" }] }, target: "Labels" }] }, want: { data: {}, labels: { a: "A=app" } } },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const got = await applyTemplate(given, fetched, sources);
      assert.deepEqual(dec(got.data), want.data);
      assert.deepEqual(got.labels, want.labels ?? {});
      assert.deepEqual(got.annotations, want.annotations ?? {});
    });
  }

  const errors: { name: string; given: Template; want: RegExp }[] = [
    { name: "parse error: name and line", given: { data: { k: "a\n{{ if }}" } }, want: /template "k" line 2: .*missing value for if/ },
    { name: "exec error: missing key", given: { data: { k: "{{ .nope }}" } }, want: /template "k" line 1: .*map has no entry for key "nope"/ },
    { name: "fail's message withheld (it may quote data)", given: { data: { k: '{{ fail (print "leak " .pass "word") }}' } }, want: /template "k" line 1: executing "k" at <fail \(print "leak " \.pass "word"\)>: error calling fail: \(details withheld: they may quote data\)$/ },
    { name: "struct field errors are shown (template text only)", given: { data: { k: '{{ (semver "1.0.0").major }}', l: "x" } }, want: /executing "k" at <semver "1.0.0">: major is an unexported field of struct type \*semver.Version$/ },
    { name: "a struct field given arguments is shown", given: { data: { k: '{{ (genCAWithKey "x" 1 (genPrivateKey "ecdsa")).Cert "a" }}' } }, want: /: Cert has arguments but cannot be invoked as function$/ },
    { name: "an IP from the data is withheld", given: { data: { k: "{{ genSelfSignedCert \"x\" (list .pass) nil 1 }}" } }, want: /error calling genSelfSignedCert: \(details withheld: they may quote data\)$/ },
    { name: "missing configMap key", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "zz" }] } }] }, want: /configMap cm has no key zz/ },
    { name: "missing configMap", given: { templateFrom: [{ configMap: { name: "nope", items: [{ key: "a" }] } }] }, want: /configMap nope not found in memory/ },
    { name: "KeysAndValues output not a map", given: { templateFrom: [{ literal: "- a\n- b" }] }, want: /not a YAML map/ },
  ];
  for (const { name, given, want } of errors) {
    it(`error: ${name}`, async () => {
      await assert.rejects(applyTemplate(given, enc({ user: "app", pass: "pw-secret" }), sources), (err: Error) => {
        assert.match(err.message, want);
        assert.ok(!err.message.includes("pw-secret"));
        return true;
      });
    });
  }
});
