// PushSecret's AWS write half on the real moto, through the operator's own sessions (budget and answer-watch
// wrappers included): create, update, zero writes at rest (counted at the counting proxy), property merge and
// delete, whole-Secret pushes, ESO's metadata, ownership (a foreign secret is never written or deleted),
// deletion settings, an IAM-denied write, and no planted value in any error message or operator log.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, DescribeSecretCommand, GetResourcePolicyCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { DescribeParametersCommand, GetParameterCommand, ListTagsForResourceCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, startTestOperator, type TestOperator } from "../helpers/operator.ts";
import { storeReady } from "../helpers/tenants.ts";
import { awsStoreSpec, createCredentialsSecret, moto, opCounts, secretRefAuth, type ProxiedRequest } from "../helpers/moto.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import type { SecretStore } from "../../src/api/secret-store.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import type { PushClient, PushRequest } from "../../src/provider/types.ts";
import { wholeSecretJson } from "../../src/provider/push-value.ts";

const WRITES = new Set([
  "secretsmanager.CreateSecret",
  "secretsmanager.PutSecretValue",
  "secretsmanager.TagResource",
  "secretsmanager.UntagResource",
  "secretsmanager.DeleteSecret",
  "secretsmanager.RestoreSecret",
  "secretsmanager.PutResourcePolicy",
  "secretsmanager.DeleteResourcePolicy",
  "secretsmanager.ReplicateSecretToRegions",
  "secretsmanager.RemoveRegionsFromReplication",
  "ssm.PutParameter",
  "ssm.AddTagsToResource",
  "ssm.RemoveTagsFromResource",
  "ssm.DeleteParameter",
]);
/** The write operations the operator sent since the last clearLog, by operation. */
const writesIn = (requests: ProxiedRequest[]) => opCounts(requests.filter((r) => WRITES.has(r.op)));
const readsIn = (requests: ProxiedRequest[]) => opCounts(requests.filter((r) => !WRITES.has(r.op) && /^(secretsmanager|ssm)\./.test(r.op)));

