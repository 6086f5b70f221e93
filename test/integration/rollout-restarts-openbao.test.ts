// Issue 19 end to end through a real provider: values rotated in OpenBao reach the Secrets on a 1 s refresh, and
// the real kube-controller-manager turns each pod-template change into a ReplicaSet (pods stay Pending: no nodes).
// A rotation rolls, exactly once, the Deployment named in rolloutRestartTargets and the workloads whose Stakater
// Reloader annotations ask for the Secret (auto with a mounted volume, reload by name on the pod template), a
// Deployment reading a Merge target; nothing else: not a Deployment that uses the Secret without asking, not an
// auto workload using another Secret, not one in another namespace naming a Secret of the same name, not on the
// refreshes that re-read identical data, not when a Secret this operator does not write changes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PatchStrategy, setHeaderOptions, type V1PodSpec } from "@kubernetes/client-node";
import { ANNOTATION_SECRETS_HASH } from "../../src/api/markers.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { appsApi, countReplicaSets } from "../helpers/workloads.ts";
import { decoded, kube, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, bao, baoApi, mountKv, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { leakForms, planted } from "../helpers/planted.ts";

// Longer than the debounce window (1 s), a namespace list and a 1 s refresh: what would roll has rolled by then.
const SETTLE_MS = 4000;

const apps = appsApi();

const usingEnv = (secret: string): V1PodSpec => ({
  containers: [{ name: "app", image: "registry.invalid/app:1", env: [{ name: "V", valueFrom: { secretKeyRef: { name: secret, key: "password" } } }] }],
});
const mounting = (secret: string): V1PodSpec => ({
  containers: [{ name: "app", image: "registry.invalid/app:1", volumeMounts: [{ name: "creds", mountPath: "/creds" }] }],
  volumes: [{ name: "creds", secret: { secretName: secret } }],
});
const notUsing: V1PodSpec = { containers: [{ name: "app", image: "registry.invalid/app:1" }] };

async function deployment(namespace: string, name: string, spec: V1PodSpec, annotations: Record<string, string> = {}) {
  await apps.createNamespacedDeployment({
    namespace,
    body: { metadata: { name, annotations }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } } },
  });
}

