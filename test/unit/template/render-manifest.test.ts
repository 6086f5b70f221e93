// Rendering into ConfigMaps and custom resources (target.manifest), on the examples of ESO 2.9's guide
// "Targeting Custom Resources" (written from its documentation) and ESO's target semantics.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Template } from "../../../src/api/external-secret.ts";
import { renderManifestTemplate, type Manifest } from "../../../src/template/render-manifest.ts";

const bytes = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]));
const none = { configMaps: {}, secrets: {} };
const configMap = (): Manifest => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app-config", namespace: "ns" }, data: {} });
const custom = (kind = "AppConfig"): Manifest => ({ apiVersion: "config.example.com/v1", kind, metadata: { name: "app-settings", namespace: "ns" }, spec: {} });
const render = (template: Template | undefined, data: Record<string, string>, base: Manifest, meta = {}) => renderManifestTemplate(template, bytes(data), none, base, meta);

describe("renderManifestTemplate", () => {
  it("without a template: a ConfigMap gets the data as strings", () => {
    const out = render(undefined, { "database-host": "db.internal", "api-endpoint": "https://api" }, configMap());
    assert.deepEqual(out.data, { "database-host": "db.internal", "api-endpoint": "https://api" });
  });

  it("without a template: any other kind gets spec.data; the ExternalSecret's own labels and annotations are copied", () => {
    const out = render(undefined, { repo: "https://git" }, custom("Application"), { labels: { team: "a" }, annotations: { note: "n" } });
    assert.deepEqual(out.spec, { data: { repo: "https://git" } });
    assert.deepEqual(out.metadata.labels, { team: "a" });
    assert.deepEqual(out.metadata.annotations, { note: "n" });
  });

  it("template.data renders into the top-level data map (templated ConfigMap)", () => {
    const template = { engineVersion: "v2", data: { "database.yaml": "host: {{ .dbHost }}\nport: 5432\ndatabase: {{ .dbName }}\n" } } as Template;
    const out = render(template, { dbHost: "db", dbName: "app" }, configMap());
    assert.deepEqual(out.data, { "database.yaml": "host: db\nport: 5432\ndatabase: app\n" });
  });

  it("templateFrom literals with nested targets build structured spec fields (advanced path example)", () => {
    const template = {
      engineVersion: "v2",
      templateFrom: [
        { literal: "host: {{ .dbHost }}\nport: {{ .dbPort }}\ncredentials:\n  username: {{ .dbUser }}\n", target: "spec.database" },
        { literal: "level: info\nformat: json\n", target: "spec.logging" },
      ],
    } as Template;
    const out = render(template, { dbHost: "db", dbPort: "5432", dbUser: "app" }, custom());
    assert.deepEqual(out.spec, { database: { host: "db", port: 5432, credentials: { username: "app" } }, logging: { level: "info", format: "json" } });
  });

  it("a path with indexes reaches into arrays, keeping siblings (AuthorizationPolicy example)", () => {
    const base = custom("AuthorizationPolicy");
    base.spec = { rules: [{ from: [{ source: { principals: ["p"] } }] }] };
    const template = { templateFrom: [{ literal: "{{ .blocks }}", target: "spec.rules[0].from[0].source.notRemoteIpBlocks" }] } as Template;
    const out = render(template, { blocks: "- 10.0.0.0/8" }, base);
    assert.deepEqual(out.spec, { rules: [{ from: [{ source: { principals: ["p"], notRemoteIpBlocks: ["10.0.0.0/8"] } }] }] });
  });

  it("a nested path merges a map into the one there; a single key (spec) is replaced whole", () => {
    const base = custom();
    base.spec = { database: { host: "old", pool: 5 }, other: true };
    const merged = render({ templateFrom: [{ literal: "host: new", target: "spec.database" }] } as Template, {}, base);
    assert.deepEqual(merged.spec, { database: { host: "new", pool: 5 }, other: true });
    const replaced = render({ templateFrom: [{ literal: "only: this", target: "spec" }] } as Template, {}, base);
    assert.deepEqual(replaced.spec, { only: "this" });
  });

  it("labels and annotations from template.metadata are copied as written, and Labels/Annotations targets apply in any case", () => {
    const template = { metadata: { labels: { app: "myapp" }, annotations: { description: "{{ not rendered }}" } }, templateFrom: [{ literal: "tier: web", target: "LABELS" }] } as Template;
    const out = render(template, {}, configMap(), { labels: { ignored: "yes" } });
    assert.deepEqual(out.metadata.labels, { app: "myapp", tier: "web" });
    assert.deepEqual(out.metadata.annotations, { description: "{{ not rendered }}" });
  });

  it("values are read as YAML 1.1 when placed at a path, as Go's sigs.k8s.io/yaml does", () => {
    const out = render({ templateFrom: [{ literal: "enabled: yes\nmode: on\nname: 'yes'", target: "spec.flags" }] } as Template, {}, custom());
    assert.deepEqual(out.spec, { flags: { enabled: true, mode: true, name: "yes" } });
  });

  it("configMap items render with their templateAs and land at the target", () => {
    const loaded = { configMaps: { tpl: { "db.yaml": "url: postgres://{{ .host }}" } }, secrets: {} };
    const template = { templateFrom: [{ configMap: { name: "tpl", items: [{ key: "db.yaml", templateAs: "KeysAndValues" }] }, target: "spec.db" }] } as Template;
    const out = renderManifestTemplate(template, bytes({ host: "h" }), loaded, custom(), {});
    assert.deepEqual(out.spec, { db: { url: "postgres://h" } });
  });

  it("valuesDecodingStrategy decodes values put into data", () => {
    const template = { templateFrom: [{ literal: "k: {{ .v | b64enc }}", target: "Data", valuesDecodingStrategy: "Base64" }] } as Template;
    assert.deepEqual(render(template, { v: "plain" }, configMap()).data, { k: "plain" });
  });

  it("does not change its input (the live object of a Merge)", () => {
    const base = configMap();
    base.data = { keep: "k" };
    const out = render({ data: { a: "{{ .a }}" } } as Template, { a: "1" }, base);
    assert.deepEqual(out.data, { keep: "k", a: "1" });
    assert.deepEqual(base.data, { keep: "k" });
  });

  it("errors name the template, never a value", () => {
    assert.throws(() => render({ templateFrom: [{ literal: "x: {{ fail .secretvalue }}", target: "spec.a" }] } as Template, { secretvalue: "hunter2-planted" }, custom()), (err: Error) => !err.message.includes("hunter2") && /templateFrom\[0\]\.literal/.test(err.message));
    assert.throws(() => render({ templateFrom: [{ literal: "x: 1", target: "spec..a" }] } as Template, {}, custom()), /invalid path "spec\.\.a": empty segment/);
    assert.throws(() => render({ templateFrom: [{ literal: "a: [", target: "spec.a" }] } as Template, {}, custom()), /not valid YAML/);
  });
});
