// Issue 21, automatic shards as deployed: the chart installed with shards=auto and the operator run as separate
// processes exactly as in pods (test/helpers/in-cluster.ts), under the chart's RBAC, reading OpenBao, whose audit
// log counts the reads of all processes together. Three processes split 60 ExternalSecrets (20 keys, 3 readers
// each); the fleet reads each key once per cycle and writes nothing at rest; a SIGKILLed process's share is taken
// over after its Lease expires, and a rotation then writes each Secret exactly once; a fourth process joins
// without a write; a webhook call reaching one process refreshes what all three work; a SIGTERMed one hands its
// share over at once; a leader of --shards off beside them (a switch
// of modes) works alone while it holds its Lease. Times are printed, never asserted: the bench
// shares two cores with everything else.
// (The same behaviour in one process with fake providers: test/integration/auto-shards.test.ts.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { CoordinationV1Api, type V1Deployment } from "@kubernetes/client-node";
import { apiserverRequestCount, freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { MEMBER_LABEL } from "../../src/controller/shards/member-lease.ts";
import { freePort, installChart, isLeader, mountServiceAccount, startLikePod, type PodProcess } from "../helpers/in-cluster.ts";
import { auditRequests, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { decoded, kube, ready, sleep, waitFor } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver } from "../../src/api/refresh-receiver.ts";

const KEYS = Array.from({ length: 20 }, (_, i) => `k${i}`);
const PER_KEY = 3;
const NAMES = KEYS.flatMap((key) => Array.from({ length: PER_KEY }, (_, i) => `${key}-r${i}`));
const keyOf = (name: string) => name.slice(0, name.lastIndexOf("-r"));
const REFRESH_MS = 4000;
const SLOTS = 1024;
// The chart's lease values this test installs; the takeover is judged against them (printed, not asserted).
const LEASE = { duration: 4000, renewDeadline: 3000, retry: 500 };

/** A gauge from a process's /metrics text (NaN when absent). */
function gauge(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

/** ExternalSecret name -> sync calls this process made (ESO's externalsecret_sync_calls_total). */
function syncCalls(text: string, namespace: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const m of text.matchAll(/^externalsecret_sync_calls_total\{name="([^"]+)",namespace="([^"]+)"\} (\S+)$/gm)) if (m[2] === namespace) calls.set(m[1]!, Number(m[3]));
  return calls;
}

// Every Secret write the operators could make (the in-cluster test's verbs plus DELETE).
const secretWrites = () => apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "APPLY", "DELETE"], resource: "secrets" });

