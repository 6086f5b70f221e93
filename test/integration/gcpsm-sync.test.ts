// The gcpsm provider against the Secret Manager emulator (bench peer gcpsm-emulator) and the real apiserver, with
// the operator in-process: versions, property, extract, find, metadata, rotation, deletionPolicy, service-account
// key auth; no planted value in logs, Events or status; no connection beyond loopback.
import { nonLoopbackTraffic, connectionCount, emulator, uniqueProject, seedSecret, addVersion, setVersionState, deleteSecret, countingProxy } from "../helpers/gcpsm.ts";
import type { CountingProxy } from "../helpers/gcpsm.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, verify } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { planted } from "../helpers/planted.ts";
import { RAW_JSON, RAW_JSON_WANT, rawJsonSpec } from "../helpers/raw-json.ts";


describe("gcpsm provider against the Secret Manager emulator", () => {
  let ns: string;
  let op: TestOperator;
  let proxy: CountingProxy;
  const k = kube();
  const project = uniqueProject("sync");
  const pw1 = planted();
  const pw2 = planted();
  const token1 = planted();
  const token2 = planted();
  const flag1 = planted();
  const flag2 = planted();
  const teamA1 = planted();
  const teamA2 = planted();
  const teamB1 = planted();
  const doomed = planted();
  const values = [pw1, pw2, token1, token2, flag1, flag2, teamA1, teamA2, teamB1, doomed];
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const saEmail = "reader@sync-test.iam.gserviceaccount.com";
  const cssName = `gcpsm-${randomBytes(4).toString("hex")}`;

  const store = (name: string, spec: Record<string, unknown> = {}) => k.create("SecretStore", ns, name, { provider: { gcpsm: { projectID: project, endpoint: emulator().endpoint, ...spec } } });
  const esReady = (name: string, status: "True" | "False", reason?: string) =>
    waitFor(`ExternalSecret ${name} Ready=${status}${reason ? ` (${reason})` : ""}`, async () => {
      const es = await k.es(ns, name);
      const condition = ready(es);
      return condition?.status === status && (reason === undefined || condition.reason === reason) ? es : undefined;
    });

  before(async () => {
    ns = await freshNamespace("gcpsm-sync");
    const db = (pw: string) => JSON.stringify({ username: "app", password: pw, nested: { port: 5432 } });
    await seedSecret(emulator().endpoint, project, "db", [db(pw1), db(pw2)]);
    await seedSecret(emulator().endpoint, project, "token", [token1]);
    await seedSecret(emulator().endpoint, project, "flag", [flag1, flag2]);
    await setVersionState(project, "flag", 2, "disable");
    await seedSecret(emulator().endpoint, project, "team-a-one", [teamA1], { team: "a" });
    await seedSecret(emulator().endpoint, project, "team-a-two", [teamA2], { team: "a", tier: "gold" });
    await seedSecret(emulator().endpoint, project, "team-b-one", [teamB1], { team: "b" });
    await seedSecret(emulator().endpoint, project, "labelled", ["x"], { env: "prod", team: "a" });
    await seedSecret(emulator().endpoint, project, "doomed", [doomed]);
    await seedSecret(emulator().endpoint, project, "pretty", [RAW_JSON]);
    op = await startTestOperator(ns);
    await store("gcpsm");
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
    await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name: cssName }).catch(() => undefined);
  });

  it("reads versions by number and latest, with property and nested property", async () => {
    await k.create("ExternalSecret", ns, "db", {
      secretStoreRef: { name: "gcpsm" },
      data: [
        { secretKey: "password", remoteRef: { key: "db", property: "password" } },
        { secretKey: "password-v1", remoteRef: { key: "db", property: "password", version: "1" } },
        { secretKey: "password-latest", remoteRef: { key: "db", property: "password", version: "latest" } },
        { secretKey: "port", remoteRef: { key: "db", property: "nested.port" } },
        { secretKey: "token", remoteRef: { key: "token" } },
      ],
    });
    const es = await esReady("db", "True", "SecretSynced");
    assert.equal(es.status?.binding?.name, "db");
    assert.deepEqual(decoded(await k.secret(ns, "db")), { password: pw2, "password-v1": pw1, "password-latest": pw2, port: "5432", token: token1 });
  });

  it("reports a disabled version as Ready=False naming the version, and writes nothing", async () => {
    await k.create("ExternalSecret", ns, "flag", { secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "flag", remoteRef: { key: "flag", version: "2" } }] });
    const es = await esReady("flag", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /secret flag version 2 is DISABLED/);
    assert.equal(await k.secret(ns, "flag"), undefined);
  });

  it("hands JSON on as stored: a selected or extracted object keeps its whitespace, numbers as gjson/RawMessage (ESO)", async () => {
    await k.create("ExternalSecret", ns, "pretty", { secretStoreRef: { name: "gcpsm" }, ...rawJsonSpec("pretty") });
    await esReady("pretty", "True");
    assert.deepEqual(decoded(await k.secret(ns, "pretty")), RAW_JSON_WANT);
  });

  it("explodes a JSON value with dataFrom.extract", async () => {
    await k.create("ExternalSecret", ns, "db-all", { secretStoreRef: { name: "gcpsm" }, dataFrom: [{ extract: { key: "db", version: "1" } }] });
    await esReady("db-all", "True");
    assert.deepEqual(decoded(await k.secret(ns, "db-all")), { username: "app", password: pw1, nested: '{"port":5432}' });
  });

  it("finds secrets by name regexp and by labels, filtering on the client (the emulator ignores filters)", async () => {
    await k.create("ExternalSecret", ns, "by-name", { secretStoreRef: { name: "gcpsm" }, dataFrom: [{ find: { name: { regexp: "^team-a-" } } }] });
    await k.create("ExternalSecret", ns, "by-label", { secretStoreRef: { name: "gcpsm" }, dataFrom: [{ find: { tags: { team: "a", tier: "gold" } } }] });
    await k.create("ExternalSecret", ns, "by-both", { secretStoreRef: { name: "gcpsm" }, dataFrom: [{ find: { name: { regexp: "one$" }, tags: { team: "b" } } }] });
    await esReady("by-name", "True");
    await esReady("by-label", "True");
    await esReady("by-both", "True");
    assert.deepEqual(decoded(await k.secret(ns, "by-name")), { "team-a-one": teamA1, "team-a-two": teamA2 });
    assert.deepEqual(decoded(await k.secret(ns, "by-label")), { "team-a-two": teamA2 });
    assert.deepEqual(decoded(await k.secret(ns, "by-both")), { "team-b-one": teamB1 });
  });

  it("returns labels and annotations with metadataPolicy Fetch", async () => {
    await k.create("ExternalSecret", ns, "meta", {
      secretStoreRef: { name: "gcpsm" },
      data: [
        { secretKey: "all", remoteRef: { key: "labelled", metadataPolicy: "Fetch" } },
        { secretKey: "labels", remoteRef: { key: "labelled", metadataPolicy: "Fetch", property: "labels" } },
        { secretKey: "env", remoteRef: { key: "labelled", metadataPolicy: "Fetch", property: "labels.env" } },
      ],
    });
    await esReady("meta", "True");
    const data = decoded(await k.secret(ns, "meta"));
    assert.deepEqual(JSON.parse(data["all"]!), { annotations: {}, labels: { env: "prod", team: "a" } });
    assert.deepEqual(JSON.parse(data["labels"]!), { env: "prod", team: "a" });
    assert.equal(data["env"], "prod");
  });

  it("carries a new version (AddSecretVersion) into the Secret at the next refresh", async () => {
    await k.create("ExternalSecret", ns, "rotating", { refreshInterval: "1s", secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "token", remoteRef: { key: "token" } }] });
    await waitFor("first sync", async () => (decoded(await k.secret(ns, "rotating")).token === token1 ? true : undefined));
    assert.equal(await addVersion(project, "token", token2), 2);
    await waitFor("rotated token", async () => (decoded(await k.secret(ns, "rotating")).token === token2 ? true : undefined));
  });

  it("applies deletionPolicy when the secret is deleted: Delete removes the Secret, Retain keeps it and reports", async () => {
    await k.create("ExternalSecret", ns, "doomed-delete", {
      refreshInterval: "1s",
      secretStoreRef: { name: "gcpsm" },
      target: { deletionPolicy: "Delete" },
      data: [{ secretKey: "v", remoteRef: { key: "doomed" } }],
    });
    await k.create("ExternalSecret", ns, "doomed-retain", { refreshInterval: "1s", secretStoreRef: { name: "gcpsm" }, data: [{ secretKey: "v", remoteRef: { key: "doomed" } }] });
    await esReady("doomed-delete", "True", "SecretSynced");
    await esReady("doomed-retain", "True", "SecretSynced");
    await deleteSecret(project, "doomed");
    await esReady("doomed-delete", "True", "SecretDeleted");
    await waitFor("Secret doomed-delete deleted", async () => ((await k.secret(ns, "doomed-delete")) === undefined ? true : undefined));
    const retained = await esReady("doomed-retain", "False", "SecretSyncedError");
    assert.match(ready(retained)?.message ?? "", /secret doomed version latest not found/);
    assert.deepEqual(decoded(await k.secret(ns, "doomed-retain")), { v: doomed });
  });

  it("authenticates with a service-account JSON key end to end (signed JWT seen by the server side)", async () => {
    proxy = await countingProxy();
    const key = { type: "service_account", client_email: saEmail, private_key_id: "k1", private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "gcp-sa" }, stringData: { "key.json": JSON.stringify(key) } } });
    await k.create("SecretStore", ns, "gcpsm-sa", {
      provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint, auth: { secretRef: { secretAccessKeySecretRef: { name: "gcp-sa", key: "key.json" } } } } },
    });
    await k.create("ExternalSecret", ns, "sa", { secretStoreRef: { name: "gcpsm-sa" }, data: [{ secretKey: "token", remoteRef: { key: "token", version: "1" } }] });
    await esReady("sa", "True");
    assert.deepEqual(decoded(await k.secret(ns, "sa")), { token: token1 });
    const headers = proxy.authorizations();
    assert.ok(headers.length >= 1, "the server side saw no Authorization header");
    for (const header of headers) {
      const [scheme, jwt] = header.split(" ");
      assert.equal(scheme, "Bearer");
      const [head, body, signature] = jwt!.split(".");
      const ok = verify("RSA-SHA256", Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature!, "base64url"));
      assert.ok(ok, "the bearer token is not signed by the service account's key");
      const claims = JSON.parse(Buffer.from(body!, "base64url").toString()) as Record<string, unknown>;
      assert.equal(claims["iss"], saEmail);
      assert.equal(claims["sub"], saEmail);
      assert.match(String(claims["scope"]), /cloud-platform/);
      assert.equal(JSON.parse(Buffer.from(head!, "base64url").toString()).kid, "k1");
    }
  });

  it("a ClusterSecretStore resolves a key ref without namespace in the ExternalSecret's namespace (referent auth)", async () => {
    const before = proxy.authorizations().length;
    await k.create("ClusterSecretStore", undefined, cssName, {
      provider: { gcpsm: { projectID: project, endpoint: proxy.endpoint, auth: { secretRef: { secretAccessKeySecretRef: { name: "gcp-sa", key: "key.json" } } } } },
    });
    await k.create("ExternalSecret", ns, "css", { secretStoreRef: { name: cssName, kind: "ClusterSecretStore" }, data: [{ secretKey: "token", remoteRef: { key: "token", version: "1" } }] });
    await esReady("css", "True");
    assert.deepEqual(decoded(await k.secret(ns, "css")), { token: token1 });
    const sent = proxy.authorizations().slice(before);
    assert.ok(sent.length >= 1);
    for (const header of sent) {
      const [head, body, signature] = header.replace(/^Bearer /, "").split(".");
      assert.ok(verify("RSA-SHA256", Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature!, "base64url")), "not signed with the key from the ExternalSecret's namespace");
    }
  });

  it("reports a key Secret that is not a service-account key on the store, without quoting it", async () => {
    const garbage = planted();
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "gcp-bad" }, stringData: { "key.json": garbage } } });
    await k.create("SecretStore", ns, "gcpsm-bad", { provider: { gcpsm: { projectID: project, endpoint: emulator().endpoint, auth: { secretRef: { secretAccessKeySecretRef: { name: "gcp-bad", key: "key.json" } } } } } });
    const bad = await waitFor("store gcpsm-bad Ready=False", async () => {
      const obj = (await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "gcpsm-bad" })) as { status?: { conditions?: Array<{ type: string; status: string; message?: string }> } };
      return ready(obj)?.status === "False" ? obj : undefined;
    });
    assert.match(ready(bad)?.message ?? "", /not a JSON service-account key/);
    assert.ok(!JSON.stringify(bad).includes(garbage));
    values.push(garbage);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    assert.ok(events.includes("Created"), "expected Created events");
    const statuses = [];
    for (const name of ["db", "flag", "db-all", "by-name", "by-label", "by-both", "meta", "rotating", "doomed-delete", "doomed-retain", "sa", "css"]) statuses.push(JSON.stringify((await k.es(ns, name)).status));
    for (const value of [...values, privateKey.export({ type: "pkcs8", format: "pem" }).toString().split("\n")[1]!]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      for (const status of statuses) assert.ok(!status.includes(value), "a planted value appeared in status");
    }
  });

  it("made no connection and no DNS lookup beyond loopback (no metadata server, no Google endpoint)", () => {
    assert.ok(connectionCount() > 0, "the guard saw no connection at all");
    assert.deepEqual(nonLoopbackTraffic(), []);
  });
});
