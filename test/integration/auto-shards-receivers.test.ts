// Issue 21, RefreshReceivers with --shards auto on the real bench (apiserver + OpenBao, three in-process replicas of
// one fleet, each with its own webhook listener): a call reaching any one replica refreshes the ExternalSecrets every
// replica works, with one OpenBao read per key and one write per Secret; a call naming a key refreshes only its
// readers; a delivery replayed to another replica is refused there; the owner's status writes and the shared calls
// keep each other's fields; a hostile tenant's receiver reaches only its own namespace; a call racing a replica's
// departure still refreshes everything; no token, delivery id or value in logs, Events or statuses.
// (One replica, every receiver feature: refresh-receiver.test.ts.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { apiserverRequestCount, freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { decoded, kube, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { makeMetrics, type OperatorMetrics } from "../../src/metrics.ts";
import { gauge, syncs } from "../helpers/replica-metrics.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver } from "../../src/api/refresh-receiver.ts";

const KEYS = Array.from({ length: 12 }, (_, i) => `app/k${i}`);
const nameOf = (key: string) => key.slice("app/".length);
// Longer than a reconcile after a call reaches every replica: what a call would have changed has changed by then.
const SETTLE_MS = 3000;
const WITHIN_MS = 15_000;

const custom = kubeConfig().makeApiClient(CustomObjectsApi);
const receiverApi = { group: RECEIVER_GROUP, version: RECEIVER_VERSION, plural: "refreshreceivers" };
const createReceiver = (namespace: string, name: string, spec: RefreshReceiver["spec"]) =>
  custom.createNamespacedCustomObject({ ...receiverApi, namespace, body: { apiVersion: `${RECEIVER_GROUP}/${RECEIVER_VERSION}`, kind: "RefreshReceiver", metadata: { name }, spec } });
const readReceiver = async (namespace: string, name: string) => (await custom.getNamespacedCustomObject({ ...receiverApi, namespace, name })) as RefreshReceiver;

async function post(port: number, path: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body, headers });
  await res.arrayBuffer();
  return res.status;
}

const secretWrites = () => apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "DELETE"], resource: "secrets" });

