// PushSecret end to end against the real OpenBao, writes counted in its audit log: one write per change, zero per
// idle cycle, zero after an operator restart (and no apiserver write either), a foreign remote secret left untouched,
// a denied write and a provider outage each Ready=False with a clear reason and one Event, recovery when the peer
// answers again, deletionPolicy Delete removing only what was pushed, and no value in logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy, type AuditRequest } from "../helpers/openbao.ts";
import { planted } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";
import { startFaultProxy, type FaultProxy } from "../faults/fault-proxy.ts";

const WRITES = new Set(["create", "update", "delete"]);

describe("PushSecret against OpenBao (controller, counted at the peer)", () => {
  const k = kube();
  const ps = pushApi();
  const mount = unique("ps-kv");
  let ns: string;
  let op: TestOperator;
  let proxy: FaultProxy;
  const values = { user: planted("user"), pw: planted("pw"), pw2: planted("pw2"), foreign: planted("foreign"), denied: planted("denied"), outage: planted("outage") };

  const writes = (under = "") =>
    auditRequests((path, entry: AuditRequest) => path.startsWith(`${mount}/`) && path.includes(under) && WRITES.has(entry.request?.operation ?? ""));
  const reads = (under = "") =>
    auditRequests((path, entry: AuditRequest) => path.startsWith(`${mount}/`) && path.includes(under) && !WRITES.has(entry.request?.operation ?? ""));
  const peer = async (key: string) => ((await baoApi(bao(), "GET", `${mount}/data/${key}`))["data"] as { data: Record<string, string> }).data;
  const eventsAbout = async (name: string, reason: string) => (await k.events(ns)).split("\n").filter((line) => line.includes(reason) && line.includes(name));

  before(async () => {
    ns = await freshNamespace("push-bao");
    const b = bao();
    await mountKv(b, mount, "2");
    await writeKv(b, mount, "team/foreign", { value: values.foreign });
    await writePolicy(b, `${mount}-rw`, `path "${mount}/*" { capabilities = ["create", "read", "update", "delete", "list"] }`);
    await writePolicy(b, `${mount}-ro`, `path "${mount}/*" { capabilities = ["read", "list"] }`);
    const token = async (policy: string) => ((await baoApi(b, "POST", "auth/token/create", { policies: [policy], ttl: "2h" }))["auth"] as { client_token: string }).client_token;
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "bao-rw" }, stringData: { token: await token(`${mount}-rw`) } } });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "bao-ro" }, stringData: { token: await token(`${mount}-ro`) } } });
    const server = vaultServer();
    proxy = await startFaultProxy({ addr: server.server, caPem: Buffer.from(server.caBundle, "base64").toString("utf8") });
    op = await startTestOperator(ns);
    // Through the proxy the operator speaks plain http to a loopback address (no CA: the proxy holds OpenBao's).
    const store = (name: string, secret: string, via?: string) =>
      k.create("SecretStore", ns, name, { provider: { vault: { ...(via ? { server: via } : server), path: mount, version: "v2", auth: { tokenSecretRef: { name: secret, key: "token" } } } } });
    await store("rw", "bao-rw");
    await store("ro", "bao-ro");
    await store("flaky", "bao-rw", proxy.url);
    await ps.putSecret(ns, "app", { user: values.user, password: values.pw });
  });
  after(async () => {
    await op?.stop();
    await proxy?.close();
    await assertNoLeaks(op, ns, Object.values(values));
  });

  it("one push: the ownership mark and the data, once per key", async () => {
    const before = writes("app/");
    await ps.create(ns, "app", {
      refreshInterval: "1s",
      secretStoreRefs: [{ name: "rw" }],
      selector: { secret: { name: "app" } },
      data: [
        { match: { secretKey: "user", remoteRef: { remoteKey: "app/db", property: "user" } } },
        { match: { secretKey: "password", remoteRef: { remoteKey: "app/pw", property: "password" } } },
      ],
    });
    await ps.waitReady(ns, "app", "True", "Synced");
    assert.deepEqual(await peer("app/db"), { user: values.user });
    assert.deepEqual(await peer("app/pw"), { password: values.pw });
    // Per new remote secret: the ownership mark (metadata), then the data.
    assert.equal(writes("app/") - before, 4);
  });

  it("idle refreshes write nothing at OpenBao or at the apiserver, and an operator restart writes nothing either", async () => {
    const ready = await ps.waitReady(ns, "app", "True");
    const [w0, r0] = [writes(), reads("app/")];
    await sleep(4_000);
    assert.equal(writes() - w0, 0, "idle refreshes wrote to OpenBao");
    assert.ok(reads("app/") > r0, "due refreshes compared with OpenBao");
    assert.equal((await ps.get(ns, "app"))?.metadata.resourceVersion, ready.metadata.resourceVersion, "idle refreshes wrote to the apiserver");

    await op.stop();
    const r1 = reads("app/");
    op = await startTestOperator(ns);
    await waitFor("the restarted operator compared with OpenBao", async () => (reads("app/") > r1 ? true : undefined));
    await sleep(2_000);
    assert.equal(writes() - w0, 0, "the restart wrote to OpenBao");
    assert.equal((await ps.get(ns, "app"))?.metadata.resourceVersion, ready.metadata.resourceVersion, "the restart wrote to the apiserver");
  });

  it("a changed source key: exactly one write, the other key untouched", async () => {
    const [db0, all0] = [writes("app/db"), writes()];
    await ps.putSecret(ns, "app", { user: values.pw2, password: values.pw });
    await waitFor("the new user pushed", async () => ((await peer("app/db"))["user"] === values.pw2 ? true : undefined), 15_000);
    await sleep(1_500);
    assert.equal(writes("app/db") - db0, 1);
    assert.equal(writes() - all0, 1);
  });

  it("a foreign remote secret is left untouched: Ready=False naming it, one Event", async () => {
    const before = writes("team/foreign");
    await ps.create(ns, "foreign", { secretStoreRefs: [{ name: "rw" }], selector: { secret: { name: "app" } }, data: [{ match: { secretKey: "user", remoteRef: { remoteKey: "team/foreign", property: "value" } } }] });
    const failed = await ps.waitReady(ns, "foreign", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /NotOwned: .*team\/foreign.*not managed by external-secrets/);
    await sleep(1_500);
    assert.equal(writes("team/foreign") - before, 0);
    assert.deepEqual(await peer("team/foreign"), { value: values.foreign });
    assert.equal((await eventsAbout("team/foreign", "Warning Errored")).length, 1);
  });

  it("a denied write (read-only policy): Ready=False PermissionDenied, one Event, nothing stored", async () => {
    await ps.putSecret(ns, "denied", { k: values.denied });
    await ps.create(ns, "denied", { secretStoreRefs: [{ name: "ro" }], selector: { secret: { name: "denied" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "denied/x", property: "k" } } }] });
    const failed = await ps.waitReady(ns, "denied", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /PermissionDenied/);
    await sleep(1_500);
    // OpenBao's audit log records the refused attempts too: the proof is that nothing is there.
    await assert.rejects(baoApi(bao(), "GET", `${mount}/data/denied/x`), /HTTP 404/);
    assert.equal((await eventsAbout("denied", "Warning Errored")).length, 1);
  });

  it("a provider outage: Ready=False ProviderUnavailable with one Event, the last pushed value kept; pushed once the peer answers", async () => {
    await ps.putSecret(ns, "outage", { k: values.user });
    await ps.create(ns, "outage", { refreshInterval: "1s", secretStoreRefs: [{ name: "flaky" }], selector: { secret: { name: "outage" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "outage/x", property: "k" } } }] });
    await ps.waitReady(ns, "outage", "True", "Synced");
    proxy.fault = { kind: "status", code: 503 };
    await ps.putSecret(ns, "outage", { k: values.outage });
    const failed = await ps.waitReady(ns, "outage", "False", "Errored", 20_000);
    assert.match(ready(failed)?.message ?? "", /ProviderUnavailable/);
    assert.deepEqual(await peer("outage/x"), { k: values.user }, "the last pushed value stays");
    await sleep(3_000);
    assert.equal((await eventsAbout("outage", "Warning Errored")).length, 1, "one Event for the outage, not one per retry");
    proxy.fault = { kind: "none" };
    await ps.waitReady(ns, "outage", "True", "Synced", 60_000);
    assert.deepEqual(await peer("outage/x"), { k: values.outage });
  });

  it("deleting a PushSecret while the provider is down: the finalizer holds, Ready=False says why; done once it answers", async () => {
    await ps.putSecret(ns, "held", { k: values.user });
    await ps.create(ns, "held", { deletionPolicy: "Delete", secretStoreRefs: [{ name: "flaky" }], selector: { secret: { name: "held" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "held/x", property: "k" } } }] });
    await ps.waitReady(ns, "held", "True", "Synced");
    proxy.fault = { kind: "status", code: 503 };
    await ps.delete(ns, "held");
    const failed = await ps.waitReady(ns, "held", "False", "Errored", 30_000);
    assert.match(ready(failed)?.message ?? "", /Failed to Delete Secrets from Provider/);
    assert.deepEqual(await peer("held/x"), { k: values.user }, "nothing deleted yet");
    proxy.fault = { kind: "none" };
    await waitFor("PushSecret gone", async () => ((await ps.get(ns, "held")) ? undefined : true), 90_000);
    await assert.rejects(baoApi(bao(), "GET", `${mount}/data/held/x`), /HTTP 404/);
  });

  it("deletionPolicy Delete removes what was pushed when the PushSecret goes, and nothing else", async () => {
    await ps.putSecret(ns, "del", { k: values.user });
    await ps.create(ns, "del", { deletionPolicy: "Delete", secretStoreRefs: [{ name: "rw" }], selector: { secret: { name: "del" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "del/x", property: "k" } } }] });
    await ps.waitReady(ns, "del", "True", "Synced");
    await ps.delete(ns, "del");
    await waitFor("PushSecret gone", async () => ((await ps.get(ns, "del")) ? undefined : true));
    await assert.rejects(baoApi(bao(), "GET", `${mount}/data/del/x`), /HTTP 404/);
    assert.deepEqual(await peer("team/foreign"), { value: values.foreign });
  });
});
