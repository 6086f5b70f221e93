// Issue 21, automatic shards (--shards auto) on the real apiserver: three operators in one fleet split the
// ExternalSecrets by the key they read (every reader of one key on one replica), the fleet still makes one
// provider call per distinct key and cycle and no write at rest; a replica leaving hands its share over and a
// rotation afterwards writes each Secret exactly once; a replica joining later takes a share with no write at all;
// a member Lease forged by a tenant in its own namespace is ignored; each replica keeps only its share's sessions
// and the others' ExternalSecrets reduced.
// (Separate processes and SIGKILL: test/e2e/auto-shards-processes.test.ts.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CoordinationV1Api, V1MicroTime } from "@kubernetes/client-node";
import { apiserverRequestCount, freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { planted } from "../helpers/planted.ts";
import { makeMetrics, type OperatorMetrics } from "../../src/metrics.ts";
import { gauge, syncs } from "../helpers/replica-metrics.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";
import { MEMBER_LABEL } from "../../src/controller/shards/member-lease.ts";

const KEYS = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11"];
const PER_KEY = 3;
const names = KEYS.flatMap((key) => Array.from({ length: PER_KEY }, (_, i) => `${key}-r${i}`));
const keyOf = (name: string) => name.slice(0, name.lastIndexOf("-r"));
/** Stores read by one ExternalSecret each ("solo-i" reads store "solo-i"): where their sessions live is checkable. */
const SOLO = Array.from({ length: 6 }, (_, i) => `solo-${i}`);

const secretWrites = () => apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "DELETE"], resource: "secrets" });

