// Issue 19, rolloutRestartTargets on the real apiserver and kube-controller-manager (its deployment controller
// turns each pod-template change into a ReplicaSet; pods stay Pending, there are no nodes): a rotation at the
// provider rolls each named workload exactly once; creation, a metadata-only change, an identical re-write and an
// operator restart roll nothing; a missing workload is a Warning Event, never a failed sync.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PatchStrategy, setHeaderOptions, type V1PodTemplateSpec } from "@kubernetes/client-node";
import { ANNOTATION_SECRETS_HASH } from "../../src/api/markers.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { appsApi, countReplicaSets } from "../helpers/workloads.ts";
import { decoded, kube, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { makeMetrics } from "../../src/metrics.ts";

// Longer than the restarter's debounce window (1 s) and a reconcile: what would roll has rolled by then.
const SETTLE_MS = 3000;

const apps = appsApi();

const template = (labels: Record<string, string>, secret?: string): V1PodTemplateSpec => ({
  metadata: { labels },
  spec: {
    containers: [
      {
        name: "app",
        image: "registry.invalid/app:1",
        ...(secret ? { env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } }] } : {}),
      },
    ],
  },
});
const createDeployment = (namespace: string, name: string, secret?: string, paused = false) =>
  apps.createNamespacedDeployment({ namespace, body: { metadata: { name }, spec: { paused, selector: { matchLabels: { app: name } }, template: template({ app: name }, secret) } } });