const bytes = (text: string) => Buffer.from(text, "utf8");
const meta = (spec: Record<string, unknown>) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
const one = (remoteKey: string, value: string, extra: Partial<PushRequest> & { property?: string } = {}): PushRequest => {
  const { property, ...rest } = extra;
  return { remoteRef: { remoteKey, ...(property ? { property } : {}) }, secretKey: "v", data: { v: bytes(value) }, ...rest };
};
const tagsOf = (tags: Array<{ Key?: string; Value?: string }> | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

describe("aws provider: PushSecret on moto", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const errors: string[] = [];
  const values: string[] = [];
  const plant = (label: string) => {
    const value = planted(label);
    values.push(value);
    return value;
  };
  const storeSpec = (provider: Record<string, unknown>) => awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds"), ...provider });
  const session = async (name: string, provider: Record<string, unknown>): Promise<PushClient> => {
    const store = (await k.create("SecretStore", ns, name, storeSpec(provider))) as SecretStore;
    await storeReady("SecretStore", ns, name, "True");
    const status = ((await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name })) as SecretStore).status;
    assert.equal(status?.capabilities, "ReadWrite");
    const client = await op.operator.sessions.get(store, ns);
    assert.ok(client.push, "an AWS session can write");
    return client.push;
  };
  /** Runs `call`, expects it to fail with `name`, and keeps the message for the leak check. */
  const refused = async (call: Promise<unknown>, name: string, message: RegExp) => {
    await assert.rejects(call, (err: Error) => {
      errors.push(err.message);
      assert.equal(err.name, name, err.message);
      assert.match(err.message, message);
      return true;
    });
  };
  const smText = async (id: string) => {
    const res = await m.sm.send(new GetSecretValueCommand({ SecretId: id }));
    return res.SecretString ?? Buffer.from(res.SecretBinary!).toString("utf8");
  };
  const psValue = async (name: string) => (await m.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter!;
  const psTags = async (name: string) => tagsOf((await m.ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }))).TagList);

  let sm: PushClient;
  let smForce: PushClient;
  let ps: PushClient;

  before(async () => {
    await m.reset();
    ns = await freshNamespace("push-aws");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
    sm = await session("sm", {});
    smForce = await session("sm-force", { secretsManager: { forceDeleteWithoutRecovery: true } });
    ps = await session("ps", { service: "ParameterStore" });
  });
  after(async () => {
    await op?.stop();
    await m.enforceAuth(false);
    m.close();
  });

  describe("Secrets Manager", () => {
    it("creates a marked secret with ESO's defaults; an identical push writes nothing", async () => {
      const v1 = plant("sm-v1");
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/a", v1)), "created");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.CreateSecret": 1 });
      const described = await m.sm.send(new DescribeSecretCommand({ SecretId: "push/a" }));
      assert.deepEqual(tagsOf(described.Tags), { "managed-by": "external-secrets" });
      assert.equal(described.Description, "secret 'managed-by:external-secrets'");
      const value = await m.sm.send(new GetSecretValueCommand({ SecretId: "push/a" }));
      assert.equal(value.SecretString, undefined, "ESO's default format is binary");
      assert.equal(Buffer.from(value.SecretBinary!).toString("utf8"), v1);

      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/a", v1)), "unchanged");
      const requests = await m.requests();
      assert.deepEqual(writesIn(requests), {}, "zero writes at rest");
      assert.deepEqual(readsIn(requests), { "secretsmanager.DescribeSecret": 1, "secretsmanager.GetSecretValue": 1 });
    });

    it("a changed value is one PutSecretValue", async () => {
      const v2 = plant("sm-v2");
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/a", v2)), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.PutSecretValue": 1 });
      assert.equal(await smText("push/a"), v2);
    });

    it("metadata: string format, description, KMS key and tags; changed tags are patched without a value write", async () => {
      const v = plant("sm-meta");
      const spec = { secretPushFormat: "string", description: "pushed by the test", kmsKeyId: "alias/test-key", tags: { team: "a", tier: "gold" } };
      assert.equal(await sm.pushSecret(one("push/meta", v, { metadata: meta(spec) })), "created");
      const described = await m.sm.send(new DescribeSecretCommand({ SecretId: "push/meta" }));
      assert.deepEqual(tagsOf(described.Tags), { "managed-by": "external-secrets", team: "a", tier: "gold" });
      assert.equal(described.Description, "pushed by the test");
      assert.equal(described.KmsKeyId, "alias/test-key");
      assert.equal((await m.sm.send(new GetSecretValueCommand({ SecretId: "push/meta" }))).SecretString, v);

      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/meta", v, { metadata: meta({ ...spec, tags: { team: "b" } }) })), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.UntagResource": 1, "secretsmanager.TagResource": 1 });
      assert.deepEqual(tagsOf((await m.sm.send(new DescribeSecretCommand({ SecretId: "push/meta" }))).Tags), { "managed-by": "external-secrets", team: "b" });

      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/meta", v, { metadata: meta({ ...spec, tags: { team: "b" } }) })), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      await refused(sm.pushSecret(one("push/meta", v, { metadata: meta({ secretPushFormat: "yaml" }) })), "ConfigError", /metadata of the entry for push\/meta is not a valid PushSecretMetadata/);
      await refused(sm.pushSecret(one("push/meta", v, { metadata: meta({ tags: { "managed-by": "me" } }) })), "ConfigError", /cannot set "managed-by"/);
    });

    it("metadata resourcePolicy: the document from a ConfigMap or a Secret, written only when it differs", async () => {
      const policy = (effect: string) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: effect, Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }] });
      const currentPolicy = async () => (await m.sm.send(new GetResourcePolicyCommand({ SecretId: "push/policy" }))).ResourcePolicy;
      const fromConfigMap = meta({ resourcePolicy: { blockPublicPolicy: true, policySourceRef: { kind: "ConfigMap", name: "policy", key: "doc" } } });
      const v = plant("sm-policy");
      await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "policy" }, data: { doc: policy("Allow") } } });

      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/policy", v, { metadata: fromConfigMap })), "created");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.CreateSecret": 1, "secretsmanager.PutResourcePolicy": 1 });
      assert.deepEqual(JSON.parse((await currentPolicy())!), JSON.parse(policy("Allow")));

      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/policy", v, { metadata: fromConfigMap })), "unchanged");
      const requests = await m.requests();
      assert.deepEqual(writesIn(requests), {}, "zero writes at rest");
      assert.equal(readsIn(requests)["secretsmanager.GetResourcePolicy"], 1);

      await k.core.replaceNamespacedConfigMap({ name: "policy", namespace: ns, body: { metadata: { name: "policy" }, data: { doc: policy("Deny") } } });
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/policy", v, { metadata: fromConfigMap })), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.PutResourcePolicy": 1 });
      assert.deepEqual(JSON.parse((await currentPolicy())!), JSON.parse(policy("Deny")));

      // An empty document (here from a Secret) removes the policy, once.
      await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "policy" }, stringData: { doc: "" } } });
      const fromSecret = meta({ resourcePolicy: { policySourceRef: { kind: "Secret", name: "policy", key: "doc" } } });
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/policy", v, { metadata: fromSecret })), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.DeleteResourcePolicy": 1 });
      assert.equal(await currentPolicy(), undefined);
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/policy", v, { metadata: fromSecret })), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      // Without resourcePolicy the policy is not looked at (ESO would delete it on every push).
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/policy", v)), "unchanged");
      assert.equal(readsIn(await m.requests())["secretsmanager.GetResourcePolicy"], undefined);

      // A reference that does not resolve fails before anything is written.
      await m.clearLog();
      const missing = meta({ resourcePolicy: { policySourceRef: { kind: "ConfigMap", name: "policy", key: "nope" } } });
      await refused(sm.pushSecret(one("push/policy-new", v, { metadata: missing })), "ConfigError", /^resourcePolicy of the entry for push\/policy-new: key nope not found in ConfigMap policy$/);
      const none = await m.requests();
      assert.deepEqual({ ...writesIn(none), ...readsIn(none) }, {}, "not even a read");
    });

    it("metadata replicationLocations: replicas made with the secret, changed only when the set differs, removed before deletion", async () => {
      const v = plant("sm-replica");
      const regions = async () => ((await m.sm.send(new DescribeSecretCommand({ SecretId: "push/replicated" }))).ReplicationStatus ?? []).map((r) => r.Region).sort();
      const replicated = (replicationLocations: string[]) => one("push/replicated", v, { metadata: meta({ replicationLocations }) });
      await m.clearLog();
      assert.equal(await smForce.pushSecret(replicated(["us-east-1", "us-west-2"])), "created");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.CreateSecret": 1 }, "replicas are part of the create");
      assert.deepEqual(await regions(), ["us-east-1", "us-west-2"]);

      await m.clearLog();
      assert.equal(await smForce.pushSecret(replicated(["us-west-2", "us-east-1"])), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      await m.clearLog();
      assert.equal(await smForce.pushSecret(replicated(["us-west-2", "ap-south-1"])), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.RemoveRegionsFromReplication": 1, "secretsmanager.ReplicateSecretToRegions": 1 });
      assert.deepEqual(await regions(), ["ap-south-1", "us-west-2"]);

      // Without replicationLocations, replication is left as it is.
      await m.clearLog();
      assert.equal(await smForce.pushSecret(one("push/replicated", v)), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      await m.clearLog();
      assert.equal(await smForce.deleteSecret({ remoteKey: "push/replicated" }), "deleted");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.RemoveRegionsFromReplication": 1, "secretsmanager.DeleteSecret": 1 });
      await assert.rejects(m.sm.send(new DescribeSecretCommand({ SecretId: "push/replicated" })), { name: "ResourceNotFoundException" });
    });

    it("a property is merged into the JSON object (others kept); delete removes one property, then the secret", async () => {
      const user = plant("sm-user");
      const password = plant("sm-password");
      assert.equal(await sm.pushSecret(one("push/db", user, { property: "user" })), "created");
      assert.equal(await sm.pushSecret(one("push/db", password, { property: "password" })), "updated");
      assert.deepEqual(JSON.parse(await smText("push/db")), { user, password });
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/db", password, { property: "password" })), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      assert.equal(await sm.secretExists({ remoteKey: "push/db" }), true);
      assert.equal(await sm.secretExists({ remoteKey: "push/db", property: "password" }), true);
      assert.equal(await sm.secretExists({ remoteKey: "push/db", property: "missing" }), false);

      assert.equal(await sm.deleteSecret({ remoteKey: "push/db", property: "missing" }), "absent");
      assert.equal(await sm.deleteSecret({ remoteKey: "push/db", property: "user" }), "deleted");
      assert.deepEqual(JSON.parse(await smText("push/db")), { password });
      await m.clearLog();
      assert.equal(await sm.deleteSecret({ remoteKey: "push/db", property: "password" }), "deleted");
      assert.deepEqual(writesIn(await m.requests()), { "secretsmanager.DeleteSecret": 1 });
      // The default store keeps AWS's recovery window: scheduled for deletion, gone for reads.
      assert.ok((await m.sm.send(new DescribeSecretCommand({ SecretId: "push/db" }))).DeletedDate, "scheduled for deletion");
      assert.equal(await sm.secretExists({ remoteKey: "push/db" }), false);
      assert.equal(await sm.deleteSecret({ remoteKey: "push/db" }), "absent");

      // Pushing it again restores it (ESO would fail until the recovery window ends).
      await m.clearLog();
      assert.equal(await sm.pushSecret(one("push/db", password, { property: "password" })), "updated");
      assert.equal(writesIn(await m.requests())["secretsmanager.RestoreSecret"], 1);
      assert.deepEqual(JSON.parse(await smText("push/db")), { password });
    });

    it("a property cannot go into a value that is not a JSON object, and the message does not show it", async () => {
      const v = plant("sm-plain");
      await sm.pushSecret(one("push/plain", v));
      await refused(sm.pushSecret(one("push/plain", "x", { property: "p" })), "ProviderError", /^secret push\/plain is not a JSON object/);
    });

    it("no secretKey: the whole Secret as one JSON object", async () => {
      const a = plant("sm-whole-a");
      const b = plant("sm-whole-b");
      const data = { b: bytes(b), a: bytes(a) };
      assert.equal(await sm.pushSecret({ remoteRef: { remoteKey: "push/whole" }, data }), "created");
      assert.equal(await smText("push/whole"), wholeSecretJson(data));
      await m.clearLog();
      assert.equal(await sm.pushSecret({ remoteRef: { remoteKey: "push/whole" }, data }), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});
    });

    it("a secret without the mark is never written over nor deleted", async () => {
      const foreign = plant("sm-foreign");
      await m.sm.send(new CreateSecretCommand({ Name: "foreign/x", SecretString: foreign, Tags: [{ Key: "managed-by", Value: "someone-else" }] }));
      await m.clearLog();
      await refused(sm.pushSecret(one("foreign/x", plant("sm-over"))), "NotOwnedError", /^secret foreign\/x exists and is not managed by external-secrets/);
      await refused(sm.pushSecret(one("foreign/x", "v", { property: "p" })), "NotOwnedError", /foreign\/x/);
      assert.equal(await sm.deleteSecret({ remoteKey: "foreign/x" }), "not-owned");
      assert.equal(await smForce.deleteSecret({ remoteKey: "foreign/x", property: "p" }), "not-owned");
      assert.deepEqual(writesIn(await m.requests()), {}, "nothing was written");
      assert.equal(await smText("foreign/x"), foreign);
      assert.equal(await sm.secretExists({ remoteKey: "foreign/x" }), true);
    });

    it("missing: delete is absent, secretExists false; forceDeleteWithoutRecovery deletes at once", async () => {
      assert.equal(await sm.deleteSecret({ remoteKey: "push/never" }), "absent");
      assert.equal(await sm.secretExists({ remoteKey: "push/never" }), false);
      assert.equal(await sm.secretExists({ remoteKey: "push/never", property: "p" }), false);
      await smForce.pushSecret(one("push/forced", plant("sm-forced")));
      assert.equal(await smForce.deleteSecret({ remoteKey: "push/forced" }), "deleted");
      await assert.rejects(m.sm.send(new DescribeSecretCommand({ SecretId: "push/forced" })), { name: "ResourceNotFoundException" });
    });

    it("a store with invalid deletion settings is not Ready (ESO validates them)", async () => {
      await k.create("SecretStore", ns, "sm-bad", storeSpec({ secretsManager: { recoveryWindowInDays: 3 } }));
      const condition = await storeReady("SecretStore", ns, "sm-bad", "False");
      assert.match(condition.message ?? "", /recoveryWindowInDays must be between 7 and 30 days/);
    });
  });

  describe("Parameter Store", () => {
    it("creates a marked String parameter; an identical push writes nothing", async () => {
      const v1 = plant("ps-v1");
      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/a", v1)), "created");
      assert.deepEqual(writesIn(await m.requests()), { "ssm.PutParameter": 1 });
      const parameter = await psValue("/push/a");
      assert.equal(parameter.Value, v1);
      assert.equal(parameter.Type, "String");
      assert.deepEqual(await psTags("/push/a"), { "managed-by": "external-secrets" });

      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/a", v1)), "unchanged");
      const requests = await m.requests();
      assert.deepEqual(writesIn(requests), {}, "zero writes at rest");
      assert.deepEqual(readsIn(requests), { "ssm.GetParameter": 1, "ssm.ListTagsForResource": 1 });

      const v2 = plant("ps-v2");
      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/a", v2)), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "ssm.PutParameter": 1 });
      assert.equal((await psValue("/push/a")).Value, v2);
    });

    it("metadata: SecureString with a KMS key, description, tier and tags; a tag change alone writes tags only", async () => {
      const v = plant("ps-meta");
      const policies = [{ Type: "Expiration", Version: "1.0", Attributes: { Timestamp: "2099-01-01T00:00:00.000Z" } }];
      const spec = { secretType: "SecureString", kmsKeyID: "alias/test-key", description: "pushed by the test", tier: { type: "Advanced", policies }, tags: { team: "a" } };
      assert.equal(await ps.pushSecret(one("/push/meta", v, { metadata: meta(spec) })), "created");
      assert.equal((await psValue("/push/meta")).Type, "SecureString");
      assert.equal((await psValue("/push/meta")).Value, v);
      const described = (await m.ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: ["/push/meta"] }] }))).Parameters?.[0];
      assert.equal(described?.Description, "pushed by the test");
      assert.equal(described?.KeyId, "alias/test-key");
      assert.equal(described?.Tier, "Advanced");
      assert.deepEqual(await psTags("/push/meta"), { "managed-by": "external-secrets", team: "a" });

      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/meta", v, { metadata: meta({ ...spec, tags: { owner: "b" } }) })), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "ssm.RemoveTagsFromResource": 1, "ssm.AddTagsToResource": 1 });
      assert.deepEqual(await psTags("/push/meta"), { "managed-by": "external-secrets", owner: "b" });

      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/meta", v, { metadata: meta({ ...spec, tags: { owner: "b" } }) })), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      // A type change alone is an overwrite (the value is the same).
      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/meta", v, { metadata: meta({ tags: { owner: "b" } }) })), "updated");
      assert.deepEqual(writesIn(await m.requests()), { "ssm.PutParameter": 1 });
      assert.equal((await psValue("/push/meta")).Type, "String");

      await refused(ps.pushSecret(one("/push/meta", v, { metadata: meta({ secretType: "Binary" }) })), "ConfigError", /not a valid PushSecretMetadata/);
    });

    it("a property is merged into the JSON object (others kept); delete removes one property, then the parameter", async () => {
      const user = plant("ps-user");
      const password = plant("ps-password");
      assert.equal(await ps.pushSecret(one("/push/db", user, { property: "user" })), "created");
      assert.equal(await ps.pushSecret(one("/push/db", password, { property: "password" })), "updated");
      assert.deepEqual(JSON.parse((await psValue("/push/db")).Value!), { user, password });
      await m.clearLog();
      assert.equal(await ps.pushSecret(one("/push/db", password, { property: "password" })), "unchanged");
      assert.deepEqual(writesIn(await m.requests()), {});

      assert.equal(await ps.secretExists({ remoteKey: "/push/db", property: "user" }), true);
      assert.equal(await ps.secretExists({ remoteKey: "/push/db", property: "missing" }), false);
      assert.equal(await ps.deleteSecret({ remoteKey: "/push/db", property: "user" }), "deleted");
      assert.deepEqual(JSON.parse((await psValue("/push/db")).Value!), { password });
      await m.clearLog();
      assert.equal(await ps.deleteSecret({ remoteKey: "/push/db", property: "password" }), "deleted");
      assert.deepEqual(writesIn(await m.requests()), { "ssm.DeleteParameter": 1 });
      assert.equal(await ps.secretExists({ remoteKey: "/push/db" }), false);
      assert.equal(await ps.deleteSecret({ remoteKey: "/push/db" }), "absent");
    });

    it("no secretKey: the whole Secret as JSON, base64 values unless encodeAsDecoded (as ESO's parameter store)", async () => {
      const a = plant("ps-whole-a");
      const data = { a: bytes(a), b: bytes("two") };
      assert.equal(await ps.pushSecret({ remoteRef: { remoteKey: "/push/whole" }, data }), "created");
      assert.deepEqual(JSON.parse((await psValue("/push/whole")).Value!), { a: bytes(a).toString("base64"), b: bytes("two").toString("base64") });
      assert.equal(await ps.pushSecret({ remoteRef: { remoteKey: "/push/whole" }, data, metadata: meta({ encodeAsDecoded: true }) }), "updated");
      assert.equal((await psValue("/push/whole")).Value, wholeSecretJson(data));
    });

    it("a parameter without the mark is never written over nor deleted", async () => {
      const foreign = plant("ps-foreign");
      await m.ssm.send(new PutParameterCommand({ Name: "/foreign/x", Value: foreign, Type: "SecureString" }));
      await m.clearLog();
      await refused(ps.pushSecret(one("/foreign/x", plant("ps-over"))), "NotOwnedError", /^parameter \/foreign\/x exists and is not managed by external-secrets/);
      assert.equal(await ps.deleteSecret({ remoteKey: "/foreign/x" }), "not-owned");
      assert.deepEqual(writesIn(await m.requests()), {}, "nothing was written");
      assert.equal((await psValue("/foreign/x")).Value, foreign);
      assert.equal(await ps.secretExists({ remoteKey: "/foreign/x" }), true);
    });

    it("missing: delete is absent, secretExists false", async () => {
      assert.equal(await ps.deleteSecret({ remoteKey: "/push/never" }), "absent");
      assert.equal(await ps.secretExists({ remoteKey: "/push/never" }), false);
    });
  });

  describe("failing writes (faults injected at the counting proxy)", () => {
    it("a create that lost a race is a WriteConflictError; 5xx beyond the SDK's retries is ProviderUnavailableError", async () => {
      await m.inject([
        { op: "secretsmanager.CreateSecret", id: "push/race", status: 400, code: "ResourceExistsException", times: 1 },
        { op: "ssm.PutParameter", id: "/push/race", status: 400, code: "ParameterAlreadyExists", times: 1 },
      ]);
      await refused(sm.pushSecret(one("push/race", plant("race-sm"))), "WriteConflictError", /^CreateSecret push\/race: ResourceExistsException/);
      await refused(ps.pushSecret(one("/push/race", plant("race-ps"))), "WriteConflictError", /^PutParameter \/push\/race: ParameterAlreadyExists/);
      // The next attempt reads again and creates it.
      assert.equal(await sm.pushSecret(one("push/race", plant("race-sm-2"))), "created");

      await m.clearLog();
      await m.inject([{ op: "secretsmanager.PutSecretValue", id: "push/race", status: 503, code: "ServiceUnavailable", times: 3 }]);
      await refused(sm.pushSecret(one("push/race", plant("race-sm-3"))), "ProviderUnavailableError", /^PutSecretValue push\/race: ServiceUnavailable \(HTTP 503\)/);
      const attempts = await m.requests("secretsmanager.PutSecretValue");
      assert.deepEqual(attempts.map((r) => r.fault ?? "ok"), ["ServiceUnavailable", "ServiceUnavailable", "ServiceUnavailable"], "the SDK's 3 attempts, then the error");
    });

    it("writes are counted in the provider calls metric", async () => {
      const before = providerCallCount({ provider: "aws", call: "PutSecretValue", status: "success" });
      assert.equal(await sm.pushSecret(one("push/race", plant("counted"))), "updated");
      assert.equal(providerCallCount({ provider: "aws", call: "PutSecretValue", status: "success" }) - before, 1);
    });
  });

  describe("denied writes (moto enforcing IAM)", () => {
    let smReader: PushClient;
    let psReader: PushClient;
    before(async () => {
      await m.sm.send(new CreateSecretCommand({ Name: "guarded/owned", SecretString: "old", Tags: [{ Key: "managed-by", Value: "external-secrets" }] }));
      await m.ssm.send(new PutParameterCommand({ Name: "/guarded/owned", Value: "old", Type: "String", Tags: [{ Key: "managed-by", Value: "external-secrets" }] }));
      await m.iam.send(new CreateUserCommand({ UserName: "push-reader" }));
      const key = (await m.iam.send(new CreateAccessKeyCommand({ UserName: "push-reader" }))).AccessKey!;
      const read = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecrets", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"];
      await m.iam.send(new PutUserPolicyCommand({ UserName: "push-reader", PolicyName: "read", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: read, Resource: "*" }] }) }));
      await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "reader-creds" }, stringData: { "access-key-id": key.AccessKeyId!, "secret-access-key": key.SecretAccessKey! } } });
      values.push(key.SecretAccessKey!);
      await m.enforceAuth(true);
      smReader = await session("sm-reader", { auth: secretRefAuth("reader-creds") });
      psReader = await session("ps-reader", { service: "ParameterStore", auth: secretRefAuth("reader-creds") });
    });
    after(() => m.enforceAuth(false));

    it("Secrets Manager: CreateSecret and PutSecretValue refused are PermissionDeniedError", async () => {
      await refused(smReader.pushSecret(one("guarded/new", plant("denied-new"))), "PermissionDeniedError", /^CreateSecret guarded\/new: permission denied \(AccessDenied/);
      await refused(smReader.pushSecret(one("guarded/owned", plant("denied-put"))), "PermissionDeniedError", /^PutSecretValue guarded\/owned: permission denied/);
      await refused(smReader.deleteSecret({ remoteKey: "guarded/owned" }), "PermissionDeniedError", /^DeleteSecret .*permission denied/);
    });

    it("Parameter Store: PutParameter refused is PermissionDeniedError", async () => {
      await refused(psReader.pushSecret(one("/guarded/new", plant("denied-ps-new"))), "PermissionDeniedError", /^PutParameter \/guarded\/new: permission denied \(AccessDenied/);
      await refused(psReader.pushSecret(one("/guarded/owned", plant("denied-ps-put"))), "PermissionDeniedError", /^PutParameter \/guarded\/owned: permission denied/);
      await refused(psReader.deleteSecret({ remoteKey: "/guarded/owned" }), "PermissionDeniedError", /^DeleteParameter \/guarded\/owned: permission denied/);
    });
  });

  it("no planted value appears in an error message or the operator's logs", () => {
    assert.ok(errors.length >= 10, `the failures above were collected (${errors.length})`);
    const logs = op.logs();
    for (const value of values) {
      for (const form of leakForms(value)) {
        assert.ok(!errors.some((message) => message.includes(form)), "a planted value appeared in an error message");
        assert.ok(!logs.includes(form), "a planted value appeared in the operator's logs");
      }
    }
  });
});
