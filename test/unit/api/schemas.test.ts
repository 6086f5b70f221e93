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
  it("rejects bad enums and durations", () => {
    assert.ok(!ExternalSecretSpec.safeParse({ refreshInterval: "1 day", data: [] }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ target: { creationPolicy: "Sometimes" }, data: [] }).success);
    assert.ok(!ExternalSecretSpec.safeParse({ data: [{ secretKey: "bad key", remoteRef: { key: "k" } }] }).success);
  });
});
