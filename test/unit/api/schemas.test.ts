// Schema round-trips: ESO manifests parse unchanged (nothing added, nothing dropped) and bad ones fail.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { ExternalSecretSpec } from "../../../src/api/external-secret.ts";
import { secretStoreSpec, clusterSecretStoreSpec } from "../../../src/api/secret-store.ts";
import { providerSchemas } from "../../../providers/index.ts";

const examples = new URL("../../../examples/demo/", import.meta.url);
const docs = readdirSync(examples)
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, examples), "utf8")).map((d) => d.toJS()));

describe("API schemas", () => {
  const schemaFor = (kind: string) =>
    ({ ExternalSecret: ExternalSecretSpec, SecretStore: secretStoreSpec(providerSchemas()), ClusterSecretStore: clusterSecretStoreSpec(providerSchemas()) })[kind];
  for (const doc of docs.filter((d) => schemaFor(d.kind))) {
    it(`${doc.kind} ${doc.metadata.name} round-trips unchanged`, () => {
      assert.deepEqual(schemaFor(doc.kind)!.parse(doc.spec), doc.spec);
    });
  }
  it("writes no defaults", () => {
    assert.deepEqual(ExternalSecretSpec.parse({ data: [{ secretKey: "a", remoteRef: { key: "k" } }] }), { data: [{ secretKey: "a", remoteRef: { key: "k" } }] });
  });
  it("accepts every ESO field of design.md", () => {
    const spec = {
      refreshInterval: "1h",
      refreshPolicy: "Periodic",
      secretStoreRef: { name: "s", kind: "ClusterSecretStore" },
      target: {
        name: "t",
        creationPolicy: "Merge",
        deletionPolicy: "Retain",
        immutable: false,
        template: { type: "Opaque", engineVersion: "v2", metadata: { labels: { a: "b" }, annotations: { c: "d" } }, data: { k: "{{ .v }}" }, templateFrom: [{ configMap: { name: "c", items: [{ key: "k", templateAs: "Values" }] }, target: "Data" }, { literal: "a: b" }], mergePolicy: "Merge" },
      },
      data: [{ secretKey: "k", remoteRef: { key: "k", property: "p", version: "1", decodingStrategy: "Base64", conversionStrategy: "Default", metadataPolicy: "None" }, sourceRef: { storeRef: { name: "o" } } }],
      dataFrom: [{ extract: { key: "k" }, rewrite: [{ regexp: { source: "a", target: "b" } }, { transform: { template: "{{ .value }}" } }] }, { find: { path: "p", name: { regexp: ".*" }, tags: { a: "b" } } }],
    };
    assert.deepEqual(ExternalSecretSpec.parse(spec), spec);
  });
  it("accepts ESO 2.9's target.manifest, syncWindows, rewrite.merge and vault checkAndSet unchanged", () => {
    const spec = {
      syncWindows: { kind: "deny", windows: [{ schedule: "0 22 * * 1-5", duration: "8h" }, { schedule: "@daily", duration: "1h" }] },
      target: { name: "cm", manifest: { apiVersion: "v1", kind: "ConfigMap" } },
      dataFrom: [{ extract: { key: "k" }, rewrite: [{ merge: { into: "all", priority: ["a"], priorityPolicy: "IgnoreNotFound", conflictPolicy: "Ignore", strategy: "JSON" } }] }],
    };
    assert.deepEqual(ExternalSecretSpec.parse(spec), spec);
    const store = { provider: { vault: { server: "https://vault:8200", path: "secret", checkAndSet: { required: true }, auth: { tokenSecretRef: { name: "t", key: "token" } } } } };
    assert.deepEqual(secretStoreSpec(providerSchemas()).parse(store), store);
  });
  it("rejects ESO 2.9 fields in a shape ESO rejects", () => {
    const data = [{ secretKey: "a", remoteRef: { key: "k" } }];
    assert.ok(!ExternalSecretSpec.safeParse({ data, syncWindows: { kind: "sometimes", windows: [{ schedule: "@daily", duration: "1h" }] } }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ data, syncWindows: { kind: "allow", windows: [] } }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ data, syncWindows: { kind: "allow", windows: [{ schedule: "0 22 * *", duration: "1h" }] } }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ data, target: { manifest: { apiVersion: "", kind: "ConfigMap" } } }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ dataFrom: [{ extract: { key: "k" }, rewrite: [{ merge: { strategy: "YAML" } }] }] }).success);
  });
  it("rejects bad enums and durations", () => {
    assert.ok(!ExternalSecretSpec.safeParse({ refreshInterval: "1 day", data: [] }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ target: { creationPolicy: "Sometimes" }, data: [] }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ data: [{ secretKey: "bad key", remoteRef: { key: "k" } }] }).success);
  });
});
