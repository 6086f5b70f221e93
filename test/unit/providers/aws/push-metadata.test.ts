// PushSecret metadata for AWS (push-metadata.ts): ESO's envelope and defaults, strict parsing, the mark, tag diffs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parameterStorePushOptions, secretsManagerPushOptions, tagChanges } from "../../../../providers/aws/push-metadata.ts";
import { deletionSettingsRefusal } from "../../../../providers/aws/sm-push.ts";
import { samePolicy } from "../../../../providers/aws/sm-resource-policy.ts";
import { replicationChanges } from "../../../../providers/aws/sm-replication.ts";
import { parameterText } from "../../../../providers/aws/ps-push.ts";
import { ConfigError } from "../../../../src/provider/errors.ts";

const meta = (spec: unknown) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
const bytes = (text: string) => new TextEncoder().encode(text);

describe("secretsManagerPushOptions", () => {
  it("fills in ESO's defaults", () => {
    assert.deepEqual(secretsManagerPushOptions(undefined, "k"), {
      format: "binary",
      description: "secret 'managed-by:external-secrets'",
      kmsKeyId: "alias/aws/secretsmanager",
      tags: { "managed-by": "external-secrets" },
      manageTags: false,
      replicationLocations: undefined,
      resourcePolicy: undefined,
    });
  });
  it("takes the entry's fields", () => {
    const got = secretsManagerPushOptions(meta({ secretPushFormat: "string", description: "d", kmsKeyId: "alias/k", tags: { team: "a" } }), "k");
    assert.deepEqual(got, { format: "string", description: "d", kmsKeyId: "alias/k", tags: { team: "a", "managed-by": "external-secrets" }, manageTags: true, replicationLocations: undefined, resourcePolicy: undefined });
    const policy = secretsManagerPushOptions(meta({ resourcePolicy: { blockPublicPolicy: true, policySourceRef: { kind: "ConfigMap", name: "p", key: "k" } } }), "k").resourcePolicy;
    assert.deepEqual(policy, { source: { kind: "ConfigMap", name: "p", key: "k" }, blockPublicPolicy: true });
  });
  const invalid = [
    { name: "a wrong kind", given: { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "Other" } },
    { name: "a wrong apiVersion", given: { apiVersion: "v1", kind: "PushSecretMetadata" } },
    { name: "an unknown field (ESO parses strictly)", given: meta({ tag: { a: "b" } }) },
    { name: "an unknown format", given: meta({ secretPushFormat: "yaml" }) },
    { name: "the mark among the tags", given: meta({ tags: { "managed-by": "me" } }) },
    { name: "a policy source of another kind", given: meta({ resourcePolicy: { policySourceRef: { kind: "Namespace", name: "p", key: "k" } } }) },
    { name: "an empty region", given: meta({ replicationLocations: [""] }) },
    { name: "not an object", given: "tags: x" },
  ];
  for (const { name, given } of invalid) it(`refuses ${name}`, () => assert.throws(() => secretsManagerPushOptions(given, "k"), ConfigError));
});

describe("parameterStorePushOptions", () => {
  it("fills in ESO's defaults", () => {
    assert.deepEqual(parameterStorePushOptions(undefined, "k"), {
      type: "String",
      kmsKeyId: undefined,
      advanced: undefined,
      encodeAsDecoded: false,
      description: "secret 'managed-by:external-secrets'",
      tags: { "managed-by": "external-secrets" },
    });
  });
  it("SecureString gets a key, Advanced its policies", () => {
    const policies = [{ Type: "Expiration", Version: "1.0", Attributes: { Timestamp: "2030-01-01T00:00:00Z" } }];
    const got = parameterStorePushOptions(meta({ secretType: "SecureString", tier: { type: "Advanced", policies } }), "k");
    assert.equal(got.kmsKeyId, "alias/aws/ssm");
    assert.deepEqual(got.advanced, { policies: JSON.stringify(policies) });
    assert.equal(parameterStorePushOptions(meta({ secretType: "SecureString", kmsKeyID: "alias/mine" }), "k").kmsKeyId, "alias/mine");
  });
  it("refuses the SM spelling kmsKeyId (ESO's parameter store says kmsKeyID)", () => assert.throws(() => parameterStorePushOptions(meta({ kmsKeyId: "x" }), "k"), ConfigError));
  it("refuses an unknown type", () => assert.throws(() => parameterStorePushOptions(meta({ secretType: "Binary" }), "k"), ConfigError));
});