describe("rollout restarts (spec.target.rolloutRestartTargets)", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const first = planted("restart-v1");
  const second = planted("restart-v2");

  const deployment = (name: string, secret?: string, paused = false) => createDeployment(ns, name, secret, paused);
  const replicaSets = (name: string) => countReplicaSets(ns, name);
  const rotate = async (value: string) => {
    await k.patch("SecretStore", ns, "fake", { spec: { provider: { fake: { data: [{ key: "db", value }] } } } });
    await waitFor(`secret with the new value`, async () => (decoded(await k.secret(ns, "db-creds")).password === value ? true : undefined));
  };

  before(async () => {
    ns = await freshNamespace("rollout-restarts");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "db", value: first }] } } });
    await deployment("web", "db-creds");
    await deployment("unrelated");
    await deployment("paused", "db-creds", true);
    await apps.createNamespacedStatefulSet({ namespace: ns, body: { metadata: { name: "db" }, spec: { serviceName: "db", selector: { matchLabels: { app: "db" } }, template: template({ app: "db" }, "db-creds") } } });
    await apps.createNamespacedDaemonSet({ namespace: ns, body: { metadata: { name: "agent" }, spec: { selector: { matchLabels: { app: "agent" } }, template: template({ app: "agent" }, "db-creds") } } });
    await k.create("ExternalSecret", ns, "db-creds", {
      refreshInterval: "1h",
      secretStoreRef: { name: "fake", kind: "SecretStore" },
      target: {
        rolloutRestartTargets: [
          { kind: "Deployment", name: "web" },
          { kind: "StatefulSet", name: "db" },
          { kind: "DaemonSet", name: "agent" },
          { kind: "Deployment", name: "not-there" },
          { kind: "Deployment", name: "paused" },
        ],
      },
      data: [{ secretKey: "password", remoteRef: { key: "db" } }],
    });
    await waitForReady(k, ns, "db-creds", "True", "SecretSynced");
    await waitFor("first ReplicaSets", async () => ((await replicaSets("web")) === 1 && (await replicaSets("unrelated")) === 1 ? true : undefined));
  });
  after(async () => {
    await op?.stop();
  });

  it("the first creation of the Secret restarts nothing", async () => {
    await sleep(SETTLE_MS);
    assert.equal(await replicaSets("web"), 1);
    const web = await apps.readNamespacedDeployment({ name: "web", namespace: ns });
    assert.equal(web.spec?.template.metadata?.annotations?.[ANNOTATION_SECRETS_HASH], undefined);
  });

  it("a rotation rolls each named workload once, no other; a missing one is a Warning, the sync stays Ready", async () => {
    await rotate(second);
    await waitFor("web rolled", async () => ((await replicaSets("web")) === 2 ? true : undefined));
    const annotated = async (read: () => Promise<{ spec?: { template: V1PodTemplateSpec } }>) =>
      (await read()).spec?.template.metadata?.annotations?.[ANNOTATION_SECRETS_HASH];
    const hash = await annotated(() => apps.readNamespacedDeployment({ name: "web", namespace: ns }));
    assert.match(hash ?? "", /^[0-9a-f]{64}$/);
    assert.equal(await waitFor("statefulset annotated", () => annotated(() => apps.readNamespacedStatefulSet({ name: "db", namespace: ns }))), hash);
    assert.equal(await waitFor("daemonset annotated", () => annotated(() => apps.readNamespacedDaemonSet({ name: "agent", namespace: ns }))), hash);
    const events = await waitFor("warning for the missing workload", async () => {
      const text = await k.events(ns);
      return text.includes("RolloutRestartFailed") ? text : undefined;
    });
    assert.match(events, /Warning RolloutRestartFailed Deployment not-there not found: not restarted after the data of secret db-creds changed/);
    assert.match(events, /Normal RolloutRestarted Deployment web restarted: the data of secret db-creds changed/);
    for (const value of [first, second]) for (const form of leakForms(value)) assert.ok(!events.includes(form), "no value in Events");
    await sleep(SETTLE_MS);
    assert.equal(await replicaSets("web"), 2, "exactly one new ReplicaSet");
    assert.equal(await replicaSets("unrelated"), 1, "a Deployment that is not named is not rolled");
    // A paused Deployment gets the annotation and stays paused: its rollout waits (Kubernetes' own rule).
    const paused = await apps.readNamespacedDeployment({ name: "paused", namespace: ns });
    assert.equal(paused.spec?.paused, true);
    assert.equal(paused.spec?.template.metadata?.annotations?.[ANNOTATION_SECRETS_HASH], hash);
    assert.equal(await replicaSets("paused"), 0, "a paused Deployment makes no ReplicaSet");
    const es = await waitForReady(k, ns, "db-creds", "True", "SecretSynced");
    const condition = es.status?.conditions?.find((c) => c.type === "RolloutRestart");
    assert.equal(condition?.status, "False");
    assert.equal(condition?.reason, "RolloutRestartFailed");
    assert.equal(condition?.message, "Deployment not-there not found: not restarted after the data of secret db-creds changed");
  });

  it("a metadata-only change (force-sync) and an identical re-write roll nothing", async () => {
    const version = (await k.es(ns, "db-creds")).status?.syncedResourceVersion;
    await k.patch("ExternalSecret", ns, "db-creds", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    await waitFor("force-synced", async () => ((await k.es(ns, "db-creds")).status?.syncedResourceVersion !== version ? true : undefined));
    // Someone edits the Secret; the operator writes the same provider data back ("updated", a data change from
    // the edit's point of view), whose hash the workloads already carry.
    const body = { data: { password: Buffer.from("edited-by-hand").toString("base64") } };
    await k.core.patchNamespacedSecret({ name: "db-creds", namespace: ns, body }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    await waitFor("secret restored", async () => (decoded(await k.secret(ns, "db-creds")).password === second ? true : undefined));
    await sleep(SETTLE_MS);
    assert.equal(await replicaSets("web"), 2);
  });

  it("an operator restart rolls nothing; the next real rotation rolls once more", async () => {
    await op.stop();
    op = await startTestOperator(ns);
    await sleep(SETTLE_MS);
    assert.equal(await replicaSets("web"), 2);
    await rotate(planted("restart-v3"));
    await waitFor("web rolled again", async () => ((await replicaSets("web")) === 3 ? true : undefined));
    await sleep(SETTLE_MS);
    assert.equal(await replicaSets("web"), 3);
    assert.equal(await replicaSets("unrelated"), 1);
  });
});

