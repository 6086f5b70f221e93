// Issue 20, RefreshReceivers on the real bench (apiserver + OpenBao, the operator in-process with its webhook
// listener on a free port): a value rotated in OpenBao reaches the Secret within seconds of a verified call while
// the ExternalSecrets poll only hourly; a wrong call changes nothing; a call naming one key refreshes only its
// readers (counted in OpenBao's audit log); a hostile tenant's verified receiver cannot refresh another
// namespace's ExternalSecrets; no token or value appears in the operator's logs, Events or statuses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { decoded, kube, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver } from "../../src/api/refresh-receiver.ts";

// Longer than a reconcile after a call: what a call would have changed has changed by then.
const SETTLE_MS = 2500;
// "Within seconds": generous for a 2-core machine shared with another test run, far below the 1h interval.
const WITHIN_MS = 10_000;

const custom = kubeConfig().makeApiClient(CustomObjectsApi);
const createReceiver = (namespace: string, name: string, spec: RefreshReceiver["spec"]) =>
  custom.createNamespacedCustomObject({ group: RECEIVER_GROUP, version: RECEIVER_VERSION, namespace, plural: "refreshreceivers", body: { apiVersion: `${RECEIVER_GROUP}/${RECEIVER_VERSION}`, kind: "RefreshReceiver", metadata: { name }, spec } });
const readReceiver = async (namespace: string, name: string) =>
  (await custom.getNamespacedCustomObject({ group: RECEIVER_GROUP, version: RECEIVER_VERSION, namespace, plural: "refreshreceivers", name })) as RefreshReceiver;

async function post(port: number, path: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body, headers });
  await res.arrayBuffer();
  return res.status;
}

