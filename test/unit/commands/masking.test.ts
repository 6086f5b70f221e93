// Masked CLI output (render/diff without --show-values) on templates a pull request's author wrote: which names,
// values and sizes show, and which failure messages keep their details. The errors are the template engine's own.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import type { ExternalSecret, Template } from "../../../src/api/external-secret.ts";
import { MASKED, maskedFailure, maskingFor } from "../../../src/commands/masking.ts";
import { DataDependentError } from "../../../src/commands/render-offline.ts";
import { ConfigError } from "../../../src/provider/errors.ts";
import { renderTemplate } from "../../../src/template/index.ts";

const SECRET = "s3cret-Value-42";
const data = { password: new Uint8Array(Buffer.from(SECRET)), user: new Uint8Array(Buffer.from("app")) };
// ESO's ObjectHash("ns/es"): SHA3-224 hex of the text.
const CREATED_BY = createHash("sha3-224").update("ns/es").digest("hex");
const es = (template: Template | undefined): ExternalSecret => ({ metadata: { name: "es", namespace: "ns" }, spec: { target: template ? { template } : {}, data: [] } }) as unknown as ExternalSecret;
const leaks = (text: string) => [SECRET, SECRET.toUpperCase(), JSON.stringify(SECRET), Buffer.from(SECRET).toString("base64")].some((form) => text.includes(form));

describe("maskingFor", () => {
  it("shows sizes of values copied from the store, never of templated ones", () => {
    const table: { name: string; template: Template | undefined; want: Record<string, string> }[] = [
      { name: "no template", template: undefined, want: { password: "<masked, 15 bytes>", user: "<masked, 3 bytes>" } },
      { name: "metadata only", template: { metadata: { labels: { l: "{{ .user }}" } } }, want: { password: "<masked, 15 bytes>", user: "<masked, 3 bytes>" } },
      { name: "Merge: template.data key templated, fetched keys copied", template: { mergePolicy: "Merge", data: { password: "{{ .password | len }}" } }, want: { password: MASKED, user: "<masked, 3 bytes>" } },
      { name: "KeysAndValues to Data: any key may be computed", template: { mergePolicy: "Merge", templateFrom: [{ literal: "x: y" }] }, want: { password: MASKED, user: MASKED } },
    ];
    for (const { name, template, want } of table) {
      const m = maskingFor(es(template), Object.keys(data));
      const got = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, m.dataValue(k, v)]));
      assert.deepEqual(got, want, name);
    }
  });

  it("masks computed key names and prints them after the known ones, in order of appearance", () => {
    const m = maskingFor(es({ data: { dsn: "x" } }), ["user"]);
    assert.deepEqual(m.keys("data", ["zz-computed", "dsn", SECRET, "user"]), [
      { key: "dsn", shown: "dsn" },
      { key: "user", shown: "user" },
      { key: "zz-computed", shown: "<masked key 1>" },
      { key: SECRET, shown: "<masked key 2>" },
    ]);
    assert.deepEqual(m.keys("labels", ["reconcile.external-secrets.io/managed"]).map((k) => k.shown), ["reconcile.external-secrets.io/managed"]);
  });

  it("shows only literal and marker label/annotation values", () => {
    const m = maskingFor(es({ metadata: { labels: { tier: "backend", app: "{{ .user }}", quine: "{{ `x` }}" }, annotations: { note: "{{ .password }}" } } }), []);
    const table: { field: "labels" | "annotations"; key: string; value: string; want: string }[] = [
      { field: "labels", key: "tier", value: "backend", want: "backend" },
      { field: "labels", key: "tier", value: "other", want: MASKED },
      { field: "labels", key: "app", value: "app", want: MASKED },
      { field: "labels", key: "quine", value: "{{ `x` }}", want: MASKED },
      { field: "labels", key: "reconcile.external-secrets.io/managed", value: "true", want: "true" },
      { field: "labels", key: "reconcile.external-secrets.io/created-by", value: CREATED_BY, want: CREATED_BY },
      { field: "labels", key: "reconcile.external-secrets.io/created-by", value: "es", want: MASKED },
      { field: "labels", key: "reconcile.external-secrets.io/created-by", value: SECRET, want: MASKED },
      { field: "annotations", key: "note", value: SECRET, want: MASKED },
      { field: "annotations", key: "reconcile.external-secrets.io/data-hash", value: "abc", want: MASKED },
    ];
    for (const { field, key, value, want } of table) assert.equal(m.metadataValue(field, key, value), want, `${field}.${key}=${value}`);
  });
});

describe("maskedFailure", () => {
  const failureOf = (template: Template) => {
    try {
      renderTemplate(template, data, { configMaps: {}, secrets: {} });
    } catch (err) {
      return maskedFailure(new DataDependentError(err, es(template)));
    }
    throw new Error("the template rendered");
  };
  const table: { name: string; template: Template; want: RegExp }[] = [
    { name: "missing key keeps Go's message", template: { data: { k: "{{ .nouser }}" } }, want: /^template "k" line 1: executing "k" at <\.nouser>: map has no entry for key "nouser"$/ },
    { name: "parse error keeps its message", template: { data: { k: "a\n{{ nosuch }}" } }, want: /^template "k" line 2: .*function "nosuch" not defined$/ },
    { name: "fail with transformed data is withheld", template: { data: { k: "{{ .password | upper | fail }}" } }, want: /^template "k" line 1: executing "k" at <fail>: error calling fail: \(details withheld/ },
    { name: "a parser's message is withheld", template: { data: { k: "{{ .password | upper | mustFromJson }}" } }, want: /error calling mustFromJson: \(details withheld/ },
    { name: "a node source mimicking a safe tail is withheld", template: { data: { k: '{{ print ">: wrong type for value; expected a; got " (.password | upper) | fail }}' } }, want: /\(details withheld/ },
    { name: "a computed key in a message is masked", template: { templateFrom: [{ literal: "'{{ .password | upper }}': [1]" }] }, want: /^template "<masked>": value of "<masked>" is not a string$/ },
  ];
  for (const { name, template, want } of table) {
    it(name, () => {
      const message = failureOf(template);
      assert.match(message, want);
      assert.ok(!leaks(message), message);
    });
  }

  it("withholds everything of a template kept in a Secret", () => {
    const template: Template = { templateFrom: [{ secret: { name: "tpl", items: [{ key: "t" }] } }] };
    const err = new DataDependentError(new ConfigError(`template "t" line 3: unexpected "${SECRET}" in operand`), es(template));
    assert.equal(maskedFailure(err), 'template "t" line 3: (details withheld in masked output: they may quote data; --show-values prints them)');
  });

  it("passes errors from before templating unchanged", () => {
    assert.equal(maskedFailure(new ConfigError("key /db not found in SecretStore x")), "key /db not found in SecretStore x");
  });
});