describe("rollout restarts: the namespace budget defers a mass rotation, drops nothing", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const metrics = makeMetrics({ defaultMetrics: false });
  const names = ["w0", "w1", "w2"];
  const rolled = async () => (await Promise.all(names.map((name) => countReplicaSets(ns, name)))).reduce((sum, n) => sum + n - 1, 0);
  const gauge = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];

  before(async () => {
    ns = await freshNamespace("rollout-budget");
    // One restart now, then one per 10 s: the second waits long after the first is visible.
    op = await startTestOperator(ns, { metrics, rolloutRestarts: { enabled: true, budget: { perSecond: 0.1, burst: 1 } } });
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "db", value: planted("budget-v1") }] } } });
    for (const name of names) await createDeployment(ns, name, "shared");
    await k.create("ExternalSecret", ns, "shared", {
      refreshInterval: "1h",
      secretStoreRef: { name: "fake", kind: "SecretStore" },
      target: { rolloutRestartTargets: names.map((name) => ({ kind: "Deployment", name })) },
      data: [{ secretKey: "password", remoteRef: { key: "db" } }],
    });
    await waitForReady(k, ns, "shared", "True", "SecretSynced");
    await waitFor("first ReplicaSets", async () => (await Promise.all(names.map((name) => countReplicaSets(ns, name)))).every((n) => n === 1) || undefined);
  });
  after(async () => {
    await op?.stop();
    metrics.close();
  });

  it("one workload rolls at once, the others wait in the queue and roll later, each exactly once", async () => {
    await k.patch("SecretStore", ns, "fake", { spec: { provider: { fake: { data: [{ key: "db", value: planted("budget-v2") }] } } } });
    await waitFor("the first restart", async () => ((await rolled()) >= 1 ? true : undefined));
    assert.equal(await rolled(), 1, "the budget held the others back");
    assert.deepEqual((await gauge("secretsbridge_rollout_restarts_queued")).map((v) => v.value), [2]);
    await waitFor("every workload rolled", async () => ((await rolled()) === 3 ? true : undefined), 60_000);
    for (const name of names) assert.equal(await countReplicaSets(ns, name), 2, `${name}: exactly one new ReplicaSet`);
    const restarted = (await metrics.rolloutRestarts.get()).values.filter((v) => v.labels.result === "restarted").reduce((sum, v) => sum + v.value, 0);
    assert.equal(restarted, 3);
    assert.deepEqual((await gauge("secretsbridge_rollout_restarts_queued")).map((v) => v.value), [0]);
  });
});

describe("rollout restarts: one the previous run owed is made by the next", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const names = ["w0", "w1"];
  const counts = async () => Promise.all(names.map((name) => countReplicaSets(ns, name)));
  const rotate = async (value: string) => {
    await k.patch("SecretStore", ns, "fake", { spec: { provider: { fake: { data: [{ key: "db", value }] } } } });
    await waitFor("rotated Secret", async () => (decoded(await k.secret(ns, "shared")).password === value ? true : undefined));
  };

  before(async () => {
    ns = await freshNamespace("rollout-resume");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "db", value: planted("resume-v1") }] } } });
    for (const name of names) await createDeployment(ns, name, "shared");
    await k.create("ExternalSecret", ns, "shared", {
      refreshInterval: "1h",
      secretStoreRef: { name: "fake", kind: "SecretStore" },
      target: { rolloutRestartTargets: names.map((name) => ({ kind: "Deployment", name })) },
      data: [{ secretKey: "password", remoteRef: { key: "db" } }],
    });
    await waitForReady(k, ns, "shared", "True", "SecretSynced");
    await rotate(planted("resume-v2"));
    await waitFor("both rolled once", async () => ((await counts()).every((n) => n === 2) ? true : undefined));
  });
  after(async () => {
    await op?.stop();
  });

  it("a restart the budget still held back when the operator stopped is made after it starts again, once", async () => {
    await op.stop();
    // One restart now, the next in ~17 minutes: the second is still queued when this run stops.
    op = await startTestOperator(ns, { rolloutRestarts: { enabled: true, budget: { perSecond: 0.001, burst: 1 } } });
    await rotate(planted("resume-v3"));
    await waitFor("one rolled", async () => ((await counts()).some((n) => n === 3) ? true : undefined));
    await sleep(SETTLE_MS);
    assert.deepEqual((await counts()).sort(), [2, 3], "the other waits for the budget");
    await op.stop();
    assert.deepEqual((await counts()).sort(), [2, 3], "a graceful stop does not make it either");
    op = await startTestOperator(ns);
    await waitFor("the owed restart made", async () => ((await counts()).every((n) => n === 3) ? true : undefined));
    await sleep(SETTLE_MS);
    assert.deepEqual(await counts(), [3, 3], "exactly once each");
  });

  it("an operator restart with nothing owed restarts nothing", async () => {
    await op.stop();
    op = await startTestOperator(ns);
    await sleep(SETTLE_MS);
    assert.deepEqual(await counts(), [3, 3]);
  });
});