describe("RefreshReceivers with automatic shards: three replicas, calls to any of them", () => {
  let tenant: string;
  let hostile: string;
  let system: string;
  const fleet = `sb-recv-fleet-${randomBytes(3).toString("hex")}`;
  const k = kube();
  const mount = unique("shrecv");
  const replicas: Array<{ op: TestOperator; metrics: OperatorMetrics; port: number; stopped?: boolean }> = [];
  const tokens = { tenant: `tenant-${randomBytes(16).toString("hex")}`, hostile: `hostile-${randomBytes(16).toString("hex")}` };
  const delivery = `delivery-${randomBytes(8).toString("hex")}`;
  const version = (v: number) => KEYS.map((key) => planted(`shrecv-${nameOf(key)}-v${v}`));
  const v1 = version(1);
  const v2 = version(2);
  const v3 = planted("shrecv-k0-v3");
  /** Every value planted so far (the leak check looks for all of them). */
  const values = [...v1, ...v2, v3];
  const hostileValues = [planted("shrecv-hostile-v1"), planted("shrecv-hostile-v2")];
  let path = "";
  let hostilePath = "";
  const reads = (key: string) => auditRequests((p) => p === `${mount}/data/${key}`);
  const password = async (namespace: string, name: string) => decoded(await k.secret(namespace, name)).password;
  const call = (replica: number, body: string, headers: Record<string, string> = {}) =>
    post(replicas[replica]!.port, path, body, { authorization: `Bearer ${tokens.tenant}`, "content-type": "application/json", ...headers });

  before(async () => {
    tenant = await freshNamespace("shrecv-tenant");
    hostile = await freshNamespace("shrecv-hostile");
    system = await freshNamespace("shrecv-system");
    const b = bao();
    await mountKv(b, mount, "2");
    for (const [i, key] of KEYS.entries()) await writeKv(b, mount, key, { password: v1[i]! });
    await writeKv(b, mount, "hostile/own", { password: hostileValues[0]! });
    await writePolicy(b, `${mount}-read`, `path "${mount}/*" { capabilities = ["read", "list"] }`);
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [`${mount}-read`], ttl: "1h" });
    const vaultToken = (created["auth"] as { client_token: string }).client_token;
    for (let i = 0; i < 3; i++) {
      const metrics = makeMetrics({ defaultMetrics: false });
      const op = await startTestOperator(`${tenant},${hostile}`, {
        metrics,
        receivers: { address: "127.0.0.1:0" },
        autoShards: { namespace: system, fleet, leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 },
      });
      replicas.push({ op, metrics, port: op.operator.receiverPort()! });
    }
    for (const namespace of [tenant, hostile]) {
      await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "vault-token" }, stringData: { token: vaultToken } } });
      await k.create("SecretStore", namespace, "bao", { provider: { vault: { ...vaultServer(), path: mount, version: "v2", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } } } });
    }
    // Hourly: only a webhook call brings a rotation in within the test.
    const es = (key: string) => ({ refreshInterval: "1h", secretStoreRef: { name: "bao" }, data: [{ secretKey: "password", remoteRef: { key, property: "password" } }] });
    for (const key of KEYS) await k.create("ExternalSecret", tenant, nameOf(key), es(key));
    await k.create("ExternalSecret", hostile, "own", es("hostile/own"));
    await k.core.createNamespacedSecret({ namespace: tenant, body: { metadata: { name: "hook" }, stringData: { token: tokens.tenant } } });
    await k.core.createNamespacedSecret({ namespace: hostile, body: { metadata: { name: "hook" }, stringData: { token: tokens.hostile } } });
    await createReceiver(tenant, "rotation", { type: "generic", secretRef: { name: "hook" }, resources: [{ kind: "SecretStore", name: "bao" }] });
    // The hostile tenant names everything it can, the tenant's objects and every ClusterSecretStore included.
    await createReceiver(hostile, "grab", {
      type: "generic",
      secretRef: { name: "hook" },
      resources: [{ kind: "ExternalSecret", name: "*" }, { kind: "ExternalSecret", name: "k0" }, { kind: "SecretStore", name: "bao" }, { kind: "ClusterSecretStore", name: "*" }],
    });
    for (const key of KEYS) await waitForReady(k, tenant, nameOf(key), "True", "SecretSynced");
    await waitForReady(k, hostile, "own", "True", "SecretSynced");
    const readyPath = async (namespace: string, name: string) =>
      (
        await waitFor(`receiver ${name} Ready`, async () => {
          const got = await readReceiver(namespace, name);
          return got.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? got : undefined;
        })
      ).status!.webhookPath!;
    path = await readyPath(tenant, "rotation");
    hostilePath = await readyPath(hostile, "grab");
    // Calls below must not race a handover (the last test races one on purpose): all slots placed among all three.
    await waitFor("the fleet settled (3 members, 1024 slots among them)", async () => {
      const members = await Promise.all(replicas.map((r) => gauge(r.metrics, "secretsbridge_shard_members")));
      const slots = await Promise.all(replicas.map((r) => gauge(r.metrics, "secretsbridge_shard_slots")));
      return members.every((n) => n === 3) && slots.every((n) => n > 0) && slots.reduce((a, b) => a + b, 0) === 1024 ? true : undefined;
    });
  });
  after(async () => {
    for (const replica of replicas) if (!replica.stopped) await replica.op.stop();
    for (const replica of replicas) replica.metrics.close();
  });

  it("a call to one replica refreshes what every replica works: one read per key, one write per Secret", async () => {
    const b = bao();
    for (const [i, key] of KEYS.entries()) await writeKv(b, mount, key, { password: v2[i]! });
    const readsBefore = new Map(KEYS.map((key) => [key, reads(key)]));
    const syncsBefore = await Promise.all(replicas.map((r) => syncs(r.metrics)));
    const writesBefore = await secretWrites();
    assert.equal(await call(0, ""), 202);
    await waitFor("every Secret rotated", async () => ((await Promise.all(KEYS.map((key) => password(tenant, nameOf(key))))).every((value, i) => value === v2[i]) ? true : undefined), WITHIN_MS);
    await sleep(SETTLE_MS);
    for (const key of KEYS) assert.equal(reads(key) - readsBefore.get(key)!, 1, `${key} read once by the fleet`);
    assert.equal((await secretWrites()) - writesBefore, KEYS.length, "one write per rotated Secret, none twice");
    // The refreshes were made by several replicas, so the call did cross from the one it reached to the others.
    const workedBy = await Promise.all(replicas.map(async (r, i) => [...(await syncs(r.metrics))].filter(([name, n]) => n > (syncsBefore[i]!.get(name) ?? 0)).length));
    console.log(`# refreshes per replica after one call to replica 0: ${workedBy.join(" / ")}`);
    assert.equal(workedBy.reduce((a, b) => a + b, 0), KEYS.length);
    assert.ok(workedBy.filter((n) => n > 0).length >= 2, `refreshed by more than the replica called (${workedBy.join("/")})`);
  });

  it("a hostile tenant's receiver, called on any replica, refreshes only its own namespace", async () => {
    await writeKv(bao(), mount, "app/k0", { password: v3 });
    await writeKv(bao(), mount, "hostile/own", { password: hostileValues[1]! });
    const before = reads("app/k0");
    for (let replica = 0; replica < 3; replica++) {
      const status = await post(replicas[replica]!.port, hostilePath, "", { authorization: `Bearer ${tokens.hostile}` });
      assert.ok(status === 202 || status === 429, `hostile call on replica ${replica}: ${status}`);
    }
    await waitFor("the hostile tenant's own Secret rotated", async () => ((await password(hostile, "own")) === hostileValues[1] ? true : undefined), WITHIN_MS);
    await sleep(SETTLE_MS);
    assert.equal(reads("app/k0"), before, "the tenant's key was not read");
    assert.equal(await password(tenant, "k0"), v2[0], "the tenant's Secret kept its value");
  });

  it("a call naming a key, to another replica, refreshes only that key's readers", async () => {
    const readsBefore = new Map(KEYS.map((key) => [key, reads(key)]));
    assert.equal(await call(2, JSON.stringify({ keys: ["app/k0"] })), 202);
    await waitFor("k0 rotated", async () => ((await password(tenant, "k0")) === v3 ? true : undefined), WITHIN_MS);
    await sleep(SETTLE_MS);
    for (const key of KEYS) assert.equal(reads(key) - readsBefore.get(key)!, key === "app/k0" ? 1 : 0, key);
  });

  it("a delivery replayed to another replica is refused there, and refreshes nothing", async () => {
    const readsBefore = reads("app/k1");
    assert.equal(await call(1, JSON.stringify({ keys: ["app/k1"] }), { "x-delivery-id": delivery }), 202);
    await sleep(SETTLE_MS);
    assert.equal(reads("app/k1") - readsBefore, 1);
    assert.equal(await call(2, JSON.stringify({ keys: ["app/k1"] }), { "x-delivery-id": delivery }), 409, "replayed to replica 2");
    assert.equal(await call(0, JSON.stringify({ keys: ["app/k1"] }), { "x-delivery-id": delivery }), 409, "replayed to replica 0");
    await sleep(SETTLE_MS);
    assert.equal(reads("app/k1") - readsBefore, 1, "a replay reads nothing");
  });

  it("status: the shared calls and the owner's Ready condition keep each other; delivery ids only hashed", async () => {
    const shared = (await readReceiver(tenant, "rotation")).status?.calls ?? [];
    assert.ok(shared.length >= 3 && shared.length <= 8, `${shared.length} shared calls`);
    assert.equal(new Set(shared.map((c) => c.id)).size, shared.length);
    assert.deepEqual(shared.at(-1)?.keys, ["app/k1"]);
    assert.ok(!JSON.stringify(shared).includes(delivery), "the raw delivery id is not stored");
    // A spec change makes the owning replica write its status again: the shared calls must survive it.
    await custom.patchNamespacedCustomObject(
      { ...receiverApi, namespace: tenant, name: "rotation", body: { spec: { events: ["push"] } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const after = await waitFor("the owner observed the new generation", async () => {
      const got = await readReceiver(tenant, "rotation");
      return got.status?.observedGeneration === got.metadata.generation ? got : undefined;
    });
    assert.deepEqual(after.status?.calls?.map((c) => c.id), shared.map((c) => c.id));
    assert.equal(after.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    assert.equal(after.status?.webhookPath, path);
  });

  it("a call racing a replica's departure still refreshes every ExternalSecret (the taker acts on recent calls)", async () => {
    const v4 = version(4);
    for (const [i, key] of KEYS.entries()) await writeKv(bao(), mount, key, { password: v4[i]! });
    // The call and the departure in flight together: whichever order they land in, nothing may be left behind.
    const [status] = await Promise.all([call(0, ""), replicas[2]!.op.stop()]);
    replicas[2]!.stopped = true;
    assert.equal(status, 202);
    await waitFor("every Secret rotated", async () => ((await Promise.all(KEYS.map((key) => password(tenant, nameOf(key))))).every((value, i) => value === v4[i]) ? true : undefined), WITHIN_MS);
    values.push(...v4);
  });

  it("no token, delivery id or value in any replica's logs, Events or statuses", async () => {
    const receivers = JSON.stringify([await readReceiver(tenant, "rotation"), await readReceiver(hostile, "grab")].map((r) => r.status));
    for (const [i, { op }] of replicas.entries()) {
      await assertNoLeaks(op, tenant, values);
      await assertNoLeaks(op, hostile, hostileValues);
      const logs = op.logs();
      for (const secret of [...Object.values(tokens), delivery]) for (const form of leakForms(secret)) assert.ok(!logs.includes(form), `replica ${i} logged a token or delivery id`);
      for (const value of [...values, ...hostileValues]) for (const form of leakForms(value)) assert.ok(!logs.includes(form) && !receivers.includes(form), `replica ${i}: a value in logs or a receiver status`);
    }
    assert.ok(replicas.some(({ op }) => op.logs().includes("webhook call verified")), "the receivers logged: the checks above mean something");
  });
});
