// The chart applied to the bench apiserver and the operator run exactly as in a pod (in-cluster config from a
// TokenRequest token of the chart's ServiceAccount): sync, rotation and deletion under the chart's RBAC, two
// replicas with leader failover and no double writes, metrics content behind the chart's default metrics auth
// (scraped with a token bound to its metrics-reader role), a ClusterExternalSecret fanned out and collected,
// rollout restarts (rolloutRestartTargets and Reloader annotations), a PushSecret, a RefreshReceiver (receiver.enabled: the leader
// refreshes at once, the standby answers 503), generators, a graceful SIGTERM, and the token-create switch off.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { AppsV1Api, CoordinationV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type V1Deployment } from "@kubernetes/client-node";
import { TOKEN_REQUESTS_DISABLED } from "../../src/kube/access.ts";
import { accessReviewer } from "../../src/kube/access-review.ts";
import { apiserverRequestCount, freshNamespace, kubeConfig, operatorKubeConfig } from "../helpers/bench.ts";
import { freePort, installChart, isLeader, mountServiceAccount, startLikePod, type PodProcess } from "../helpers/in-cluster.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver } from "../../src/api/refresh-receiver.ts";
import { decoded, kube, ready, sleep, waitFor } from "../helpers/operator.ts";
import { planted as plant } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";

/** A ServiceAccount token for a scraper; waits until `allowedToScrape` is what RBAC says (no stale 403 gets remembered). */
async function scraperToken(namespace: string, name: string, allowedToScrape: boolean): Promise<string> {
  const core = kube().core;
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const reviewer = accessReviewer(operatorKubeConfig());
  const user = { username: `system:serviceaccount:${namespace}:${name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`] };
  await waitFor(`RBAC for ${name}`, async () => ((await reviewer.authorize(user, "/metrics", "get")) === allowedToScrape ? true : undefined));
  return (await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } })).status!.token!;
}

