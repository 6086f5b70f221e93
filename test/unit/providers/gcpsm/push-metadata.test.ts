import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { desiredAnnotations, desiredLabels, parsePushMetadata, replicationFor, sameEntries } from "../../../../providers/gcpsm/push-metadata.ts";
import type { GcpPushSecretMetadataSpec } from "../../../../providers/gcpsm/push-metadata.ts";
import { holdsProperty, jsonObjectOf, withoutProperty, withProperty } from "../../../../providers/gcpsm/push-property.ts";
import { ConfigError, ProviderError } from "../../../../src/provider/errors.ts";

const meta = (spec: unknown) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
const mark = { "managed-by": "external-secrets" };

describe("gcpsm push metadata: parsing", () => {
  const valid = [
    { name: "absent", given: undefined, want: {} },
    { name: "no spec", given: { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata" }, want: {} },
    {
      name: "every field",
      given: meta({ annotations: { a: "1" }, labels: { l: "2" }, topics: ["projects/p/topics/t"], mergePolicy: "Merge", cmekKeyName: "k", replicationLocation: "x", replicationLocations: ["y"] }),
      want: { annotations: { a: "1" }, labels: { l: "2" }, topics: ["projects/p/topics/t"], mergePolicy: "Merge", cmekKeyName: "k", replicationLocation: "x", replicationLocations: ["y"] },
    },
  ];
  for (const { name, given, want } of valid) it(name, () => assert.deepEqual(parsePushMetadata(given), want));

  const invalid = [
    { name: "wrong apiVersion", given: { apiVersion: "v1", kind: "PushSecretMetadata" }, want: /apiVersion/ },
    { name: "wrong kind", given: { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "Other" }, want: /kind/ },
    { name: "unknown spec field (ESO: DisallowUnknownFields)", given: meta({ label: {} }), want: /spec: unknown field\(s\) label$/ },
    { name: "unknown top-level field", given: { ...meta({}), extra: 1 }, want: /\(root\): unknown field\(s\) extra/ },
    { name: "label value not a string", given: meta({ labels: { a: 1 } }), want: /spec\.labels\.a/ },
    { name: "unknown mergePolicy", given: meta({ mergePolicy: "Sometimes" }), want: /spec\.mergePolicy/ },
    { name: "not an object", given: "labels: {}", want: /\(root\)/ },
  ];
  for (const { name, given, want } of invalid) {
    it(`rejects ${name} with ConfigError`, () => {
      assert.throws(() => parsePushMetadata(given), (err: Error) => err instanceof ConfigError && want.test(err.message));
    });
  }
});

describe("gcpsm push metadata: labels, annotations, replication", () => {
  const labels: Array<{ name: string; spec: GcpPushSecretMetadataSpec; existing: Record<string, string>; want: Record<string, string> }> = [
    { name: "no metadata: only the mark (Replace drops others' labels, as ESO)", spec: {}, existing: { team: "x" }, want: mark },
    { name: "Replace", spec: { labels: { env: "prod" } }, existing: { team: "x", ...mark }, want: { env: "prod", ...mark } },
    { name: "Merge keeps existing labels", spec: { labels: { env: "prod" }, mergePolicy: "Merge" as const }, existing: { team: "x" }, want: { team: "x", env: "prod", ...mark } },
    { name: "Merge: ours win over an existing value", spec: { labels: { env: "prod" }, mergePolicy: "Merge" as const }, existing: { env: "dev" }, want: { env: "prod", ...mark } },
    { name: "the mark cannot be overridden", spec: { labels: { "managed-by": "someone" } }, existing: {}, want: mark },
  ];
  for (const { name, spec, existing, want } of labels) it(name, () => assert.deepEqual(desiredLabels(spec, existing), want));

  it("annotations are the metadata's, whatever the mergePolicy", () => {
    assert.deepEqual(desiredAnnotations({ annotations: { a: "1" }, mergePolicy: "Merge" }), { a: "1" });
    assert.deepEqual(desiredAnnotations({}), {});
  });

  const kms = { kmsKeyName: "k" };
  const replication = [
    { name: "default: automatic", spec: {}, want: { automatic: {} } },
    { name: "CMEK only: automatic with the key", spec: { cmekKeyName: "k" }, want: { automatic: { customerManagedEncryption: kms } } },
    { name: "locations", spec: { replicationLocations: ["a", "b"] }, want: { userManaged: { replicas: [{ location: "a" }, { location: "b" }] } } },
    { name: "deprecated single location", spec: { replicationLocation: "a" }, want: { userManaged: { replicas: [{ location: "a" }] } } },
    { name: "locations win over the deprecated field", spec: { replicationLocation: "a", replicationLocations: ["b"] }, want: { userManaged: { replicas: [{ location: "b" }] } } },
    { name: "locations with CMEK on every replica", spec: { replicationLocations: ["a", "b"], cmekKeyName: "k" }, want: { userManaged: { replicas: [{ location: "a", customerManagedEncryption: kms }, { location: "b", customerManagedEncryption: kms }] } } },
  ];
  for (const { name, spec, want } of replication) it(`replication: ${name}`, () => assert.deepEqual(replicationFor(spec), want));

  it("sameEntries: absent and empty are equal; values and key sets matter", () => {
    assert.ok(sameEntries(undefined, {}));
    assert.ok(sameEntries({ a: "1", b: "2" }, { b: "2", a: "1" }));
    assert.ok(!sameEntries({ a: "1" }, { a: "2" }));
    assert.ok(!sameEntries({ a: "1" }, { a: "1", b: "2" }));
    assert.ok(!sameEntries({ a: "1", b: "2" }, { a: "1", c: "2" }));
  });
});

describe("gcpsm push: properties", () => {
  it("merges, keeping other keys, their order and their exact number text", () => {
    const object = jsonObjectOf('{"a":12345678901234567890,"b":[1.50,{"c":1e3}],"s":"x"}', "k");
    assert.equal(withProperty(object, "p", "v"), '{"a":12345678901234567890,"b":[1.50,{"c":1e3}],"s":"x","p":"v"}');
    assert.equal(withProperty(object, "s", "y"), '{"a":12345678901234567890,"b":[1.50,{"c":1e3}],"s":"y"}');
    assert.equal(withProperty(undefined, "a.b", "v"), '{"a.b":"v"}');
  });
  it("holdsProperty only for the same string", () => {
    const object = jsonObjectOf('{"n":1,"s":"1"}', "k");
    assert.ok(holdsProperty(object, "s", "1"));
    assert.ok(!holdsProperty(object, "n", "1"));
    assert.ok(!holdsProperty(object, "missing", ""));
  });
  it("removes a property; nothing left is undefined", () => {
    assert.equal(withoutProperty(jsonObjectOf('{"a":"1","b":"2"}', "k"), "a"), '{"b":"2"}');
    assert.equal(withoutProperty(jsonObjectOf('{"a":"1"}', "k"), "a"), undefined);
  });
  for (const payload of ["secret-text-4711", '["secret-text-4711"]', "null", '"secret-text-4711"', '{"a":"secret-text-4711"']) {
    it(`a payload that is not a JSON object (${payload.slice(0, 12)}…) is an error without the value`, () => {
      assert.throws(
        () => jsonObjectOf(payload, "db"),
        (err: Error) => err instanceof ProviderError && /secret db is not a JSON object/.test(err.message) && !err.message.includes("4711"),
      );
    });
  }
});