describe("parameterText", () => {
  const data = { b: bytes("two"), a: bytes("one") };
  it("whole Secret: base64 values by default, as ESO's json.Marshal of bytes", () =>
    assert.equal(parameterText({ remoteRef: { remoteKey: "k" }, data }, false), `{"a":"${btoa("one")}","b":"${btoa("two")}"}`));
  it("whole Secret with encodeAsDecoded: text values", () => assert.equal(parameterText({ remoteRef: { remoteKey: "k" }, data }, true), '{"a":"one","b":"two"}'));
  it("one key: its text", () => assert.equal(parameterText({ remoteRef: { remoteKey: "k" }, secretKey: "a", data }, false), "one"));
});

describe("tagChanges", () => {
  const table: Array<{ name: string; current: Record<string, string>; desired: Record<string, string>; want: unknown }> = [
    { name: "equal: nothing", current: { "managed-by": "external-secrets", a: "1" }, desired: { "managed-by": "external-secrets", a: "1" }, want: { remove: [], set: false } },
    { name: "a changed value", current: { "managed-by": "external-secrets", a: "1" }, desired: { "managed-by": "external-secrets", a: "2" }, want: { remove: [], set: true } },
    { name: "an extra tag", current: { "managed-by": "external-secrets", x: "1" }, desired: { "managed-by": "external-secrets" }, want: { remove: ["x"], set: false } },
  ];
  for (const { name, current, desired, want } of table) it(name, () => assert.deepEqual(tagChanges(current, desired), want));
});

describe("deletionSettingsRefusal", () => {
  const table = [
    { name: "none", given: {}, refused: false },
    { name: "force alone", given: { secretsManager: { forceDeleteWithoutRecovery: true } }, refused: false },
    { name: "a window of 7", given: { secretsManager: { recoveryWindowInDays: 7 } }, refused: false },
    { name: "a window of 6", given: { secretsManager: { recoveryWindowInDays: 6 } }, refused: true },
    { name: "a window of 31", given: { secretsManager: { recoveryWindowInDays: 31 } }, refused: true },
    { name: "both", given: { secretsManager: { recoveryWindowInDays: 10, forceDeleteWithoutRecovery: true } }, refused: true },
  ];
  for (const { name, given, refused } of table) it(name, () => assert.equal(deletionSettingsRefusal(given) !== undefined, refused));
});

describe("samePolicy", () => {
  const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}';
  const reordered = '{ "Statement": [{"Resource":"*","Action":"*","Principal":"*","Effect":"Deny"}], "Version": "2012-10-17" }';
  const table = [
    { name: "none wanted, none there", current: undefined, wanted: "", want: true },
    { name: "none wanted, one there", current: doc, wanted: "", want: false },
    { name: "one wanted, none there", current: undefined, wanted: doc, want: false },
    { name: "the same document, keys and spaces aside", current: reordered, wanted: doc, want: true },
    { name: "a different document", current: doc.replace("Deny", "Allow"), wanted: doc, want: false },
  ];
  for (const { name, current, wanted, want } of table) it(name, () => assert.equal(samePolicy(current, wanted), want));
});

describe("replicationChanges", () => {
  const table = [
    { name: "absent: left alone", current: ["eu-west-1"], wanted: undefined, want: { add: [], remove: [] } },
    { name: "empty: every replica removed", current: ["eu-west-1"], wanted: [], want: { add: [], remove: ["eu-west-1"] } },
    { name: "the same set in another order: nothing", current: ["eu-west-1", "us-west-2"], wanted: ["us-west-2", "eu-west-1"], want: { add: [], remove: [] } },
    { name: "one added, one removed", current: ["eu-west-1"], wanted: ["us-west-2", "us-west-2"], want: { add: ["us-west-2"], remove: ["eu-west-1"] } },
  ];
  for (const { name, current, wanted, want } of table) it(name, () => assert.deepEqual(replicationChanges(current, wanted), want));
});