describe("rollout restarts through OpenBao: rolloutRestartTargets, Reloader annotations, Merge targets", () => {
  let ns: string;
  let other: string;
  let op: TestOperator;
  const k = kube();
  const kv = unique("restart-kv");
  const values = { v1: planted("bao-v1"), v2: planted("bao-v2"), m1: planted("merge-v1"), m2: planted("merge-v2") };
  const rolled = (name: string, namespace = ns) => countReplicaSets(namespace, name);
  const hashOf = async (kind: "Deployment" | "StatefulSet", name: string) => {
    const object = kind === "Deployment" ? await apps.readNamespacedDeployment({ name, namespace: ns }) : await apps.readNamespacedStatefulSet({ name, namespace: ns });
    return object.spec?.template.metadata?.annotations?.[ANNOTATION_SECRETS_HASH];
  };
  const counts = async () =>
    Object.fromEntries(await Promise.all(["targeted", "reloader-auto", "plain", "auto-other-secret", "merge-reader"].map(async (name) => [name, await rolled(name)] as const)));

  before(async () => {
    ns = await freshNamespace("restart-bao");
    other = await freshNamespace("restart-bao-other");
    const b = bao();
    await mountKv(b, kv, "2");
    await writeKv(b, kv, "app", { password: values.v1 });
    await writeKv(b, kv, "merged", { password: values.m1 });
    await writePolicy(b, `${kv}-read`, `path "${kv}/*" { capabilities = ["read"] }`);
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [`${kv}-read`], ttl: "1h" });
    const token = (created["auth"] as { client_token: string }).client_token;
    op = await startTestOperator(`${ns},${other}`);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "bao-token" }, stringData: { token } } });
    await k.create("SecretStore", ns, "bao", { provider: { vault: { ...vaultServer(), path: kv, version: "v2", auth: { tokenSecretRef: { name: "bao-token", key: "token" } } } } });
    // A Secret this operator does not write, used by an auto workload, and the Merge target's Secret.
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "hand-made" }, stringData: { password: "by-hand-1" } } });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "shared" }, stringData: { other: "kept" } } });

    await deployment(ns, "targeted", usingEnv("app-creds"));
    await deployment(ns, "reloader-auto", mounting("app-creds"), { "reloader.stakater.com/auto": "true" });
    await deployment(ns, "plain", usingEnv("app-creds"));
    await deployment(ns, "auto-other-secret", usingEnv("hand-made"), { "reloader.stakater.com/auto": "true" });
    await deployment(ns, "merge-reader", usingEnv("shared"), { "secret.reloader.stakater.com/auto": "true" });
    await deployment(other, "elsewhere", notUsing, { "secret.reloader.stakater.com/reload": "app-creds" });
    await apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: "named" },
        spec: { serviceName: "named", selector: { matchLabels: { app: "named" } }, template: { metadata: { labels: { app: "named" }, annotations: { "secret.reloader.stakater.com/reload": "app-.*" } }, spec: notUsing } },
      },
    });
    await k.create("ExternalSecret", ns, "app-creds", {
      refreshInterval: "1s",
      secretStoreRef: { name: "bao", kind: "SecretStore" },
      target: { rolloutRestartTargets: [{ kind: "Deployment", name: "targeted" }] },
      data: [{ secretKey: "password", remoteRef: { key: "app", property: "password" } }],
    });
    await k.create("ExternalSecret", ns, "merge-into", {
      refreshInterval: "1s",
      secretStoreRef: { name: "bao", kind: "SecretStore" },
      target: { name: "shared", creationPolicy: "Merge" },
      data: [{ secretKey: "password", remoteRef: { key: "merged", property: "password" } }],
    });
    await waitForReady(k, ns, "app-creds", "True", "SecretSynced");
    await waitForReady(k, ns, "merge-into", "True", "SecretSynced");
    await waitFor("merged key", async () => (decoded(await k.secret(ns, "shared")).password === values.m1 ? true : undefined));
    await waitFor("first ReplicaSets", async () => (Object.values(await counts()).every((n) => n === 1) && (await rolled("elsewhere", other)) === 1 ? true : undefined));
  });
  after(async () => {
    await op?.stop();
  });

  it("creation and refreshes of identical data roll nothing", async () => {
    await sleep(SETTLE_MS);
    assert.deepEqual(await counts(), { targeted: 1, "reloader-auto": 1, plain: 1, "auto-other-secret": 1, "merge-reader": 1 });
    assert.equal(await hashOf("StatefulSet", "named"), undefined);
  });

  it("a rotation in OpenBao rolls the named and the Reloader-annotated workloads exactly once, nothing else", async () => {
    await writeKv(bao(), kv, "app", { password: values.v2 });
    await waitFor("rotated Secret", async () => (decoded(await k.secret(ns, "app-creds")).password === values.v2 ? true : undefined));
    await waitFor("rolled", async () => ((await rolled("targeted")) === 2 && (await rolled("reloader-auto")) === 2 ? true : undefined));
    const hash = await waitFor("StatefulSet annotated", () => hashOf("StatefulSet", "named"));
    assert.equal(await hashOf("Deployment", "targeted"), hash, "one hash for the same Secret, whichever way the workload asked");
    await sleep(SETTLE_MS);
    assert.deepEqual(await counts(), { targeted: 2, "reloader-auto": 2, plain: 1, "auto-other-secret": 1, "merge-reader": 1 });
    assert.equal(await rolled("elsewhere", other), 1, "a workload in another namespace naming a Secret of that name is not touched");
    const events = await k.events(ns);
    assert.match(events, /Normal RolloutRestarted Deployment reloader-auto restarted: the data of secret app-creds changed/);
    assert.match(events, /Normal RolloutRestarted StatefulSet named restarted: the data of secret app-creds changed/);
    for (const value of Object.values(values)) for (const form of leakForms(value)) assert.ok(!events.includes(form), "no value in Events");
  });

  it("a Merge target's rotation rolls the Reloader workload reading it once", async () => {
    await writeKv(bao(), kv, "merged", { password: values.m2 });
    await waitFor("merged rotation", async () => (decoded(await k.secret(ns, "shared")).password === values.m2 ? true : undefined));
    await waitFor("merge reader rolled", async () => ((await rolled("merge-reader")) === 2 ? true : undefined));
    await sleep(SETTLE_MS);
    assert.deepEqual(await counts(), { targeted: 2, "reloader-auto": 2, plain: 1, "auto-other-secret": 1, "merge-reader": 2 });
  });

  it("a Secret this operator does not write changing restarts nothing (Reloader would; we honour ours only)", async () => {
    const body = { data: { password: Buffer.from("by-hand-2").toString("base64") } };
    await k.core.patchNamespacedSecret({ name: "hand-made", namespace: ns, body }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    await sleep(SETTLE_MS);
    assert.equal(await rolled("auto-other-secret"), 1);
    await assertNoLeaks(op, ns, Object.values(values));
  });
});
