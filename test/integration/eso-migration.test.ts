// Migration: ExternalSecrets and PushSecrets written from ESO 2.9's documentation (test/fixtures/eso-migration) applied unchanged
// to the real apiserver, against a store named as in ESO's examples. Templates, rewrite merge, target.manifest
// into ConfigMaps and syncWindows must come out as ESO documents them; `validate` must accept the files.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";

const FIXTURES = new URL("../fixtures/eso-migration/", import.meta.url).pathname;
const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".yaml")).sort();

describe("ESO-documented manifests, applied unchanged", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig());
  const password = planted("migration-pass");
  const token = planted("migration-token");
  const dbPassword = planted("migration-db");
  const store = (release: string) => ({
    provider: {
      fake: {
        data: [
          { key: "/credentials", value: password },
          { key: "/credentials/password", value: Buffer.from(password).toString("base64") },
          { key: "/credentials/username", value: "app" },
          { key: "/grafana/user", value: "grafana" },
          { key: "/grafana/password", value: password },
          { key: "/registry", value: `{"host": "registry.example.com", "user": "ci", "token": "${token}"}` },
          { key: "config/database/host", value: "db.internal" },
          { key: "config/api/endpoint", value: "https://api.internal" },
          { key: "database/hostname", value: "db.internal" },
          { key: "database/name", value: "orders" },
          { key: "path/to/secrets/db-credentials", value: `{"username": "db", "password": "${dbPassword}", "port": 5432}` },
          { key: "path/to/secrets/api-credentials", value: '{"client": "api", "endpoint": "https://api.internal"}' },
          { key: "path/to/shared/db-credentials", value: `{"username": "db", "password": "${dbPassword}"}` },
          { key: "path/to/shared/api-credentials", value: '{"username": "api", "endpoint": "https://api.internal"}' },
          { key: "path/to/secrets/unrelated", value: '{"ignored": true}' },
          { key: "/release", value: release },
        ],
      },
    },
  });
  const configMap = async (name: string) => {
    try {
      return await k.core.readNamespacedConfigMap({ name, namespace: ns });
    } catch {
      return undefined;
    }
  };

  before(async () => {
    ns = await freshNamespace("eso-migration");
    op = await startTestOperator(ns, { allowGenericTargets: true });
    await k.create("SecretStore", ns, "vault-backend", store("r1"));
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(join(FIXTURES, file), "utf8"))) {
        const obj = doc.toJS() as KubernetesObject;
        await objects.create({ ...obj, metadata: { ...obj.metadata, namespace: ns } });
      }
    }
  });
  after(async () => {
    await op?.stop();
  });

  it("validate accepts every file (with the store beside them)", () => {
    const r = spawnSync(process.execPath, ["src/cli.ts", "validate", "--allow-missing-stores", FIXTURES], { cwd: new URL("../../", import.meta.url).pathname, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /0 errors/);
  });

  it("templates: multi-key, mergePolicy Merge, Annotations target, Docker config, ConfigMap template, Sprig certificate", async () => {
    for (const name of ["multikey", "merge-policy", "scope-and-target", "registry", "from-configmap", "self-signed"]) await waitForReady(k, ns, name, "True", "SecretSynced");
    assert.deepEqual(decoded(await k.secret(ns, "multikey")), { name: "admin", password });
    assert.deepEqual(decoded(await k.secret(ns, "merge-policy")), { password, username: "app" });
    const annotated = await k.secret(ns, "secret-to-be-created");
    assert.equal(annotated?.metadata?.annotations?.["last-sync-for-user/grafana"], "synced");
    assert.deepEqual(decoded(annotated), {}, "templateFrom makes the data templated (Replace): an Annotations-only template leaves it empty, as in ESO");
    const registry = await k.secret(ns, "registry");
    assert.equal(registry?.type, "kubernetes.io/dockerconfigjson");
    assert.equal(decoded(registry)[".dockerconfigjson"], `{"auths":{"registry.example.com":{"auth":"${Buffer.from(`ci:${token}`).toString("base64")}"}}}`);
    assert.equal(decoded(await k.secret(ns, "secret-to-be-created-from-configmap"))["config.yaml"], `datasources:\n  - name: Graphite\n    url: http://localhost:8080\n    password: "${password}"\n    user: "grafana"\n`);
    const tls = decoded(await k.secret(ns, "self-signed"));
    const cert = new X509Certificate(tls["tls.crt"]!);
    assert.ok(cert.checkPrivateKey(createPrivateKey(tls["tls.key"]!)), "the key is the certificate's");
    assert.match(cert.subject, /CN=db\.internal/);
    assert.match(cert.subjectAltName ?? "", /DNS:db\.internal/);
    assert.equal(tls.version, "rc.1");
  });

  it("rewrite merge: Extract gives one key per field; JSON puts the merged document under `into` with the priority key last", async () => {
    await waitForReady(k, ns, "merge-basic-example", "True", "SecretSynced");
    const basic = decoded(await k.secret(ns, "merge-basic-example"));
    assert.equal(basic.password, dbPassword);
    assert.equal(basic.port, "5432");
    assert.equal(basic.endpoint, "https://api.internal");
    assert.equal(basic.username, "db");
    assert.equal(basic.ignored, undefined, "find's regexp left the unrelated key out");
    await waitForReady(k, ns, "merge-json-example", "True", "SecretSynced");
    const json = decoded(await k.secret(ns, "merge-json-example"));
    assert.deepEqual(Object.keys(json).sort(), ["api-credentials", "db-credentials", "merged.json"]);
    const merged = JSON.parse(json["merged.json"]!);
    assert.deepEqual(merged, { username: "db", password: dbPassword, endpoint: "https://api.internal" }, "db-credentials has priority: its username wins");
  });

  it("target.manifest: ConfigMaps from plain data and from a template, with the template's labels", async () => {
    const plain = await waitFor("app-config", () => configMap("app-config"));
    assert.deepEqual(plain.data, { "database-host": "db.internal", "api-endpoint": "https://api.internal" });
    const templated = await waitFor("database-config", () => configMap("database-config"));
    assert.deepEqual(templated.data, { "database.yaml": "host: db.internal\nport: 5432\ndatabase: orders\n" });
    assert.equal(templated.metadata?.labels?.app, "myapp");
  });

  it("syncWindows: a closed deny window holds periodic refreshes while the same ExternalSecret without one refreshes", async () => {
    await waitForReady(k, ns, "frozen", "True");
    await waitForReady(k, ns, "unfrozen", "True");
    assert.deepEqual(decoded(await k.secret(ns, "frozen")), { release: "r1" }, "the first sync is never held");
    await k.patch("SecretStore", ns, "vault-backend", { spec: store("r2") });
    await waitFor("unfrozen refreshed", async () => (decoded(await k.secret(ns, "unfrozen")).release === "r2" ? true : undefined));
    // Several more refresh intervals (1s) of the frozen one pass while it stays as it was.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(decoded(await k.secret(ns, "frozen")), { release: "r1" });
  });

  it("PushSecret: the template's output pushed as a property, dataTo's keys renamed, each readable back from the store", async () => {
    const push = pushApi();
    await push.waitReady(ns, "pushsecret-example", "True", "Synced");
    const datato = await push.waitReady(ns, "pushsecret-datato", "True", "Synced");
    assert.deepEqual(Object.keys(datato.status?.syncedPushSecrets?.["SecretStore/vault-backend"] ?? {}).sort(), ["app/db-HOST", "app/db-NAME"]);
    await k.create("ExternalSecret", ns, "pushed-back", {
      refreshInterval: "0",
      secretStoreRef: { name: "vault-backend" },
      data: [
        { secretKey: "pokemon", remoteRef: { key: "destination-secret", property: "best-pokemon-dst" } },
        { secretKey: "host", remoteRef: { key: "app/db-HOST" } },
      ],
    });
    await waitForReady(k, ns, "pushed-back", "True");
    assert.deepEqual(decoded(await k.secret(ns, "pushed-back")), { pokemon: "PIKACHU is the best", host: "db.internal" });
  });

  it("no planted value reaches the operator's log", () => {
    for (const value of [password, token, dbPassword]) for (const form of leakForms(value)) assert.ok(!op.logs().includes(form));
  });
});