describe("automatic shards across processes: the chart's shards=auto, three pods, OpenBao", () => {
  const suffix = randomBytes(3).toString("hex");
  const system = `sb-shards-${suffix}`;
  const root = mkdtempSync(join(tmpdir(), "sb-pod-"));
  const kv = unique("shards-kv");
  const k = kube();
  const pods: PodProcess[] = [];
  const values = new Map(KEYS.map((key) => [key, planted("shard-bao")]));
  const everyValue: string[] = [...values.values()];
  let app: string;
  /** The OpenBao token the stores read with. */
  let token = "";
  let deployment: V1Deployment;
  const live = () => pods.filter((pod) => pod.child.exitCode === null && pod.child.signalCode === null);
  const metricsOf = (group: PodProcess[]) => Promise.all(group.map((pod) => pod.metrics()));
  /** Reads of our keys' data OpenBao saw, from every process (the audit log is the peer's, not a process's). */
  const reads = () => {
    const byPath = new Map<string, number>();
    // One pass over the log (it holds the whole run's requests), counting per key.
    auditRequests((path, entry) => {
      if (entry.request?.operation === "read") byPath.set(path, (byPath.get(path) ?? 0) + 1);
      return false;
    });
    return KEYS.map((key) => byPath.get(`${kv}/data/app/${key}`) ?? 0);
  };
  const receiverPorts = new Map<PodProcess, number>();
  /** A process as a pod of the chart, its webhook listener on a port of its own (pods have an IP each). */
  const startPod = async (extra: string[] = []) => {
    const port = await freePort();
    const pod = await startLikePod(deployment, root, [`--receiver-bind-address=127.0.0.1:${port}`, ...extra]);
    receiverPorts.set(pod, port);
    return pod;
  };
  const start = async () => {
    const pod = await startPod();
    pods.push(pod);
    return pod;
  };
  const settled = (group: PodProcess[]) =>
    waitFor(`${group.length} members, all ${SLOTS} slots worked`, async () => {
      const texts = await metricsOf(group).catch(() => undefined);
      if (!texts) return undefined;
      const slots = texts.map((t) => gauge(t, "secretsbridge_shard_slots"));
      return texts.every((t) => gauge(t, "secretsbridge_shard_members") === group.length) && slots.every((s) => s > 0) && slots.reduce((a, b) => a + b, 0) === SLOTS ? slots : undefined;
    }, 60_000);

  before(async () => {
    // metrics.auth=none: scraping needs no token (the in-cluster test covers the chart's metrics auth).
    deployment = await installChart("sb", system, [
      "shards=auto",
      `leaderElection.leaseDuration=${LEASE.duration / 1000}s`,
      `leaderElection.renewDeadline=${LEASE.renewDeadline / 1000}s`,
      `leaderElection.retryPeriod=${LEASE.retry}ms`,
      "minRefreshInterval=1s",
      "metrics.auth=none",
      "logLevel=debug",
      // Every member takes webhook calls (each process on its own port here, as pods on their own IPs).
      "receiver.enabled=true",
    ]);
    const args = deployment.spec!.template.spec!.containers[0]!.args!;
    assert.ok(args.includes("--shards=auto") && args.includes("--leader-elect=false"), "the chart's shards=auto");
    await mountServiceAccount(root, system, "sb-secrets-bridge");
    app = await freshNamespace("shards-app");
    const b = bao();
    await mountKv(b, kv, "2");
    for (const key of KEYS) await writeKv(b, kv, `app/${key}`, { value: values.get(key)! });
    await writePolicy(b, `${kv}-read`, `path "${kv}/*" { capabilities = ["read"] }`);
    token = ((await baoApi(b, "POST", "auth/token/create", { policies: [`${kv}-read`], ttl: "1h" }))["auth"] as { client_token: string }).client_token;
    everyValue.push(token);
    await k.core.createNamespacedSecret({ namespace: app, body: { metadata: { name: "bao-token" }, stringData: { token } } });
    for (let i = 0; i < 3; i++) await start();
    await settled(pods);
    await k.create("SecretStore", app, "bao", { provider: { vault: { ...vaultServer(), path: kv, version: "v2", auth: { tokenSecretRef: { name: "bao-token", key: "token" } } } } });
    for (const name of NAMES) {
      await k.create("ExternalSecret", app, name, { refreshInterval: `${REFRESH_MS / 1000}s`, secretStoreRef: { name: "bao" }, data: [{ secretKey: "v", remoteRef: { key: `app/${keyOf(name)}`, property: "value" } }] });
    }
    for (const name of NAMES) await waitFor(`${name} Ready`, async () => (ready(await k.es(app, name))?.status === "True" ? true : undefined), 90_000);
  });
  after(() => {
    for (const pod of pods) if (pod.child.exitCode === null) pod.child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("splits the ExternalSecrets over the three processes, every reader of a key on one, and each works some", async () => {
    const before = (await metricsOf(pods)).map((t) => syncCalls(t, app));
    await sleep(2 * REFRESH_MS + 500);
    const texts = await metricsOf(pods);
    // Who synced what in the window: each ExternalSecret by exactly one process.
    const owner = new Map<string, number>();
    for (const [i, text] of texts.entries()) {
      for (const [name, n] of syncCalls(text, app)) {
        if (n <= (before[i]!.get(name) ?? 0)) continue;
        assert.equal(owner.get(name), undefined, `${name} synced by processes ${owner.get(name)} and ${i}`);
        owner.set(name, i);
      }
    }
    assert.equal(owner.size, NAMES.length, "every ExternalSecret refreshed in the window");
    for (const key of KEYS) assert.equal(new Set(NAMES.filter((n) => keyOf(n) === key).map((n) => owner.get(n))).size, 1, `readers of ${key} on one process`);
    const shares = texts.map((t) => gauge(t, "secretsbridge_shard_externalsecrets"));
    const slots = texts.map((t) => gauge(t, "secretsbridge_shard_slots"));
    console.log(`# split of ${NAMES.length} ExternalSecrets (${KEYS.length} keys) over 3 processes: ${shares.join(" / ")}; slots ${slots.join(" / ")}`);
    assert.deepEqual(shares, texts.map((_, i) => NAMES.filter((n) => owner.get(n) === i).length), "the gauge is what each process synced");
    assert.ok(shares.every((s) => s > 0), `every process works (${shares.join("/")})`);
    assert.equal(slots.reduce((a, b) => a + b, 0), SLOTS);
  });

  it("reads each key once per cycle across the fleet (OpenBao's audit log) and writes no Secret at rest", async () => {
    const readsBefore = reads();
    const writesBefore = await secretWrites();
    const CYCLES = 3;
    await sleep(CYCLES * REFRESH_MS);
    const made = reads().map((n, i) => n - readsBefore[i]!);
    const writes = (await secretWrites()) - writesBefore;
    const total = made.reduce((a, b) => a + b, 0);
    console.log(`# ${CYCLES} idle cycles: ${total} OpenBao reads for ${KEYS.length} distinct keys (${(total / CYCLES).toFixed(1)} per cycle, ${NAMES.length} ExternalSecrets), ${writes} Secret writes`);
    for (const [i, key] of KEYS.entries()) assert.ok(made[i]! >= CYCLES - 1 && made[i]! <= CYCLES + 1, `${key}: ${made[i]} reads in ${CYCLES} cycles for ${PER_KEY} readers`);
    assert.equal(writes, 0, "no Secret written at rest");
  });

  it("a webhook call reaching one process refreshes what every process works, under the chart's RBAC", async () => {
    const hooked = await freshNamespace("shards-hooked");
    const hookKeys = Array.from({ length: 8 }, (_, i) => `hooked/h${i}`);
    const first = hookKeys.map(() => planted("shard-hook-v1"));
    const second = hookKeys.map(() => planted("shard-hook-v2"));
    const callToken = `hook-${randomBytes(16).toString("hex")}`;
    everyValue.push(...first, ...second, callToken);
    const b = bao();
    for (const [i, key] of hookKeys.entries()) await writeKv(b, kv, key, { value: first[i]! });
    await k.core.createNamespacedSecret({ namespace: hooked, body: { metadata: { name: "bao-token" }, stringData: { token } } });
    await k.core.createNamespacedSecret({ namespace: hooked, body: { metadata: { name: "hook" }, stringData: { token: callToken } } });
    await k.create("SecretStore", hooked, "bao", { provider: { vault: { ...vaultServer(), path: kv, version: "v2", auth: { tokenSecretRef: { name: "bao-token", key: "token" } } } } });
    // Hourly: within the test only the call can bring the rotation in.
    for (const [i, key] of hookKeys.entries()) {
      await k.create("ExternalSecret", hooked, `h${i}`, { refreshInterval: "1h", secretStoreRef: { name: "bao" }, data: [{ secretKey: "v", remoteRef: { key, property: "value" } }] });
    }
    await k.custom.createNamespacedCustomObject({
      group: RECEIVER_GROUP,
      version: RECEIVER_VERSION,
      namespace: hooked,
      plural: "refreshreceivers",
      body: { apiVersion: `${RECEIVER_GROUP}/${RECEIVER_VERSION}`, kind: "RefreshReceiver", metadata: { name: "rotation" }, spec: { type: "generic", secretRef: { name: "hook" }, resources: [{ kind: "SecretStore", name: "bao" }] } },
    });
    for (const [i] of hookKeys.entries()) await waitFor(`h${i} Ready`, async () => (ready(await k.es(hooked, `h${i}`))?.status === "True" ? true : undefined), 60_000);
    // Ready with a path: the process owning the receiver's slot read its Secret and patched its status.
    const path = await waitFor("the receiver's path", async () => {
      const receiver = (await k.custom.getNamespacedCustomObject({ group: RECEIVER_GROUP, version: RECEIVER_VERSION, namespace: hooked, plural: "refreshreceivers", name: "rotation" })) as RefreshReceiver;
      return receiver.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? receiver.status.webhookPath : undefined;
    });
    for (const [i, key] of hookKeys.entries()) await writeKv(b, kv, key, { value: second[i]! });
    const hookReads = () => hookKeys.map((key) => auditRequests((p, entry) => p === `${kv}/data/${key}` && entry.request?.operation === "read"));
    const readsBefore = hookReads();
    const syncsBefore = (await metricsOf(pods)).map((t) => syncCalls(t, hooked));
    const res = await fetch(`http://127.0.0.1:${receiverPorts.get(pods[0]!)}${path}`, { method: "POST", body: "", headers: { authorization: `Bearer ${callToken}` } });
    await res.arrayBuffer();
    assert.equal(res.status, 202);
    await waitFor(
      "every hooked Secret rotated",
      async () => ((await Promise.all(hookKeys.map((_, i) => k.secret(hooked, `h${i}`)))).every((secret, i) => decoded(secret).v === second[i]) ? true : undefined),
      20_000,
    );
    await sleep(2000);
    assert.deepEqual(hookReads().map((n, i) => n - readsBefore[i]!), hookKeys.map(() => 1), "each key read once by the fleet");
    const refreshedBy = (await metricsOf(pods)).map((t, i) => [...syncCalls(t, hooked)].filter(([name, n]) => n > (syncsBefore[i]!.get(name) ?? 0)).length);
    console.log(`# one webhook call to process 0: refreshes per process ${refreshedBy.join(" / ")}`);
    assert.equal(refreshedBy.reduce((a, c) => a + c, 0), hookKeys.length);
    assert.ok(refreshedBy.filter((n) => n > 0).length >= 2, `refreshed by more than the process called (${refreshedBy.join("/")})`);
  });

  it("a SIGKILLed process's share is taken over once its Lease expires; a rotation then writes each Secret once", async () => {
    const victim = pods[1]!;
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    await victim.exited;
    const survivors = live();
    assert.equal(survivors.length, 2);
    const slots = await waitFor("the survivors work all slots", async () => {
      const texts = await metricsOf(survivors);
      const s = texts.map((t) => gauge(t, "secretsbridge_shard_slots"));
      return s.reduce((a, b) => a + b, 0) === SLOTS ? s : undefined;
    }, 60_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(`# takeover after SIGKILL: ${takeoverMs} ms (leaseDuration ${LEASE.duration} ms, retryPeriod ${LEASE.retry} ms); survivors' slots ${slots.join(" + ")}`);

    const writesBefore = await secretWrites();
    const rotated = new Map(KEYS.map((key) => [key, planted("shard-bao-rotated")]));
    everyValue.push(...rotated.values());
    for (const key of KEYS) await writeKv(bao(), kv, `app/${key}`, { value: rotated.get(key)! });
    const rotatedAt = Date.now();
    for (const name of NAMES) {
      await waitFor(`${name} rotated`, async () => (decoded((await k.secret(app, name))!).v === rotated.get(keyOf(name)) ? true : undefined), 60_000);
    }
    const allRotatedMs = Date.now() - rotatedAt;
    await sleep(2 * REFRESH_MS); // late or duplicate writes would land here
    const writes = (await secretWrites()) - writesBefore;
    console.log(`# rotation of ${KEYS.length} keys: all ${NAMES.length} Secrets current after ${allRotatedMs} ms, ${writes} Secret writes`);
    assert.equal(writes, NAMES.length, "each Secret written once, none twice");
    for (const name of NAMES) assert.equal(ready(await k.es(app, name))?.status, "True", `${name} Ready`);
  });

  it("a fourth process joins and takes a share without a single Secret write", async () => {
    const writesBefore = await secretWrites();
    const joined = await start();
    const startedAt = Date.now();
    await waitFor("the newcomer works slots", async () => (gauge(await joined.metrics().catch(() => ""), "secretsbridge_shard_slots") > 0 ? true : undefined), 60_000);
    const joinMs = Date.now() - startedAt;
    const slots = await settled(live());
    await sleep(2 * REFRESH_MS);
    const texts = await metricsOf(live());
    const writes = (await secretWrites()) - writesBefore;
    console.log(`# join: the fourth process worked slots ${joinMs} ms after its start; slots now ${slots.join(" / ")}, ExternalSecrets ${texts.map((t) => gauge(t, "secretsbridge_shard_externalsecrets")).join(" / ")}; ${writes} Secret writes`);
    assert.ok(gauge(texts.at(-1)!, "secretsbridge_shard_externalsecrets") > 0, "the newcomer works some ExternalSecrets");
    assert.equal(writes, 0, "joining wrote no Secret");
    for (const name of NAMES) assert.equal(ready(await k.es(app, name))?.status, "True", `${name} still Ready`);
  });

  it("SIGTERM: a process drains, deletes its member Lease and exits 0; the others take its share without waiting for expiry", async () => {
    const leases = async () => (await kubeConfig().makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: system, labelSelector: `${MEMBER_LABEL}=sb-secrets-bridge-leader` })).items.length;
    const before = await leases();
    const leaving = live()[0]!;
    const writesBefore = await secretWrites();
    leaving.child.kill("SIGTERM");
    const stoppedAt = Date.now();
    assert.equal(await leaving.exited, 0);
    assert.equal(await leases(), before - 1, "its member Lease deleted");
    const slots = await settled(live());
    const handoverMs = Date.now() - stoppedAt;
    await sleep(REFRESH_MS);
    const writes = (await secretWrites()) - writesBefore;
    console.log(`# SIGTERM: share handed over ${handoverMs} ms after the signal (leaseDuration ${LEASE.duration} ms); slots now ${slots.join(" / ")}; ${writes} Secret writes`);
    assert.equal(writes, 0, "a handover writes no Secret");
  });

  it("a switch of modes: a leader (--shards off) started beside the fleet works alone while it holds its Lease; released, the members take over; no Secret written", async () => {
    const members = live();
    const writesBefore = await secretWrites();
    // The same pod with the other mode, as a rollout from auto to off runs it next to the old members.
    const leader = await startPod(["--shards=off", "--leader-elect=true"]);
    pods.push(leader);
    await waitFor("the leader leads", async () => ((await isLeader(leader)) ? true : undefined), 60_000);
    const ledAt = Date.now();
    await waitFor("the members step aside", async () => ((await metricsOf(members)).every((t) => gauge(t, "secretsbridge_shard_slots") === 0) ? true : undefined), 30_000);
    const asideMs = Date.now() - ledAt;
    const before = (await metricsOf([...members, leader])).map((t) => syncCalls(t, app));
    await sleep(REFRESH_MS + 1000);
    const grew = (await metricsOf([...members, leader])).map((t, i) => [...syncCalls(t, app)].filter(([name, n]) => n > (before[i]!.get(name) ?? 0)).length);
    console.log(`# mode switch: members stepped aside ${asideMs} ms after the leader led; ExternalSecrets synced in one cycle by member, member, leader: ${grew.join(" / ")}`);
    assert.deepEqual(grew.slice(0, -1), members.map(() => 0), "the members sync nothing beside the leader");
    assert.equal(grew.at(-1), NAMES.length, "the leader syncs everything");
    leader.child.kill("SIGTERM");
    assert.equal(await leader.exited, 0);
    const slots = await settled(members);
    await sleep(REFRESH_MS);
    const writes = (await secretWrites()) - writesBefore;
    console.log(`# mode switch: after the leader released its Lease the members work slots ${slots.join(" / ")}; ${writes} Secret writes in all`);
    assert.equal(writes, 0, "switching modes writes no Secret");
  });

  it("refuses to start with an explicit --leader-elect=true: exits non-zero saying why", async () => {
    for (const [extra, why] of [["--leader-elect=true", /replaces leader election/]] as const) {
      const pod = await startPod([extra]);
      const code = await Promise.race([pod.exited, sleep(30_000).then(() => "still running")]);
      if (code === "still running") pod.child.kill("SIGKILL");
      assert.notEqual(code, 0, `${extra}: exit code`);
      assert.notEqual(code, "still running", `${extra}: the process kept running`);
      assert.match(pod.output(), why);
    }
  });

  it("never prints a value or the store's token", () => {
    for (const pod of pods) {
      const output = pod.output();
      assert.ok(output.length > 0, "a process logged nothing: the check would prove nothing");
      for (const value of everyValue) for (const form of leakForms(value)) assert.ok(!output.includes(form), "a planted value or the token in a process's output");
    }
  });
});