describe("in-cluster with the chart's RBAC: two replicas", () => {
  const suffix = randomBytes(3).toString("hex");
  const system = `sb-system-${suffix}`;
  const root = mkdtempSync(join(tmpdir(), "sb-pod-"));
  const pods: PodProcess[] = [];
  const k = kube();
  const planted = plant();
  const rotated = `planted-${randomBytes(8).toString("hex")}`;
  let app: string;
  let deployment: V1Deployment;
  let prometheus: string;
  let stranger: string;
  /** Each pod's webhook listener (the chart's :9292 would collide between two processes on one host). */
  const receiverPorts = new Map<PodProcess, number>();
  const podNames = new Map<PodProcess, string>();
  const webhookRole = async (pod: PodProcess) => (await k.core.readNamespacedPod({ name: podNames.get(pod)!, namespace: system })).metadata?.labels?.["secrets-bridge.io/webhooks"];
  const leader = async () => {
    for (const pod of pods) if (pod.child.exitCode === null && (await isLeader(pod))) return pod;
    return undefined;
  };

  before(async () => {
    const reader = ["metrics.readerSubjects[0].kind=ServiceAccount", "metrics.readerSubjects[0].name=prometheus", `metrics.readerSubjects[0].namespace=${system}`];
    deployment = await installChart("sb", system, ["leaderElection.leaseDuration=4s", "leaderElection.renewDeadline=3s", "leaderElection.retryPeriod=500ms", "logLevel=debug", "receiver.enabled=true", ...reader]);
    assert.ok(deployment.spec!.template.spec!.containers[0]!.args!.includes("--metrics-auth=kubernetes"), "the chart's default");
    prometheus = await scraperToken(system, "prometheus", true);
    stranger = await scraperToken(system, "stranger", false);
    await mountServiceAccount(root, system, "sb-secrets-bridge");
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      // A Pod object for each process (Pending: the bench has no nodes), named through the downward API's variables.
      const podName = `sb-pod-${i}`;
      await k.core.createNamespacedPod({ namespace: system, body: { metadata: { name: podName, labels: { app: "sb" } }, spec: { containers: [{ name: "operator", image: "registry.invalid/sb:1" }] } } });
      const pod = await startLikePod(deployment, root, [`--receiver-bind-address=127.0.0.1:${port}`], prometheus, { POD_NAME: podName, POD_NAMESPACE: system });
      receiverPorts.set(pod, port);
      podNames.set(pod, podName);
      pods.push(pod);
    }
    app = await freshNamespace("in-cluster-app");
  });
  after(async () => {
    for (const pod of pods) if (pod.child.exitCode === null) pod.child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("elects exactly one leader", async () => {
    await waitFor("a leader", leader, 30_000);
    const leaders = (await Promise.all(pods.map(isLeader))).filter(Boolean);
    assert.equal(leaders.length, 1);
  });

  it("syncs an ExternalSecret under the chart's RBAC", async () => {
    await k.create("SecretStore", app, "fake", { provider: { fake: { data: [{ key: "k", value: planted }] } } });
    await k.create("ExternalSecret", app, "es", { refreshInterval: "1s", secretStoreRef: { name: "fake" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    const secret = await waitFor("secret", () => k.secret(app, "es"));
    assert.equal(decoded(secret).k, planted);
    await waitFor("Ready", async () => (ready(await k.es(app, "es"))?.status === "True" ? true : undefined));
  });

  it("pushes a Secret with a PushSecret under the chart's RBAC (watch, status, finalizer), and removes it on delete", async () => {
    const push = pushApi();
    await push.putSecret(app, "push-source", { k: planted });
    await push.create(app, "push", { deletionPolicy: "Delete", secretStoreRefs: [{ name: "fake" }], selector: { secret: { name: "push-source" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "pushed" } } }] });
    const done = await push.waitReady(app, "push", "True", "Synced");
    assert.ok(done.metadata.finalizers?.includes("pushsecret.externalsecrets.io/finalizer"));
    await push.delete(app, "push");
    await waitFor("PushSecret gone (finalizer released)", async () => ((await push.get(app, "push")) ? undefined : true));
  });

  it("runs a Password and a ClusterGenerator (UUID) under the chart's RBAC (get on the generator kinds)", async () => {
    const group = "generators.external-secrets.io";
    const version = "v1alpha1";
    const apiVersion = `${group}/${version}`;
    const clusterGenerator = `uuid-${suffix}`;
    await k.custom.createNamespacedCustomObject({ group, version, namespace: app, plural: "passwords", body: { apiVersion, kind: "Password", metadata: { name: "pw" }, spec: { length: 32 } } });
    await k.custom.createClusterCustomObject({ group, version, plural: "clustergenerators", body: { apiVersion, kind: "ClusterGenerator", metadata: { name: clusterGenerator }, spec: { kind: "UUID", generator: { uuidSpec: {} } } } });
    try {
      const dataFrom = [{ sourceRef: { generatorRef: { apiVersion, kind: "Password", name: "pw" } } }, { sourceRef: { generatorRef: { apiVersion, kind: "ClusterGenerator", name: clusterGenerator } } }];
      await k.create("ExternalSecret", app, "generated", { refreshInterval: "1h", refreshPolicy: "CreatedOnce", dataFrom });
      await waitFor("generated Ready", async () => {
        const condition = ready(await k.es(app, "generated"));
        if (condition?.status === "False") throw new Error(`Ready=False: ${condition.message}`);
        return condition?.status === "True" ? true : undefined;
      });
      const values = decoded(await k.secret(app, "generated"));
      assert.equal(values.password?.length, 32);
      assert.match(values.uuid ?? "", /^[0-9a-f-]{36}$/);
    } finally {
      await k.custom.deleteClusterCustomObject({ group, version, plural: "clustergenerators", name: clusterGenerator });
    }
  });

  it("serves a RefreshReceiver under the chart's RBAC: the leader syncs at once, the standby answers 503", async () => {
    const token = randomBytes(24).toString("hex");
    await k.core.createNamespacedSecret({ namespace: app, body: { metadata: { name: "hook" }, stringData: { token } } });
    // Its own store: the later tests count Secret writes after changing "fake".
    await k.create("SecretStore", app, "fake-hook", { provider: { fake: { data: [{ key: "k", value: plant() }] } } });
    await k.create("ExternalSecret", app, "hooked", { refreshInterval: "1h", secretStoreRef: { name: "fake-hook" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("hooked Ready", async () => (ready(await k.es(app, "hooked"))?.status === "True" ? true : undefined));
    await k.custom.createNamespacedCustomObject({
      group: RECEIVER_GROUP,
      version: RECEIVER_VERSION,
      namespace: app,
      plural: "refreshreceivers",
      body: { apiVersion: `${RECEIVER_GROUP}/${RECEIVER_VERSION}`, kind: "RefreshReceiver", metadata: { name: "hook" }, spec: { type: "generic", secretRef: { name: "hook" }, resources: [{ kind: "ExternalSecret", name: "hooked" }] } },
    });
    // Ready with a path: the operator listed/watched the receiver, read its Secret and patched its status.
    const path = await waitFor("receiver path", async () => ((await k.custom.getNamespacedCustomObject({ group: RECEIVER_GROUP, version: RECEIVER_VERSION, namespace: app, plural: "refreshreceivers", name: "hook" })) as RefreshReceiver).status?.webhookPath);
    const current = (await leader())!;
    const standby = pods.find((pod) => pod !== current && pod.child.exitCode === null)!;
    const syncs = async () => Number(new RegExp(`externalsecret_sync_calls_total\\{name="hooked",namespace="${app}"\\} (\\d+)`).exec(await current.metrics())?.[1] ?? 0);
    const before = await syncs();
    const call = (pod: PodProcess) => fetch(`http://127.0.0.1:${receiverPorts.get(pod)}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).then((res) => res.status);
    // The webhooks Service selects the leader's Pod: each process labels its own (patch on pods, the chart's Role).
    assert.equal(await waitFor("leader's pod labelled", async () => ((await webhookRole(current)) === "leader" ? "leader" : undefined)), "leader");
    assert.equal(await webhookRole(standby), "standby");
    assert.equal(await call(standby), 503);
    assert.equal(await call(current), 202);
    await waitFor("synced by the webhook", async () => ((await syncs()) === before + 1 ? true : undefined), 10_000);
    for (const pod of pods) assert.ok(!pod.output().includes(token), "the receiver token in the logs");
  });

  it("rotates with exactly one Secret write for one change, across both replicas", async () => {
    await sleep(1500);
    const before = await apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "APPLY"], resource: "secrets" });
    await k.patch("SecretStore", app, "fake", { spec: { provider: { fake: { data: [{ key: "k", value: rotated }] } } } });
    await waitFor("rotated", async () => (decoded(await k.secret(app, "es")).k === rotated ? true : undefined));
    await sleep(3000); // three more refresh intervals: nothing else may write
    const after = await apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "APPLY"], resource: "secrets" });
    assert.equal(after - before, 1);
  });

  it("restarts a rolloutRestartTargets Deployment and a Reloader-annotated one under the chart's RBAC (apps get/list/patch), once per rotation", async () => {
    const apps = kubeConfig().makeApiClient(AppsV1Api);
    const deploy = (name: string, annotations: Record<string, string>, envFromSecret?: string) =>
      apps.createNamespacedDeployment({
        namespace: app,
        body: {
          metadata: { name, annotations },
          spec: {
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "registry.invalid/app:1", ...(envFromSecret ? { envFrom: [{ secretRef: { name: envFromSecret } }] } : {}) }] } },
          },
        },
      });
    const created = await deploy("restart-me", {});
    const reloader = await deploy("reloader-auto", { "reloader.stakater.com/auto": "true" }, "restart");
    const count = async (uid: string | undefined) => (await apps.listNamespacedReplicaSet({ namespace: app })).items.filter((rs) => rs.metadata?.ownerReferences?.some((ref) => ref.uid === uid)).length;
    const replicaSets = async () => [await count(created.metadata?.uid), await count(reloader.metadata?.uid)].join(",");
    await k.create("SecretStore", app, "fake-restart", { provider: { fake: { data: [{ key: "k", value: plant() }] } } });
    await k.create("ExternalSecret", app, "restart", {
      refreshInterval: "1h",
      secretStoreRef: { name: "fake-restart" },
      target: { rolloutRestartTargets: [{ kind: "Deployment", name: "restart-me" }] },
      data: [{ secretKey: "k", remoteRef: { key: "k" } }],
    });
    await waitFor("synced", async () => (ready(await k.es(app, "restart"))?.status === "True" ? true : undefined));
    await waitFor("first ReplicaSets", async () => ((await replicaSets()) === "1,1" ? true : undefined));
    await k.patch("SecretStore", app, "fake-restart", { spec: { provider: { fake: { data: [{ key: "k", value: plant() }] } } } });
    await waitFor("both restarted", async () => ((await replicaSets()) === "2,2" ? true : undefined));
    await sleep(3000);
    assert.equal(await replicaSets(), "2,2", "exactly one restart each");
    assert.equal((await k.es(app, "restart")).status?.conditions?.find((c) => c.type === "RolloutRestart"), undefined, "no failure condition");
  });

  it("fans a ClusterExternalSecret out under the chart's RBAC, follows a namespace label, and cascades on delete", async () => {
    const selector = `sb-ces-${suffix}`;
    const tenants = [await freshNamespace("in-cluster-ces"), await freshNamespace("in-cluster-ces")] as const;
    const label = (namespace: string) => k.core.patchNamespace({ name: namespace, body: { metadata: { labels: { [selector]: "yes" } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    await label(tenants[0]);
    await k.create("ClusterSecretStore", undefined, `fake-${suffix}`, { provider: { fake: { data: [{ key: "shared", value: planted }] } } });
    await k.create("ClusterExternalSecret", undefined, `shared-${suffix}`, {
      externalSecretSpec: { secretStoreRef: { name: `fake-${suffix}`, kind: "ClusterSecretStore" }, data: [{ secretKey: "k", remoteRef: { key: "shared" } }] },
      externalSecretName: "shared",
      namespaceSelectors: [{ matchLabels: { [selector]: "yes" } }],
    });
    assert.equal(decoded(await waitFor("first tenant's Secret", () => k.secret(tenants[0], "shared"))).k, planted);
    await label(tenants[1]);
    assert.equal(decoded(await waitFor("second tenant's Secret", () => k.secret(tenants[1], "shared"))).k, planted);
    const ces = await waitFor("both provisioned", async () => {
      const current = await k.ces(`shared-${suffix}`);
      return current.status?.provisionedNamespaces?.length === 2 && ready(current)?.status === "True" ? current : undefined;
    });
    assert.deepEqual(ces.status?.provisionedNamespaces, [...tenants].sort());
    assert.match(await (await leader())!.metrics(), new RegExp(`clusterexternalsecret_status_condition\\{name="shared-${suffix}",condition="Ready",status="True"\\} 1`));
    await k.delete("ClusterExternalSecret", undefined, `shared-${suffix}`);
    for (const tenant of tenants) await waitFor(`${tenant}'s Secret collected`, async () => ((await k.secret(tenant, "shared")) === undefined ? true : undefined));
  });

  it("exposes metrics with ESO's names and labels and no values", async () => {
    const text = await (await leader())!.metrics();
    assert.match(text, new RegExp(`externalsecret_sync_calls_total\\{name="es",namespace="${app}"\\} \\d+`));
    assert.match(text, new RegExp(`externalsecret_status_condition\\{name="es",namespace="${app}",condition="Ready",status="True"\\} 1`));
    assert.match(text, /externalsecret_provider_api_calls_count\{provider="fake",call="GetSecret",status="success"\} \d+/);
    assert.match(text, /externalsecret_reconcile_duration_bucket\{/);
    assert.match(text, /secretstore_status_condition\{/);
    assert.match(text, /secretsbridge_workqueue_depth\{controller="externalsecret"\}/);
    for (const pod of pods) {
      assert.ok(!(await pod.metrics()).includes(planted) && !(await pod.metrics()).includes(rotated), "a value in metrics");
      assert.ok(!pod.output().includes(planted) && !pod.output().includes(rotated), "a value in logs");
    }
  });

  it("guards /metrics with the chart's RBAC (TokenReview + SubjectAccessReview as the operator) and leaves the probes open", async () => {
    const pod = pods[0]!;
    assert.equal((await pod.get("/metrics")).status, 401);
    assert.equal((await pod.get("/metrics", stranger)).status, 403);
    assert.equal((await pod.get("/metrics", prometheus)).status, 200);
    for (const path of ["/healthz", "/readyz"]) assert.equal((await pod.get(path)).status, 200, path);
    assert.ok(!pod.output().includes(prometheus.slice(-24)) && !pod.output().includes(stranger.slice(-24)), "a token in the logs");
  });

  it("applies deletionPolicy Delete when the key is gone", async () => {
    await k.patch("SecretStore", app, "fake", { spec: { provider: { fake: { data: [{ key: "other", value: "x" }] } } } });
    await waitFor("deleted", async () => ((await k.secret(app, "es")) === undefined ? true : undefined));
    // The status follows the delete in the same reconcile: wait for it rather than race it.
    await waitFor("reason SecretDeleted", async () => (ready(await k.es(app, "es"))?.reason === "SecretDeleted" ? true : undefined));
  });

  it("fails over: killing the leader lets the standby take over and keep syncing", async () => {
    const old = (await leader())!;
    old.child.kill("SIGKILL");
    await old.exited;
    const next = await waitFor("new leader", async () => {
      const l = await leader();
      return l && l !== old ? l : undefined;
    }, 30_000);
    const writesBefore = await apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "APPLY", "DELETE"], resource: "secrets" });
    await k.patch("SecretStore", app, "fake", { spec: { provider: { fake: { data: [{ key: "k", value: "after-failover" }] } } } });
    await k.create("ExternalSecret", app, "es2", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    assert.equal(decoded(await waitFor("synced by the new leader", () => k.secret(app, "es2"))).k, "after-failover");
    // "es" had its Secret deleted (the key was gone); it comes back now: one create each, nothing twice.
    assert.equal(decoded(await waitFor("es recreated", () => k.secret(app, "es"))).k, "after-failover");
    await sleep(2500);
    assert.equal((await apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "APPLY", "DELETE"], resource: "secrets" })) - writesBefore, 2);
    assert.ok(next.child.exitCode === null);
    await waitFor("the new leader's pod labelled for the webhooks Service", async () => ((await webhookRole(next)) === "leader" ? true : undefined));
  });

  it("drains on SIGTERM, exits 0 and releases the Lease", async () => {
    const current = (await leader())!;
    current.child.kill("SIGTERM");
    assert.equal(await current.exited, 0);
    assert.match(current.output(), /"msg":"stopped"/);
    const lease = await kubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ name: "sb-secrets-bridge-leader", namespace: system });
    assert.ok(!lease.spec?.holderIdentity, `lease still held by ${lease.spec?.holderIdentity}`);
  });
});

describe("in-cluster with a missing permission", () => {
  it("reports the refusal as Ready=False instead of syncing", async () => {
    const suffix = randomBytes(3).toString("hex");
    const system = `sb-narrow-${suffix}`;
    const root = mkdtempSync(join(tmpdir(), "sb-pod-"));
    const deployment = await installChart("narrow", system, ["leaderElection.enabled=false"]);
    // Take "create" away from the secrets rule of the chart's ClusterRole.
    const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
    const role = await rbac.readClusterRole({ name: "narrow-secrets-bridge" });
    for (const rule of role.rules ?? []) if (rule.resources?.includes("secrets")) rule.verbs = rule.verbs.filter((verb) => verb !== "create");
    await rbac.replaceClusterRole({ name: "narrow-secrets-bridge", body: role });
    await mountServiceAccount(root, system, "narrow-secrets-bridge");
    const app = await freshNamespace("narrow-app");
    const pod = await startLikePod(deployment, root, [`--namespace=${app}`]);
    try {
      const k = kube();
      await k.create("SecretStore", app, "fake", { provider: { fake: { data: [{ key: "k", value: "v" }] } } });
      await k.create("ExternalSecret", app, "es", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
      const es = await waitFor("Ready=False", async () => {
        const current = await k.es(app, "es");
        return ready(current)?.status === "False" ? current : undefined;
      });
      assert.match(ready(es)?.message ?? "", /HTTP 403/);
      assert.equal(await k.secret(app, "es"), undefined);
    } finally {
      pod.child.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("in-cluster with token requests disabled by the platform (rbac.serviceAccountTokenCreate=false)", () => {
  it("has no token-create grant, makes no TokenRequest, and says why on the store", async () => {
    const suffix = randomBytes(3).toString("hex");
    const system = `sb-notoken-${suffix}`;
    const root = mkdtempSync(join(tmpdir(), "sb-pod-"));
    const deployment = await installChart("notoken", system, ["leaderElection.enabled=false", "rbac.serviceAccountTokenCreate=false"]);
    const role = await kubeConfig().makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name: "notoken-secrets-bridge" });
    assert.ok(!(role.rules ?? []).some((rule) => rule.resources?.includes("serviceaccounts/token")), "the ClusterRole still grants token create");
    await mountServiceAccount(root, system, "notoken-secrets-bridge");
    const app = await freshNamespace("notoken-app");
    const k = kube();
    await k.core.createNamespacedServiceAccount({ namespace: app, body: { metadata: { name: "app" } } });
    const tokenRequests = () => apiserverRequestCount({ verbs: ["POST"], resource: "serviceaccounts", subresource: "token" });
    const before = await tokenRequests();
    const pod = await startLikePod(deployment, root, [`--namespace=${app}`]);
    try {
      // Vault Kubernetes auth as a ServiceAccount of the app: the store needs a TokenRequest before any network call.
      await k.create("SecretStore", app, "vault", { provider: { vault: { server: "http://127.0.0.1:1", path: "secret", auth: { kubernetes: { role: "app", serviceAccountRef: { name: "app" } } } } } });
      const store = await waitFor("store Ready=False", async () => {
        const obj = (await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: app, plural: "secretstores", name: "vault" })) as Parameters<typeof ready>[0];
        return ready(obj)?.status === "False" ? obj : undefined;
      });
      assert.equal(ready(store)?.reason, "InvalidProviderConfig");
      assert.equal(ready(store)?.message, `no token for service account ${app}/app: ${TOKEN_REQUESTS_DISABLED}`);
      await sleep(1500); // a retry loop would show up as more requests
      assert.equal(await tokenRequests(), before, "a TokenRequest was sent");
      assert.doesNotMatch(pod.output(), /HTTP 403/);
    } finally {
      pod.child.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });
});