describe("RefreshReceiver: webhook refreshes on the real bench", () => {
  let tenant: string;
  let hostile: string;
  let op: TestOperator;
  let port: number;
  const k = kube();
  const mount = unique("recv");
  const tokens = { generic: `generic-${randomBytes(16).toString("hex")}`, github: `github-${randomBytes(16).toString("hex")}`, hostile: `hostile-${randomBytes(16).toString("hex")}` };
  const db1 = planted("recv-db-v1");
  const db2 = planted("recv-db-v2");
  const other1 = planted("recv-other-v1");
  const other2 = planted("recv-other-v2");
  const paths: Record<string, string> = {};
  const dbReads = () => auditRequests((path) => path === `${mount}/data/app/db`);
  const otherReads = () => auditRequests((path) => path === `${mount}/data/app/other`);
  const password = async (namespace: string, name: string) => decoded(await k.secret(namespace, name)).password;
  const resourceVersion = async (namespace: string, name: string) => (await k.secret(namespace, name))?.metadata?.resourceVersion;

  before(async () => {
    tenant = await freshNamespace("recv-tenant");
    hostile = await freshNamespace("recv-hostile");
    const b = bao();
    await mountKv(b, mount, "2");
    await writeKv(b, mount, "app/db", { password: db1 });
    await writeKv(b, mount, "app/other", { password: other1 });
    await writePolicy(b, `${mount}-read`, `path "${mount}/*" { capabilities = ["read", "list"] }`);
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [`${mount}-read`], ttl: "1h" });
    const vaultToken = (created["auth"] as { client_token: string }).client_token;
    op = await startTestOperator(`${tenant},${hostile}`, { receivers: { address: "127.0.0.1:0" } });
    port = op.operator.receiverPort()!;
    for (const namespace of [tenant, hostile]) {
      await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "vault-token" }, stringData: { token: vaultToken } } });
      await k.create("SecretStore", namespace, "bao", { provider: { vault: { ...vaultServer(), path: mount, version: "v2", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } } } });
    }
    const es = (key: string) => ({ refreshInterval: "1h", secretStoreRef: { name: "bao" }, data: [{ secretKey: "password", remoteRef: { key, property: "password" } }] });
    await k.create("ExternalSecret", tenant, "db", es("app/db"));
    await k.create("ExternalSecret", tenant, "other", es("app/other"));
    await k.create("ExternalSecret", hostile, "db", es("app/db"));
    await k.core.createNamespacedSecret({ namespace: tenant, body: { metadata: { name: "hook-generic" }, stringData: { token: `${tokens.generic}\n` } } });
    await k.core.createNamespacedSecret({ namespace: tenant, body: { metadata: { name: "hook-github" }, stringData: { token: tokens.github } } });
    await k.core.createNamespacedSecret({ namespace: hostile, body: { metadata: { name: "hook" }, stringData: { token: tokens.hostile } } });
    await createReceiver(tenant, "rotation", { type: "generic", secretRef: { name: "hook-generic" }, resources: [{ kind: "SecretStore", name: "bao" }] });
    await createReceiver(tenant, "git", { type: "github", secretRef: { name: "hook-github" }, events: ["push"], resources: [{ kind: "ExternalSecret", name: "*" }] });
    // The hostile tenant names everything it can think of, including the tenant's objects by name.
    await createReceiver(hostile, "grab", {
      type: "generic",
      secretRef: { name: "hook" },
      resources: [{ kind: "ExternalSecret", name: "*" }, { kind: "ExternalSecret", name: "other" }, { kind: "SecretStore", name: "bao" }, { kind: "ClusterSecretStore", name: "*" }],
    });
    await createReceiver(tenant, "no-secret", { type: "generic", secretRef: { name: "missing" }, resources: [{ kind: "ExternalSecret", name: "*" }] });
    for (const [namespace, name] of [[tenant, "db"], [tenant, "other"], [hostile, "db"]] as const) await waitForReady(k, namespace, name, "True", "SecretSynced");
    for (const [namespace, name] of [[tenant, "rotation"], [tenant, "git"], [hostile, "grab"]] as const) {
      const receiver = await waitFor(`receiver ${name} Ready`, async () => {
        const got = await readReceiver(namespace, name);
        return got.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? got : undefined;
      });
      paths[name] = receiver.status!.webhookPath!;
    }
    // Rotated at the provider after the first sync; only a webhook can bring it in before the hourly refresh.
    await writeKv(b, mount, "app/db", { password: db2 });
    await writeKv(b, mount, "app/other", { password: other2 });
  });
  after(async () => {
    await op?.stop();
  });

  it("status: the webhook path is Flux's hash; a receiver whose Secret is missing is Ready=False with a Warning", async () => {
    assert.match(paths["rotation"]!, /^\/hook\/[0-9a-f]{64}$/);
    assert.equal(new Set(Object.values(paths)).size, 3);
    const broken = await waitFor("no-secret Ready=False", async () => {
      const got = await readReceiver(tenant, "no-secret");
      return got.status?.conditions?.find((c) => c.type === "Ready" && c.status === "False") ? got : undefined;
    });
    assert.equal(broken.status?.webhookPath, undefined);
    assert.equal(broken.status?.conditions?.[0]?.reason, "SecretNotFound");
    assert.match(await waitFor("warning", async () => ((await k.events(tenant)).includes("SecretNotFound") ? k.events(tenant) : undefined)), /Warning SecretNotFound Secret missing not found/);
  });

  it("wrong token, wrong path and a bad signature are refused alike, an oversize body with 413, and nothing changes", async () => {
    const before = { db: await resourceVersion(tenant, "db"), other: await resourceVersion(tenant, "other"), reads: dbReads() };
    const statuses = [
      await post(port, paths["rotation"]!, "", { authorization: `Bearer ${tokens.generic}x` }),
      await post(port, paths["rotation"]!, "", { authorization: `Bearer ${tokens.github}` }),
      await post(port, `/hook/${"0".repeat(64)}`, "", { authorization: `Bearer ${tokens.generic}` }),
      await post(port, paths["git"]!, "{}", { "x-hub-signature-256": `sha256=${createHmac("sha256", tokens.generic).update("{}").digest("hex")}`, "x-github-event": "push" }),
    ];
    assert.deepEqual(statuses, [404, 404, 404, 404]);
    // Over 1 MiB, correctly authenticated: refused before anything is looked at.
    assert.equal(await post(port, paths["rotation"]!, JSON.stringify({ keys: ["app/db"], pad: "x".repeat(1024 * 1024) }), { authorization: `Bearer ${tokens.generic}`, "content-type": "application/json" }), 413);
    await sleep(SETTLE_MS);
    assert.deepEqual({ db: await resourceVersion(tenant, "db"), other: await resourceVersion(tenant, "other"), reads: dbReads() }, before);
    assert.equal(await password(tenant, "db"), db1);
  });

  it("a hostile tenant's verified receiver refreshes only its own namespace", async () => {
    const tenantBefore = { db: await resourceVersion(tenant, "db"), other: await resourceVersion(tenant, "other") };
    assert.equal(await post(port, paths["grab"]!, "", { authorization: `Bearer ${tokens.hostile}` }), 202);
    await waitFor("the hostile namespace's own Secret refreshed", async () => ((await password(hostile, "db")) === db2 ? true : undefined), WITHIN_MS);
    await sleep(SETTLE_MS);
    assert.deepEqual({ db: await resourceVersion(tenant, "db"), other: await resourceVersion(tenant, "other") }, tenantBefore, "the tenant's Secrets are untouched");
    assert.equal(await password(tenant, "db"), db1);
  });

  it("a generic call naming one key refreshes only its readers, within seconds, bypassing the read cache", async () => {
    const reads = { db: dbReads(), other: otherReads() };
    const otherVersion = await resourceVersion(tenant, "other");
    const started = Date.now();
    assert.equal(await post(port, paths["rotation"]!, JSON.stringify({ keys: ["app/db"] }), { authorization: `Bearer ${tokens.generic}`, "content-type": "application/json", "x-delivery-id": "rotation-1" }), 202);
    await waitFor("db refreshed", async () => ((await password(tenant, "db")) === db2 ? true : undefined), WITHIN_MS);
    const latencyMs = Date.now() - started;
    await sleep(SETTLE_MS);
    assert.equal(dbReads() - reads.db, 1, "app/db read once, from OpenBao (the hostile refresh's read a moment ago was not reused)");
    assert.equal(otherReads(), reads.other, "app/other not read");
    assert.equal(await resourceVersion(tenant, "other"), otherVersion);
    assert.equal(await password(tenant, "other"), other1);
    // Replayed: refused, nothing read.
    const replayed = await post(port, paths["rotation"]!, JSON.stringify({ keys: ["app/db"] }), { authorization: `Bearer ${tokens.generic}`, "content-type": "application/json", "x-delivery-id": "rotation-1" });
    assert.equal(replayed, 409);
    await sleep(SETTLE_MS);
    assert.equal(dbReads() - reads.db, 1, "a replay reads nothing");
    console.log(`webhook-to-Secret latency: ${latencyMs} ms (refreshInterval 1h)`);
  });

  it("a signed GitHub push refreshes everything the receiver selects; a ping refreshes nothing", async () => {
    const ping = '{"zen":"Keep it logically awesome."}';
    const sign = (body: string) => `sha256=${createHmac("sha256", tokens.github).update(body).digest("hex")}`;
    const reads = otherReads();
    assert.equal(await post(port, paths["git"]!, ping, { "x-hub-signature-256": sign(ping), "x-github-event": "ping", "x-github-delivery": randomBytes(8).toString("hex") }), 200);
    await sleep(SETTLE_MS);
    assert.equal(otherReads(), reads, "a ping reads nothing");
    const push = JSON.stringify({ ref: "refs/heads/main", commits: [] });
    assert.equal(await post(port, paths["git"]!, push, { "x-hub-signature-256": sign(push), "x-github-event": "push", "x-github-delivery": randomBytes(8).toString("hex") }), 202);
    await waitFor("other refreshed", async () => ((await password(tenant, "other")) === other2 ? true : undefined), WITHIN_MS);
  });

  it("no token or value in logs, Events or statuses", async () => {
    await assertNoLeaks(op, tenant, [db1, db2, other1, other2]);
    await assertNoLeaks(op, hostile, [db1, db2]);
    const logs = op.logs();
    assert.ok(logs.includes("webhook call verified"), "the receiver logged: the check below means something");
    for (const token of Object.values(tokens)) for (const form of leakForms(token)) assert.ok(!logs.includes(form), "a receiver token appears in the logs");
    for (const value of [db1, db2, other1, other2]) for (const form of leakForms(value)) assert.ok(!logs.includes(form), "a value appears in the logs");
    const events = `${await k.events(tenant)}\n${await k.events(hostile)}`;
    for (const token of Object.values(tokens)) assert.ok(!events.includes(token), "a token appears in an Event");
  });
});
