// The SOPS provider's ConfigMap and Secret sources (each key one encrypted file), and a ClusterSecretStore whose
// age key Secret lives in the operator's namespace: tenants read only the files their store's source allows.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { fixtureKey, planted, putSecret, sopsEncrypt } from "../helpers/sops.ts";

describe("sops provider: ConfigMap and Secret sources, ClusterSecretStore", () => {
  let ns: string;
  let opsNs: string;
  let op: TestOperator;
  const k = kube();
  const key = fixtureKey("team-b");
  const recipients = [key.recipient];
  const yaml = (password: string) => sopsEncrypt(`db:\n  password: ${password}\n`, { format: "yaml", recipients }).toString("utf8");
  const json = (token: string) => sopsEncrypt(JSON.stringify({ token }), { format: "json", recipients }).toString("utf8");
  const v = { cm1: planted("cm1"), cm2: planted("cm2"), cmJson: planted("cmjson"), sec1: planted("sec1"), sec2: planted("sec2"), shared: planted("shared"), tenant: planted("tenant") };
  const cssShared = `sops-shared-${randomBytes(3).toString("hex")}`;
  const cssTenant = `sops-tenant-${randomBytes(3).toString("hex")}`;

  const putConfigMap = async (namespace: string, name: string, data: Record<string, string>) => {
    const body = { metadata: { name, namespace }, data };
    try {
      await k.core.replaceNamespacedConfigMap({ name, namespace, body });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      await k.core.createNamespacedConfigMap({ namespace, body });
    }
  };
  const store = (source: Record<string, unknown>, ageKeySecretRef: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    refreshInterval: "1s",
    provider: { sops: { source, decryption: { ageKeySecretRef } } },
    ...extra,
  });
  const value = async (name: string, secretKey = "value") => decoded(await k.secret(ns, name))[secretKey];
  const until = (name: string, want: string, secretKey = "value") =>
    waitFor(`${name} = ${want.slice(0, 10)}`, async () => ((await value(name, secretKey)) === want ? true : undefined));

  before(async () => {
    ns = await freshNamespace("sops-kube");
    opsNs = await freshNamespace("sops-operator");
    await putSecret(k.core, ns, "sops-age", { "team-b.agekey": key.file });
    await putSecret(k.core, opsNs, "sops-age", { "team-b.agekey": key.file });
    await putConfigMap(ns, "encrypted", { "db.enc.yaml": yaml(v.cm1), "api.json": json(v.cmJson) });
    await putSecret(k.core, ns, "encrypted", { "db.enc.yaml": yaml(v.sec1) });
    await putConfigMap(opsNs, "shared-files", { "platform.enc.yaml": yaml(v.shared) });
    await putConfigMap(ns, "tenant-files", { "mine.enc.yaml": yaml(v.tenant) });
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "from-configmap", store({ configMap: { name: "encrypted" } }, { name: "sops-age" }));
    await k.create("SecretStore", ns, "from-secret", store({ secret: { name: "encrypted" } }, { name: "sops-age" }));
    // The age key lives in the operator's namespace; tenants never see it.
    await k.create("ClusterSecretStore", undefined, cssShared, store({ configMap: { name: "shared-files", namespace: opsNs } }, { name: "sops-age", namespace: opsNs }, { conditions: [{ namespaces: [ns] }] }));
    // No namespace on the source: each tenant reads the ConfigMap of its own namespace, with the platform's key.
    await k.create("ClusterSecretStore", undefined, cssTenant, store({ configMap: { name: "tenant-files" } }, { name: "sops-age", namespace: opsNs }));
  });
  after(async () => {
    await op?.stop();
    for (const name of [cssShared, cssTenant]) {
      await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name }).catch(() => undefined);
    }
  });

  const es = (name: string, storeRef: Record<string, string>, remoteRef: Record<string, string>) =>
    k.create("ExternalSecret", ns, name, { refreshInterval: "1s", secretStoreRef: storeRef, data: [{ secretKey: "value", remoteRef }] });

  it("reads files from a ConfigMap and follows its updates", async () => {
    await es("cm", { name: "from-configmap" }, { key: "db.enc.yaml", property: "db.password" });
    await es("cm-json", { name: "from-configmap" }, { key: "api.json", property: "token" });
    await until("cm", v.cm1);
    await until("cm-json", v.cmJson);
    await putConfigMap(ns, "encrypted", { "db.enc.yaml": yaml(v.cm2), "api.json": json(v.cmJson) });
    await until("cm", v.cm2);
  });

  it("reads files from a Secret and follows its updates", async () => {
    await es("sec", { name: "from-secret" }, { key: "db.enc.yaml", property: "db.password" });
    await until("sec", v.sec1);
    await putSecret(k.core, ns, "encrypted", { "db.enc.yaml": yaml(v.sec2) });
    await until("sec", v.sec2);
  });

  it("reports a key that is not in the source as a missing secret", async () => {
    await es("missing", { name: "from-configmap" }, { key: "nope.enc.yaml" });
    const condition = await waitFor("missing Ready=False", async () => {
      const current = ready(await k.es(ns, "missing"));
      return current?.status === "False" ? current : undefined;
    });
    assert.match(condition?.message ?? "", /file nope\.enc\.yaml not found/);
  });

  it("serves a ClusterSecretStore whose age key Secret lives in the operator's namespace", async () => {
    await es("platform", { name: cssShared, kind: "ClusterSecretStore" }, { key: "platform.enc.yaml", property: "db.password" });
    await until("platform", v.shared);
    await es("tenant", { name: cssTenant, kind: "ClusterSecretStore" }, { key: "mine.enc.yaml", property: "db.password" });
    await until("tenant", v.tenant);
  });

  it("keeps a namespaced SecretStore to its own namespace", async () => {
    await k.create("SecretStore", ns, "reach-out", store({ configMap: { name: "shared-files", namespace: opsNs } }, { name: "sops-age" }));
    const condition = await waitFor("store Ready=False", async () => {
      const current = ready((await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "reach-out" })) as never);
      return current?.status === "False" ? current : undefined;
    });
    assert.match(condition?.message ?? "", /may only reference objects in its own namespace/);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    const events = await k.events(ns);
    const statuses = await Promise.all(["cm", "cm-json", "sec", "missing", "platform", "tenant"].map(async (name) => JSON.stringify((await k.es(ns, name)).status)));
    for (const secretValue of [...Object.values(v), key.identity]) {
      assert.ok(!op.logs().includes(secretValue), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(secretValue), "a planted value appeared in Events");
      for (const status of statuses) assert.ok(!status.includes(secretValue), "a planted value appeared in status");
    }
  });
});
