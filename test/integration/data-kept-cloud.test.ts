// Issue 14 against the real cloud stand-ins: AWS Secrets Manager on moto and Secret Manager on the drongo
// emulator. A renamed property under Delete, a find that now matches nothing and a value emptied to {} under
// Retain leave the old Secret exactly as it was and say why.
import { after, before, describe, it } from "node:test";
import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, startTestOperator, type TestOperator } from "../helpers/operator.ts";
import { awsStoreSpec, createCredentialsSecret, moto, secretRefAuth } from "../helpers/moto.ts";
import { addVersion, deleteSecret, emulator, seedSecret, uniqueProject } from "../helpers/gcpsm.ts";
import { assertKeptThrough, propertyMissing, RETAINED, syncedSnapshot } from "../helpers/secret-kept.ts";
import { planted } from "../helpers/planted.ts";


describe("data is never lost silently: AWS (moto) and Secret Manager (emulator)", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const m = moto();
  const project = uniqueProject("kept");
  const gcp = emulator().endpoint;

  const synced = (name: string, spec: Record<string, unknown>) => syncedSnapshot(k, ns, name, spec);

  before(async () => {
    await m.reset();
    await m.sm.send(new CreateSecretCommand({ Name: "kept/db", SecretString: JSON.stringify({ password: planted(), user: "app" }) }));
    await m.sm.send(new CreateSecretCommand({ Name: "kept/cfg", SecretString: JSON.stringify({ a: planted(), b: "2" }) }));
    await m.sm.send(new CreateSecretCommand({ Name: "kept-find/a", SecretString: planted() }));
    await m.sm.send(new CreateSecretCommand({ Name: "kept-find/b", SecretString: "b" }));
    await seedSecret(gcp, project, "db", [JSON.stringify({ password: planted(), user: "app" })]);
    await seedSecret(gcp, project, "cfg", [JSON.stringify({ a: planted() })]);
    await seedSecret(gcp, project, "kept-find-a", [planted()]);
    ns = await freshNamespace("data-kept-cloud");
    await createCredentialsSecret(ns);
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "aws", awsStoreSpec(m.endpoint, { auth: secretRefAuth("aws-creds") }));
    await k.create("SecretStore", ns, "gcpsm", { provider: { gcpsm: { projectID: project, endpoint: gcp } } });
  });
  after(async () => {
    await op?.stop();
    m.close();
  });

  it("AWS: a property renamed under deletionPolicy Delete is an error, the Secret kept", async () => {
    const before = await synced("aws-renamed", { secretStoreRef: { name: "aws" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "pw", remoteRef: { key: "kept/db", property: "password" } }] });
    await m.sm.send(new PutSecretValueCommand({ SecretId: "kept/db", SecretString: JSON.stringify({ passwd: "x", user: "app" }) }));
    await assertKeptThrough(k, ns, "aws-renamed", before, propertyMissing("password", "secret kept/db"));
  });

  it("AWS: a find that now matches nothing under Retain: retained, the Secret kept", async () => {
    const before = await synced("aws-find", { secretStoreRef: { name: "aws" }, dataFrom: [{ find: { name: { regexp: "^kept-find/" } } }] });
    await m.sm.send(new DeleteSecretCommand({ SecretId: "kept-find/a", ForceDeleteWithoutRecovery: true }));
    await m.sm.send(new DeleteSecretCommand({ SecretId: "kept-find/b", ForceDeleteWithoutRecovery: true }));
    await assertKeptThrough(k, ns, "aws-find", before, RETAINED);
  });

  it("AWS: an extract of a value emptied to {} under Retain: retained, the Secret kept", async () => {
    const before = await synced("aws-extract", { secretStoreRef: { name: "aws" }, dataFrom: [{ extract: { key: "kept/cfg" } }] });
    await m.sm.send(new PutSecretValueCommand({ SecretId: "kept/cfg", SecretString: "{}" }));
    await assertKeptThrough(k, ns, "aws-extract", before, RETAINED);
  });

  it("Secret Manager: a property renamed in a new version under Delete is an error, the Secret kept", async () => {
    const before = await synced("gcp-renamed", { secretStoreRef: { name: "gcpsm" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "pw", remoteRef: { key: "db", property: "password" } }] });
    await addVersion(project, "db", JSON.stringify({ passwd: "x", user: "app" }));
    await assertKeptThrough(k, ns, "gcp-renamed", before, propertyMissing("password", "secret db"));
  });

  it("Secret Manager: a find that now matches nothing under Retain: retained, the Secret kept", async () => {
    const before = await synced("gcp-find", { secretStoreRef: { name: "gcpsm" }, dataFrom: [{ find: { name: { regexp: "^kept-find-" } } }] });
    await deleteSecret(project, "kept-find-a");
    await assertKeptThrough(k, ns, "gcp-find", before, RETAINED);
  });

  it("Secret Manager: an extract of a new version {} under Retain: retained, the Secret kept", async () => {
    const before = await synced("gcp-extract", { secretStoreRef: { name: "gcpsm" }, dataFrom: [{ extract: { key: "cfg" } }] });
    await addVersion(project, "cfg", "{}");
    await assertKeptThrough(k, ns, "gcp-extract", before, RETAINED);
  });
});
