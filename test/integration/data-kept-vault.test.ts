// Issue 14 against the real OpenBao: a renamed property, a find whose folder Vault now answers 404 (no keys),
// a document emptied to {}, and a proxy in front of OpenBao answering an HTML maintenance page (200, then 404)
// all leave the old Secret exactly as it was and say why. Through the same proxy, once healthy, a key deleted
// in OpenBao still applies deletionPolicy Delete.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { MAINTENANCE_PAGE, startFaultProxy, type FaultProxy } from "../faults/fault-proxy.ts";
import { assertIntact, assertKeptThrough, propertyMissing, RETAINED, SYNCED, syncedSnapshot, waitForCondition } from "../helpers/secret-kept.ts";
import { planted } from "../helpers/planted.ts";

const notVault = (op: "read" | "list", status: number) => ({
  status: "False" as const,
  reason: "SecretSyncedError",
  message: new RegExp(`^could not sync secret: ProviderUnavailable: vault ${op} \\S+: HTTP ${status} with an answer that is not Vault's JSON \\(a proxy or maintenance page\\?\\)$`),
});

describe("data is never lost silently: vault provider against OpenBao", () => {
  let ns: string;
  let op: TestOperator;
  let proxy: FaultProxy;
  const k = kube();
  const kv = unique("kv-kept");
  const values = { password: planted(), team: planted(), cfg: planted(), proxied: planted(), svc: planted() };

  const synced = (name: string, spec: Record<string, unknown>) => syncedSnapshot(k, ns, name, spec);

  before(async () => {
    ns = await freshNamespace("data-kept-vault");
    const b = bao();
    await mountKv(b, kv, "2");
    await writeKv(b, kv, "app/db", { password: values.password, user: "app" });
    await writeKv(b, kv, "team/a", { v: values.team });
    await writeKv(b, kv, "team/b", { v: "b" });
    await writeKv(b, kv, "cfg", { a: values.cfg, b: "2" });
    await writeKv(b, kv, "proxied/db", { password: values.proxied });
    await writeKv(b, kv, "svc/a", { v: values.svc });
    await writePolicy(b, `${kv}-read`, `path "${kv}/*" { capabilities = ["read", "list"] }`);
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [`${kv}-read`], ttl: "1h" });
    const token = (created["auth"] as { client_token: string }).client_token;
    proxy = await startFaultProxy(b);
    op = await startTestOperator(ns);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "vault-token" }, stringData: { token } } });
    const auth = { tokenSecretRef: { name: "vault-token", key: "token" } };
    await k.create("SecretStore", ns, "kv", { provider: { vault: { ...vaultServer(), path: kv, version: "v2", auth } } });
    await k.create("SecretStore", ns, "proxied", { provider: { vault: { server: proxy.url, path: kv, version: "v2", auth } } });
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
  });

  it("a property renamed in OpenBao under deletionPolicy Delete: an error, the Secret kept", async () => {
    const before = await synced("renamed", { secretStoreRef: { name: "kv" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "pw", remoteRef: { key: "app/db", property: "password" } }] });
    await writeKv(bao(), kv, "app/db", { passwd: values.password, user: "app" });
    await assertKeptThrough(k, ns, "renamed", before, propertyMissing("password", "key app/db"));
  });

  it("a find whose folder Vault now answers 404 (no keys) under Retain: retained, the Secret kept", async () => {
    const before = await synced("find-emptied", { secretStoreRef: { name: "kv" }, dataFrom: [{ find: { path: "team" } }] });
    await baoApi(bao(), "DELETE", `${kv}/metadata/team/a`);
    await baoApi(bao(), "DELETE", `${kv}/metadata/team/b`);
    await assert.rejects(baoApi(bao(), "LIST", `${kv}/metadata/team`), /HTTP 404/, "OpenBao answers the emptied folder's LIST with 404");
    await assertKeptThrough(k, ns, "find-emptied", before, RETAINED);
  });

  it("an extract of a document emptied to {} under Retain: retained, the Secret kept", async () => {
    const before = await synced("extract-empty", { secretStoreRef: { name: "kv" }, dataFrom: [{ extract: { key: "cfg" } }] });
    await writeKv(bao(), kv, "cfg", {});
    await assertKeptThrough(k, ns, "extract-empty", before, RETAINED);
  });

  it("a proxy answering an HTML page (200, then 404) is an error, never data or not-found; once healthy, a deleted key still deletes", async () => {
    const read = await synced("proxied-read", { secretStoreRef: { name: "proxied" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "pw", remoteRef: { key: "proxied/db", property: "password" } }] });
    const find = await synced("proxied-find", { secretStoreRef: { name: "proxied" }, target: { deletionPolicy: "Delete" }, dataFrom: [{ find: { path: "svc" } }] });

    proxy.fault = { kind: "html", code: 200 };
    await assertKeptThrough(k, ns, "proxied-read", read, notVault("read", 200));
    await assertKeptThrough(k, ns, "proxied-find", find, notVault("list", 200));

    proxy.fault = { kind: "html", code: 404 };
    await assertKeptThrough(k, ns, "proxied-read", read, notVault("read", 404));
    await assertKeptThrough(k, ns, "proxied-find", find, notVault("list", 404));
    assert.ok((proxy.counts["html"] ?? 0) > 0);
    assert.ok(!op.logs().includes(MAINTENANCE_PAGE.slice(20, 40)), "the page's text never reaches the logs");

    // Healthy again: the real answers come through, and Vault's own 404 for a deleted key applies Delete.
    proxy.fault = { kind: "none" };
    await waitForCondition(k, ns, "proxied-find", SYNCED);
    await assertIntact(k, ns, find);
    await baoApi(bao(), "DELETE", `${kv}/metadata/proxied/db`);
    await waitForReady(k, ns, "proxied-read", "True", "SecretDeleted");
    await waitFor("Secret proxied-read deleted", async () => ((await k.secret(ns, "proxied-read")) === undefined ? true : undefined));
  });

  it("never shows a value in logs, Events or status", async () => {
    await assertNoLeaks(op, ns, Object.values(values));
  });
});
