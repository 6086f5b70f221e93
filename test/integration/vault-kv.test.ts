// The vault provider's reads against the real OpenBao: KV v2 (version pinning, nested property, extract,
// custom metadata, find by path/regexp/tags with a deleted entry), KV v1, a non-KV engine, rotation at the
// next refresh, a missing key under deletionPolicy Retain and Delete, and no planted value leaking.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator, waitForReady } from "../helpers/operator.ts";
import { assertNoLeaks, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { planted } from "../helpers/planted.ts";


describe("vault provider: KV reads against OpenBao", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const kv2 = unique("kv2");
  const kv1 = unique("kv1");
  const transit = unique("transit");
  const v1pw = planted();
  const v2pw = planted();
  const nestedPw = planted();
  const v1only = planted();
  const alpha = planted();
  const beta = planted();
  const rotated = planted();
  const deleted = planted();

  const readyEs = (name: string, status: "True" | "False", reason?: string) => waitForReady(k, ns, name, status, reason);

  before(async () => {
    ns = await freshNamespace("vault-kv");
    const b = bao();
    await mountKv(b, kv2, "2");
    await mountKv(b, kv1, "1");
    await baoApi(b, "POST", `sys/mounts/${transit}`, { type: "transit" });
    await baoApi(b, "POST", `${transit}/keys/app`, {});
    await writeKv(b, kv2, "app/db", { username: "app", password: v1pw });
    await writeKv(b, kv2, "app/db", { username: "app", password: v2pw, nested: { inner: { password: nestedPw }, port: 5432 } });
    await writeKv(b, kv1, "legacy", { value: v1only }, { v1: true });
    await writeKv(b, kv2, "flags/alpha", { value: alpha }, { customMetadata: { team: "blue", env: "prod" } });
    await writeKv(b, kv2, "flags/beta", { value: beta }, { customMetadata: { team: "red", env: "prod" } });
    await writeKv(b, kv2, "flags/deleted", { value: deleted }, { customMetadata: { team: "blue", env: "prod" } });
    // Deleted but not destroyed: its metadata still lists it.
    await baoApi(b, "DELETE", `${kv2}/data/flags/deleted`);
    await writeKv(b, kv2, "rotating", { value: "before" });
    await writeKv(b, kv2, "vanishing", { value: "here" });
    await writeKv(b, kv2, "vanishing-del", { value: "here" });
    await writePolicy(b, `${kv2}-read`, [
      `path "${kv2}/*" { capabilities = ["read", "list"] }`,
      `path "${kv1}/*" { capabilities = ["read", "list"] }`,
      `path "${transit}/keys/*" { capabilities = ["read"] }`,
    ].join("\n"));
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [`${kv2}-read`], ttl: "1h", no_default_policy: false });
    const token = (created["auth"] as { client_token: string }).client_token;
    op = await startTestOperator(ns);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "vault-token" }, stringData: { token } } });
    const auth = { tokenSecretRef: { name: "vault-token", key: "token" } };
    await k.create("SecretStore", ns, "kv2", { provider: { vault: { ...vaultServer(), path: kv2, version: "v2", auth } } });
    await k.create("SecretStore", ns, "kv1", { provider: { vault: { ...vaultServer(), path: kv1, version: "v1", auth } } });
    // No mount: the key names the engine path itself (ESO: v1 semantics read any path).
    await k.create("SecretStore", ns, "raw", { provider: { vault: { ...vaultServer(), version: "v1", auth } } });
  });
  after(async () => {
    await op?.stop();
  });

  it("reads KV v2: latest, a pinned version, a nested property and the whole document", async () => {
    await k.create("ExternalSecret", ns, "db", {
      secretStoreRef: { name: "kv2" },
      data: [
        { secretKey: "password", remoteRef: { key: "app/db", property: "password" } },
        { secretKey: "old", remoteRef: { key: "app/db", property: "password", version: "1" } },
        { secretKey: "nested", remoteRef: { key: "app/db", property: "nested.inner.password" } },
        { secretKey: "port", remoteRef: { key: "app/db", property: "nested.port" } },
        { secretKey: "whole", remoteRef: { key: "app/db", version: "1" } },
      ],
    });
    const secret = await waitFor("secret db", () => k.secret(ns, "db"));
    assert.deepEqual(decoded(secret), { password: v2pw, old: v1pw, nested: nestedPw, port: "5432", whole: `{"password":"${v1pw}","username":"app"}` });
    // The status is written after the Secret: wait for it rather than read it once.
    await readyEs("db", "True", "SecretSynced");
  });

  it("explodes a document with dataFrom.extract and returns custom metadata with metadataPolicy Fetch", async () => {
    await k.create("ExternalSecret", ns, "extract", {
      secretStoreRef: { name: "kv2" },
      dataFrom: [{ extract: { key: "app/db" } }],
      data: [{ secretKey: "team", remoteRef: { key: "flags/alpha", property: "team", metadataPolicy: "Fetch" } }],
    });
    const secret = await waitFor("secret extract", () => k.secret(ns, "extract"));
    assert.deepEqual(decoded(secret), { username: "app", password: v2pw, nested: `{"inner":{"password":"${nestedPw}"},"port":5432}`, team: "blue" });
  });

  it("finds by path and regexp, and by tags, skipping a deleted-but-not-destroyed entry", async () => {
    await k.create("ExternalSecret", ns, "find-name", {
      secretStoreRef: { name: "kv2" },
      dataFrom: [{ find: { path: "flags", name: { regexp: "alpha|beta|deleted" } } }],
    });
    await k.create("ExternalSecret", ns, "find-tags", { secretStoreRef: { name: "kv2" }, dataFrom: [{ find: { tags: { team: "blue", env: "prod" } } }] });
    const byName = await waitFor("secret find-name", () => k.secret(ns, "find-name"));
    assert.deepEqual(decoded(byName), { flags_alpha: `{"value":"${alpha}"}`, flags_beta: `{"value":"${beta}"}` });
    const byTags = await waitFor("secret find-tags", () => k.secret(ns, "find-tags"));
    assert.deepEqual(decoded(byTags), { flags_alpha: `{"value":"${alpha}"}` });
  });

  it("reads KV v1 and a non-KV engine path", async () => {
    await k.create("ExternalSecret", ns, "v1", {
      secretStoreRef: { name: "kv1" },
      data: [{ secretKey: "value", remoteRef: { key: "legacy", property: "value" } }],
    });
    await k.create("ExternalSecret", ns, "engine", {
      secretStoreRef: { name: "raw" },
      data: [{ secretKey: "type", remoteRef: { key: `${transit}/keys/app`, property: "type" } }],
    });
    assert.deepEqual(decoded(await waitFor("secret v1", () => k.secret(ns, "v1"))), { value: v1only });
    assert.deepEqual(decoded(await waitFor("secret engine", () => k.secret(ns, "engine"))), { type: "aes256-gcm96" });
  });

  it("a value rotated in OpenBao reaches the Secret at the next refresh", async () => {
    await k.create("ExternalSecret", ns, "rotating", { refreshInterval: "1s", secretStoreRef: { name: "kv2" }, data: [{ secretKey: "v", remoteRef: { key: "rotating", property: "value" } }] });
    await waitFor("first value", async () => ((decoded(await k.secret(ns, "rotating")).v ?? "") === "before" ? true : undefined));
    await writeKv(bao(), kv2, "rotating", { value: rotated });
    await waitFor("rotated value", async () => (decoded(await k.secret(ns, "rotating")).v === rotated ? true : undefined));
  });

  it("a key deleted in OpenBao applies deletionPolicy: Retain keeps the Secret, Delete removes it", async () => {
    await k.create("ExternalSecret", ns, "retain", { refreshInterval: "1s", secretStoreRef: { name: "kv2" }, data: [{ secretKey: "v", remoteRef: { key: "vanishing", property: "value" } }] });
    await k.create("ExternalSecret", ns, "del", {
      refreshInterval: "1s",
      secretStoreRef: { name: "kv2" },
      target: { deletionPolicy: "Delete" },
      data: [{ secretKey: "v", remoteRef: { key: "vanishing-del", property: "value" } }],
    });
    await waitFor("secret retain", () => k.secret(ns, "retain"));
    await waitFor("secret del", () => k.secret(ns, "del"));
    await baoApi(bao(), "DELETE", `${kv2}/metadata/vanishing`);
    await baoApi(bao(), "DELETE", `${kv2}/metadata/vanishing-del`);
    const es = await readyEs("retain", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /vanishing/);
    assert.deepEqual(decoded(await k.secret(ns, "retain")), { v: "here" });
    await readyEs("del", "True", "SecretDeleted");
    assert.equal(await k.secret(ns, "del"), undefined);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    await assertNoLeaks(op, ns, [v1pw, v2pw, nestedPw, v1only, alpha, beta, rotated, deleted]);
  });
});