describe("automatic shards (--shards auto): three replicas in one fleet", () => {
  let ns: string;
  /** The operator's own namespace, where the member Leases live; tenants cannot write there. */
  let system: string;
  const fleet = `sb-fleet-${randomBytes(3).toString("hex")}`;
  const clusterStore = `${fleet}-cluster`;
  const k = kube();
  const replicas: Array<{ op: TestOperator; metrics: OperatorMetrics; stopped: boolean }> = [];
  const values = KEYS.map((key) => `${planted("shard")}-${key}`);
  const start = async () => {
    const metrics = makeMetrics({ defaultMetrics: false });
    const op = await startTestOperator(ns, { metrics, autoShards: { namespace: system, fleet, leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 } });
    const replica = { op, metrics, stopped: false };
    replicas.push(replica);
    return replica;
  };
  const storeSpec = (vals: string[]) => ({ provider: { fake: { data: KEYS.map((key, i) => ({ key, value: vals[i]! })) } } });

  before(async () => {
    ns = await freshNamespace("auto-shards");
    system = await freshNamespace("auto-shards-system");
    // A hostile tenant forges a member Lease of the fleet in its own namespace, claiming every slot for an hour:
    // membership is read in the operator's namespace only, so this must change nothing.
    await kubeConfig().makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: `${fleet}-member-forged`, labels: { [MEMBER_LABEL]: fleet }, annotations: { "secrets-bridge.dev/claims": "f".repeat(256), "secrets-bridge.dev/slots": "1024" } },
        spec: { holderIdentity: "forged", leaseDurationSeconds: 3600, renewTime: new V1MicroTime(Date.now()) as unknown as Date },
      },
    });
    for (let i = 0; i < 3; i++) await start();
    await k.create("SecretStore", ns, "fake", storeSpec(values));
    for (const name of names) await k.create("ExternalSecret", ns, name, { refreshInterval: "2s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: keyOf(name) } }] });
    // A ClusterSecretStore nobody here reads (as other tests leave on the cluster): one replica validates it.
    await k.create("ClusterSecretStore", undefined, clusterStore, { provider: { fake: { data: [{ key: "k", value: planted("cluster") }] } } });
    for (const solo of SOLO) {
      await k.create("SecretStore", ns, solo, { provider: { fake: { data: [{ key: "k", value: planted("solo") }] } } });
      await k.create("ExternalSecret", ns, solo, { refreshInterval: "2s", secretStoreRef: { name: solo }, data: [{ secretKey: "v", remoteRef: { key: "k" } }] });
    }
    for (const name of [...names, ...SOLO]) await waitFor(`${name} Ready`, async () => (ready(await k.es(ns, name))?.status === "True" ? true : undefined), 60_000);
  });
  after(async () => {
    await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name: clusterStore }).catch(() => undefined);
    for (const replica of replicas) if (!replica.stopped) await replica.op.stop();
    for (const replica of replicas) replica.metrics.close();
  });

  it("each ExternalSecret is worked by one replica, every reader of a key by the same one, and all three work", async () => {
    // The first replica up works everything until the others join: judge the split once all three see each other.
    await waitFor("the fleet settled", async () => {
      const seen = await Promise.all(replicas.map((r) => gauge(r.metrics, "secretsbridge_shard_members")));
      // ESO's condition gauge: each replica reports the ExternalSecrets it works, so the fleet's sum counts each once.
    const readyReported = await Promise.all(
      replicas.map(async (r) => (await r.metrics.registry.getSingleMetric("externalsecret_status_condition")!.get()).values.filter((v) => v.labels.condition === "Ready" && v.labels.status === "True" && v.value === 1).length),
    );
    assert.equal(readyReported.reduce((a, b) => a + b, 0), names.length + SOLO.length, `Ready reported ${readyReported.join("+")} times`);
    const slots = await Promise.all(replicas.map((r) => gauge(r.metrics, "secretsbridge_shard_slots")));
      return seen.every((n) => n === 3) && slots.reduce((a, b) => a + b, 0) === 1024 ? true : undefined;
    });
    const baseline = await Promise.all(replicas.map((r) => syncs(r.metrics)));
    await sleep(4500); // a couple of refresh cycles
    const byReplica = (await Promise.all(replicas.map((r) => syncs(r.metrics)))).map(
      (calls, i) => new Map([...calls].filter(([name, n]) => n > (baseline[i]!.get(name) ?? 0))),
    );
    const owner = new Map<string, number>();
    for (const [i, calls] of byReplica.entries()) {
      for (const name of calls.keys()) {
        if (!names.includes(name)) continue;
        assert.equal(owner.get(name), undefined, `${name} synced by replicas ${owner.get(name)} and ${i}`);
        owner.set(name, i);
      }
    }
    for (const key of KEYS) {
      const owners = new Set(names.filter((n) => keyOf(n) === key).map((n) => owner.get(n)));
      assert.equal(owners.size, 1, `readers of ${key} spread over replicas ${[...owners].join(",")}`);
    }
    const shares = replicas.map((_, i) => names.filter((n) => owner.get(n) === i).length);
    console.log(`# split of ${names.length} ExternalSecrets (${KEYS.length} keys) over 3 replicas: ${shares.join(" / ")}`);
    assert.ok(shares.every((s) => s > 0), `every replica works (split ${shares.join("/")})`);
    for (const [i, r] of replicas.entries()) {
      assert.equal(await gauge(r.metrics, "secretsbridge_shard_members"), 3);
      const solos = SOLO.filter((name) => byReplica[i]!.has(name)).length;
      assert.equal(await gauge(r.metrics, "secretsbridge_shard_externalsecrets"), shares[i]! + solos);
    }
    // ESO's condition gauge: each replica reports the ExternalSecrets it works, so the fleet's sum counts each once.
    const readyReported = await Promise.all(
      replicas.map(async (r) => (await r.metrics.registry.getSingleMetric("externalsecret_status_condition")!.get()).values.filter((v) => v.labels.condition === "Ready" && v.labels.status === "True" && v.value === 1).length),
    );
    assert.equal(readyReported.reduce((a, b) => a + b, 0), names.length + SOLO.length, `Ready reported ${readyReported.join("+")} times`);
    const slots = await Promise.all(replicas.map((r) => gauge(r.metrics, "secretsbridge_shard_slots")));
    assert.equal(slots.reduce((a, b) => a + b, 0), 1024, `slots ${slots.join("+")} cover all 1024 once`);
    const leases = await kubeConfig().makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: system, labelSelector: `${MEMBER_LABEL}=${fleet}` });
    assert.equal(leases.items.length, 3, "one member Lease per replica, in the operator's namespace");
  });

  it("across the fleet: one provider call per distinct key and cycle, zero Secret writes at rest", async () => {
    const store = `SecretStore/${ns}/fake`;
    const calls = () => KEYS.map((key) => fakeCallCount({ store, key }));
    const before = calls();
    const writes = await secretWrites();
    const WINDOW_MS = 6000;
    await sleep(WINDOW_MS);
    const made = calls().map((n, i) => n - before[i]!);
    const cycles = WINDOW_MS / 2000;
    for (const [i, key] of KEYS.entries()) {
      assert.ok(made[i]! >= cycles - 1 && made[i]! <= cycles + 1, `${key}: ${made[i]} calls in ${cycles} cycles for ${PER_KEY} readers`);
    }
    assert.equal((await secretWrites()) - writes, 0, "no Secret written at rest");
  });

  it("a replica leaving hands its share over; a rotation then writes each Secret exactly once", async () => {
    const leaving = replicas[1]!;
    const share = [...(await syncs(leaving.metrics)).keys()].filter((n) => names.includes(n));
    assert.ok(share.length > 0);
    await leaving.op.stop();
    leaving.stopped = true;
    await waitFor("two members", async () => ((await gauge(replicas[0]!.metrics, "secretsbridge_shard_members")) === 2 ? true : undefined), 15_000);
    await sleep(1500); // the handover's claim round
    const writes = await secretWrites();
    const rotated = KEYS.map((key) => `${planted("shard")}-${key}-rotated`);
    await k.patch("SecretStore", ns, "fake", { spec: storeSpec(rotated) });
    for (const name of names) {
      await waitFor(`${name} rotated`, async () => (decoded((await k.secret(ns, name))!).v === rotated[KEYS.indexOf(keyOf(name))] ? true : undefined), 30_000);
    }
    await sleep(4000); // late duplicates would land here
    assert.equal((await secretWrites()) - writes, names.length, "each Secret written once, none twice");
    const after = await Promise.all([replicas[0]!, replicas[2]!].map((r) => syncs(r.metrics)));
    for (const name of share) assert.ok(after.some((calls) => calls.has(name)), `${name} (the leaver's) taken over`);
  });

  it("a replica joining later takes a share without a single Secret write", async () => {
    const writes = await secretWrites();
    const joined = await start();
    await waitFor("the newcomer works a share", async () => ((await gauge(joined.metrics, "secretsbridge_shard_slots")) > 0 ? true : undefined), 20_000);
    await sleep(4500);
    const mine = [...(await syncs(joined.metrics)).keys()].filter((n) => names.includes(n));
    console.log(`# the newcomer took ${mine.length} of ${names.length} ExternalSecrets (${await gauge(joined.metrics, "secretsbridge_shard_slots")} slots)`);
    assert.ok(mine.length > 0, "the newcomer syncs some");
    assert.equal((await secretWrites()) - writes, 0, "joining wrote no Secret");
    for (const name of names) assert.equal(ready(await k.es(ns, name))?.status, "True", `${name} still Ready`);
  });

  it("each replica keeps provider sessions only for the stores its share reads or it validates", async () => {
    // The first replica up opened every store's session while it worked alone; the handovers since closed the rest.
    const live = replicas.filter((r) => !r.stopped);
    const before = await Promise.all(live.map((r) => syncs(r.metrics)));
    await sleep(4500);
    for (const [i, r] of live.entries()) {
      const synced = [...(await syncs(r.metrics))].filter(([name, n]) => n > (before[i]!.get(name) ?? 0)).map(([name]) => name);
      // ClusterSecretStores too: other tests' may be on the cluster, and a replica validating one holds its session.
      const validatedOf = async (gaugeName: string, prefix: string) =>
        (await r.metrics.registry.getSingleMetric(gaugeName)!.get()).values.filter((v) => v.labels.condition === "Ready" && v.value === 1).map((v) => `${prefix}${String(v.labels.name)}`);
      const validated = [...(await validatedOf("secretstore_status_condition", "")), ...(await validatedOf("clustersecretstore_status_condition", "ClusterSecretStore/"))];
      const needed = new Set([...synced.map((name) => (SOLO.includes(name) ? name : "fake")), ...validated]);
      const open = await gauge(r.metrics, "secretsbridge_provider_sessions");
      console.log(`# replica ${i}: ${synced.length} ExternalSecrets, ${validated.length} stores validated, ${open} sessions open (${[...needed].sort().join(",")})`);
      assert.equal(open, needed.size, `replica ${i} holds ${open} sessions for ${needed.size} stores it needs`);
      // The others' ExternalSecrets are cached reduced, its own whole: memory follows the share where the watch cannot.
      const worked = await gauge(r.metrics, "secretsbridge_shard_externalsecrets");
      const reduced = await gauge(r.metrics, "secretsbridge_shard_reduced_externalsecrets");
      assert.equal(worked + reduced, names.length + SOLO.length, `replica ${i}: ${worked} worked + ${reduced} reduced`);
    }
  });
});
