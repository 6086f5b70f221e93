// templateFrom as ESO 2.9 applies it: targets matched in any letter case (ESO's strings.ToLower switch),
// valuesDecodingStrategy on every rendered value (runtime/decoding), and a target outside Data, Annotations and
// Labels refused for a Secret.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Template } from "../../../src/api/external-secret.ts";
import { ConfigError } from "../../../src/provider/errors.ts";
import { renderTemplate, TemplateExecutionError, templateTarget } from "../../../src/template/index.ts";

const enc = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]));
const dec = (o: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v).toString()]));
const loaded = { configMaps: { cm: { a: "{{ .b64 }}", kv: "x: {{ .user | b64enc }}" } }, secrets: {} };
const fetched = enc({ user: "app", b64: "aGVsbG8=", url: "_-8=", raw: "not base64!" });

describe("templateFrom target (any letter case)", () => {
  const table: { given: string | undefined; want: string | undefined }[] = [
    { given: undefined, want: "Data" },
    { given: "", want: "Data" },
    { given: "data", want: "Data" },
    { given: "DATA", want: "Data" },
    { given: "ANNOTATIONS", want: "Annotations" },
    { given: "AnNoTaTiOnS", want: "Annotations" },
    { given: "labels", want: "Labels" },
    { given: "spec.foo", want: undefined },
    { given: "Annotation", want: undefined },
  ];
  for (const { given, want } of table) it(`${JSON.stringify(given)} -> ${want}`, () => assert.equal(templateTarget(given), want));

  for (const [target, field] of [["data", "data"], ["Data", "data"], ["labels", "labels"], ["LABELS", "labels"], ["annotations", "annotations"], ["AnNoTaTiOnS", "annotations"]] as const) {
    it(`literal with target ${target} lands in ${field}`, () => {
      const got = renderTemplate({ templateFrom: [{ literal: "k: '{{ .user }}'", target }] }, fetched, loaded);
      const all = { data: dec(got.data), labels: got.labels, annotations: got.annotations };
      for (const f of ["data", "labels", "annotations"] as const) assert.deepEqual(all[f], f === field ? { k: "app" } : {}, f);
    });
  }

  it("another target is refused for a Secret, before anything renders", () => {
    assert.throws(() => renderTemplate({ templateFrom: [{ literal: "k: v", target: "type" }] }, fetched, loaded), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /templateFrom target="type" is not allowed when targeting a Secret/);
      return true;
    });
  });
});

describe("templateFrom valuesDecodingStrategy", () => {
  const render = (template: Template) => dec(renderTemplate(template, fetched, loaded).data);
  const table: { name: string; given: Template; want: Record<string, string> }[] = [
    { name: "None keeps the value", given: { templateFrom: [{ literal: "k: '{{ .b64 }}'", valuesDecodingStrategy: "None" }] }, want: { k: "aGVsbG8=" } },
    { name: "Base64 decodes (Values)", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "a" }] }, valuesDecodingStrategy: "Base64" }] }, want: { a: "hello" } },
    { name: "Base64 decodes (KeysAndValues)", given: { templateFrom: [{ configMap: { name: "cm", items: [{ key: "kv", templateAs: "KeysAndValues" }] }, valuesDecodingStrategy: "Base64" }] }, want: { x: "app" } },
    { name: "Auto: base64, else the value as is", given: { templateFrom: [{ literal: "a: '{{ .b64 }}'\nb: '{{ .raw }}'", valuesDecodingStrategy: "Auto" }] }, want: { a: "hello", b: "not base64!" } },
    { name: "template.data is never decoded", given: { data: { d: "{{ .b64 }}" }, templateFrom: [{ literal: "k: '{{ .b64 }}'", valuesDecodingStrategy: "Base64" }] }, want: { d: "aGVsbG8=", k: "hello" } },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(render(given), want));

  it("Base64URL decodes the URL alphabet", () => {
    const got = renderTemplate({ templateFrom: [{ literal: "k: '{{ .url }}'", valuesDecodingStrategy: "Base64URL" }] }, fetched, loaded);
    assert.deepEqual([...got.data["k"]!], [0xff, 0xef]);
  });

  it("decodes into annotations too", () => {
    const got = renderTemplate({ templateFrom: [{ literal: "k: '{{ .b64 }}'", target: "annotations", valuesDecodingStrategy: "Base64" }] }, fetched, loaded);
    assert.deepEqual(got.annotations, { k: "hello" });
  });

  it("a value that is not base64 is a retried error naming the key, not the value", () => {
    assert.throws(() => renderTemplate({ templateFrom: [{ literal: "k: '{{ .raw }}'", valuesDecodingStrategy: "Base64" }] }, fetched, loaded), (err: Error) => {
      assert.ok(err instanceof TemplateExecutionError);
      assert.match(err.message, /failed to decode rendered template value for key "k"/);
      assert.ok(!err.message.includes("not base64!"));
      return true;
    });
  });
});
