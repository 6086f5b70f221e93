// AWS Secrets Manager on the real moto, static keys from a Secret: every version form, binary values, property
// paths, extract, find by name / tags / path, metadataPolicy: Fetch, rotation, a deleted secret under each
// deletionPolicy; no planted value in logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator, waitForReady } from "../helpers/operator.ts";
import { awsStoreSpec, moto, secretRefAuth, createCredentialsSecret } from "../helpers/moto.ts";
import { planted } from "../helpers/planted.ts";
import { RAW_JSON, RAW_JSON_WANT, rawJsonSpec } from "../helpers/raw-json.ts";


describe("aws provider: Secrets Manager on moto", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const v1 = planted();
  const v2 = planted();
  const green = planted();
  const token = planted();
  const dotted = planted();
  const flagA = planted();
  const rotated = planted();
  const binary = Uint8Array.from([0, 1, 2, 253, 254, 255, ...randomBytes(8)]);
  const values = () => [v1, v2, green, token, dotted, flagA, rotated];
  let firstVersionId = "";

  const readyEs = (name: string, status: string, reason?: string) => waitForReady(k, ns, name, status, reason);

  before(async () => {
    await m.reset();
    const db = (password: string) => JSON.stringify({ username: "app", password, hosts: ["a.example", "b.example"], "tls.crt": dotted, nested: { port: 5432 } });
    firstVersionId = (await m.sm.send(new CreateSecretCommand({ Name: "app/db", SecretString: db(v1), Tags: [{ Key: "team", Value: "payments" }, { Key: "tier", Value: "gold" }] }))).VersionId!;
    await m.sm.send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: db(v2) }));
    await m.sm.send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: db(green), VersionStages: ["green"] }));
    await m.sm.send(new CreateSecretCommand({ Name: "app/token", SecretString: token, Tags: [{ Key: "team", Value: "payments" }] }));
    await m.sm.send(new CreateSecretCommand({ Name: "app/cert", SecretBinary: binary }));
    await m.sm.send(new CreateSecretCommand({ Name: "flags/a", SecretString: flagA, Tags: [{ Key: "team", Value: "web" }] }));
    await m.sm.send(new CreateSecretCommand({ Name: "flags/b", SecretString: "off", Tags: [{ Key: "team", Value: "web" }, { Key: "tier", Value: "gold" }] }));
    await m.sm.send(new CreateSecretCommand({ Name: "other/x", SecretString: "x", Tags: [{ Key: "team", Value: "web-legacy" }] }));
    await m.sm.send(new CreateSecretCommand({ Name: "doomed", SecretString: "here-now" }));
    await m.sm.send(new CreateSecretCommand({ Name: "json/pretty", SecretString: RAW_JSON }));
    await m.sm.send(new CreateSecretCommand({ Name: "doomed-retain", SecretString: "here-now" }));
    ns = await freshNamespace("aws-sm");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "aws", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds") }));
  });
  after(async () => {
    await op?.stop();
    m.close();
  });

  it("reads AWSCURRENT by default, AWSPREVIOUS, a custom stage and uuid/<VersionId>", async () => {
    await k.create("ExternalSecret", ns, "versions", {
      refreshInterval: "1h",
      secretStoreRef: { name: "aws", kind: "SecretStore" },
      data: [
        { secretKey: "current", remoteRef: { key: "app/db", property: "password" } },
        { secretKey: "current-explicit", remoteRef: { key: "app/db", property: "password", version: "AWSCURRENT" } },
        { secretKey: "previous", remoteRef: { key: "app/db", property: "password", version: "AWSPREVIOUS" } },
        { secretKey: "stage", remoteRef: { key: "app/db", property: "password", version: "green" } },
        { secretKey: "by-id", remoteRef: { key: "app/db", property: "password", version: `uuid/${firstVersionId}` } },
      ],
    });
    const secret = await waitFor("secret versions", () => k.secret(ns, "versions"));
    assert.deepEqual(decoded(secret), { current: v2, "current-explicit": v2, previous: v1, stage: green, "by-id": v1 });
    await readyEs("versions", "True", "SecretSynced");
  });

  it("keeps binary values byte for byte", async () => {
    await k.create("ExternalSecret", ns, "binary", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, data: [{ secretKey: "cert", remoteRef: { key: "app/cert" } }] });
    const secret = await waitFor("secret binary", () => k.secret(ns, "binary"));
    assert.deepEqual(Buffer.from(secret.data!["cert"]!, "base64"), Buffer.from(binary));
  });

  it("picks properties with ESO's path syntax: dots, array indexes, escaped dots", async () => {
    await k.create("ExternalSecret", ns, "paths", {
      refreshInterval: "1h",
      secretStoreRef: { name: "aws" },
      data: [
        { secretKey: "port", remoteRef: { key: "app/db", property: "nested.port" } },
        { secretKey: "host1", remoteRef: { key: "app/db", property: "hosts.1" } },
        { secretKey: "crt", remoteRef: { key: "app/db", property: "tls\\.crt" } },
        { secretKey: "crt-literal", remoteRef: { key: "app/db", property: "tls.crt" } },
      ],
    });
    const secret = await waitFor("secret paths", () => k.secret(ns, "paths"));
    assert.deepEqual(decoded(secret), { port: "5432", host1: "b.example", crt: dotted, "crt-literal": dotted });
  });

  it("hands JSON on as stored: a selected or extracted object keeps its whitespace, numbers as gjson/RawMessage (ESO)", async () => {
    await k.create("ExternalSecret", ns, "pretty", { secretStoreRef: { name: "aws" }, ...rawJsonSpec("json/pretty") });
    const secret = await waitFor("secret pretty", () => k.secret(ns, "pretty"));
    assert.deepEqual(decoded(secret), RAW_JSON_WANT);
  });

  it("explodes a JSON secret with dataFrom.extract", async () => {
    await k.create("ExternalSecret", ns, "extract", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, dataFrom: [{ extract: { key: "app/db" } }] });
    const secret = await waitFor("secret extract", () => k.secret(ns, "extract"));
    assert.deepEqual(decoded(secret), { username: "app", password: v2, hosts: '["a.example","b.example"]', "tls.crt": dotted, nested: '{"port":5432}' });
  });

  it("finds secrets by name regexp, by tags and by path", async () => {
    await k.create("ExternalSecret", ns, "find-name", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, dataFrom: [{ find: { name: { regexp: "^flags/" } } }] });
    await k.create("ExternalSecret", ns, "find-tags", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, dataFrom: [{ find: { tags: { team: "web", tier: "gold" } } }] });
    await k.create("ExternalSecret", ns, "find-path", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, dataFrom: [{ find: { path: "app/" } }] });
    assert.deepEqual(decoded(await waitFor("find-name", () => k.secret(ns, "find-name"))), { flags_a: flagA, flags_b: "off" });
    // tier=gold alone would also match app/db, team=web alone flags/a: both tags must match on one secret.
    assert.deepEqual(decoded(await waitFor("find-tags", () => k.secret(ns, "find-tags"))), { flags_b: "off" });
    const byPath = decoded(await waitFor("find-path", () => k.secret(ns, "find-path")));
    assert.deepEqual(Object.keys(byPath).sort(), ["app_cert", "app_db", "app_token"]);
    assert.equal(byPath["app_token"], token);
  });

  it("prepends the store's prefix to keys and to find.path", async () => {
    await k.create("SecretStore", ns, "aws-prefixed", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds"), prefix: "app/" }));
    await k.create("ExternalSecret", ns, "prefixed", {
      refreshInterval: "1h",
      secretStoreRef: { name: "aws-prefixed" },
      data: [{ secretKey: "token", remoteRef: { key: "token" } }],
      dataFrom: [{ find: { path: "c" } }],
    });
    const secret = decoded(await waitFor("secret prefixed", () => k.secret(ns, "prefixed")));
    assert.deepEqual(Object.keys(secret).sort(), ["app_cert", "token"]);
    assert.equal(secret["token"], token);
  });

  it("returns tags with metadataPolicy: Fetch", async () => {
    await k.create("ExternalSecret", ns, "meta", {
      refreshInterval: "1h",
      secretStoreRef: { name: "aws" },
      data: [
        { secretKey: "team", remoteRef: { key: "app/db", property: "team", metadataPolicy: "Fetch" } },
        { secretKey: "all", remoteRef: { key: "app/token", metadataPolicy: "Fetch" } },
      ],
    });
    assert.deepEqual(decoded(await waitFor("secret meta", () => k.secret(ns, "meta"))), { team: "payments", all: '{"team":"payments"}' });
  });

  it("carries a rotation (PutSecretValue) into the Secret at the next refresh", async () => {
    await k.create("ExternalSecret", ns, "rotating", { refreshInterval: "1s", secretStoreRef: { name: "aws" }, data: [{ secretKey: "token", remoteRef: { key: "app/token" } }] });
    await waitFor("first token", async () => (decoded(await k.secret(ns, "rotating")).token === token ? true : undefined));
    await m.sm.send(new PutSecretValueCommand({ SecretId: "app/token", SecretString: rotated }));
    await waitFor("rotated token", async () => (decoded(await k.secret(ns, "rotating")).token === rotated ? true : undefined), 45_000);
    await readyEs("rotating", "True");
  });

  it("treats a secret scheduled for deletion as gone: Delete removes the Secret, Retain keeps it", async () => {
    await k.create("ExternalSecret", ns, "doomed", { refreshInterval: "1s", secretStoreRef: { name: "aws" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "v", remoteRef: { key: "doomed" } }] });
    await k.create("ExternalSecret", ns, "doomed-retain", { refreshInterval: "1s", secretStoreRef: { name: "aws" }, data: [{ secretKey: "v", remoteRef: { key: "doomed-retain" } }] });
    await waitFor("secret doomed", () => k.secret(ns, "doomed"));
    await waitFor("secret doomed-retain", () => k.secret(ns, "doomed-retain"));
    await m.sm.send(new DeleteSecretCommand({ SecretId: "doomed", RecoveryWindowInDays: 7 }));
    await m.sm.send(new DeleteSecretCommand({ SecretId: "doomed-retain", ForceDeleteWithoutRecovery: true }));
    await readyEs("doomed", "True", "SecretDeleted");
    assert.equal(await k.secret(ns, "doomed"), undefined);
    const es = await readyEs("doomed-retain", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /not found/);
    assert.deepEqual(decoded(await k.secret(ns, "doomed-retain")), { v: "here-now" });
  });

  it("moves a custom stage and follows it", async () => {
    const versions = await m.sm.send(new PutSecretValueCommand({ SecretId: "flags/a", SecretString: "staged-value", VersionStages: ["blue"] }));
    await k.create("ExternalSecret", ns, "blue", { refreshInterval: "1h", secretStoreRef: { name: "aws" }, data: [{ secretKey: "v", remoteRef: { key: "flags/a", version: "blue" } }] });
    assert.deepEqual(decoded(await waitFor("secret blue", () => k.secret(ns, "blue"))), { v: "staged-value" });
    assert.ok(versions.VersionId);
    await m.sm.send(new UpdateSecretVersionStageCommand({ SecretId: "flags/a", VersionStage: "blue", RemoveFromVersionId: versions.VersionId }));
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    assert.ok(events.includes("Created"), "expected Created events");
    const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as { items: unknown[] };
    const statuses = JSON.stringify(list.items.map((item) => (item as { status?: unknown }).status));
    for (const value of [...values(), Buffer.from(binary).toString("base64")]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      assert.ok(!statuses.includes(value), "a planted value appeared in an ExternalSecret status");
    }
  });
});
