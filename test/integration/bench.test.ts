// Checks the bench itself: the apiserver answers, namespaces can be created, a restart keeps the
// data, the request counter the controller tests rely on counts exactly, and kube-controller-manager
// really collects garbage and finishes namespace deletions.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, test } from "node:test";
import { CoreV1Api, PatchStrategy, setHeaderOptions, VersionApi, type V1ConfigMap } from "@kubernetes/client-node";
import { KUBE_VERSION } from "../bench/binaries.ts";
import { isRunning } from "../bench/proc.ts";
import { apiserverRequestCount, CASCADE_TIMEOUT_MS, freshNamespace, kubeConfig, loadBench, restartApiserverFromTest } from "../helpers/bench.ts";
import { waitFor, waitForGone } from "../helpers/operator.ts";

const core = (): CoreV1Api => kubeConfig().makeApiClient(CoreV1Api);

/** The controller-manager the bench recorded is alive with exactly its recorded command line. */
function controllerManagerRunning(): boolean {
  const bench = loadBench();
  return Boolean(bench.controllerManagerPid) && isRunning(bench.controllerManagerPid!, bench.controllerManagerArgs ?? []);
}

describe("kube bench", () => {
  test("the apiserver is up and reports the pinned version", async () => {
    const bench = loadBench();
    assert.match(bench.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    const info = await kubeConfig().makeApiClient(VersionApi).getCode();
    assert.equal(info.gitVersion, `v${KUBE_VERSION}`);
  });

  test("a fresh namespace can be created and is unique", async () => {
    const a = await freshNamespace("Bench_Test");
    const b = await freshNamespace("Bench_Test");
    assert.match(a, /^bench-test-[0-9a-f]{8}$/);
    assert.notEqual(a, b);
    const ns = await core().readNamespace({ name: a });
    assert.equal(ns.metadata?.name, a);
  });

  test("restarting the apiserver keeps the data and records the new pid", async () => {
    const ns = await freshNamespace("restart");
    const value = randomBytes(8).toString("hex");
    await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "kept" }, data: { value } } });
    const before = loadBench().apiserverPid;
    const controllerManager = loadBench().controllerManagerPid;

    await restartApiserverFromTest();

    const after = loadBench().apiserverPid;
    assert.notEqual(after, before);
    const cm = await core().readNamespacedConfigMap({ namespace: ns, name: "kept" });
    assert.equal(cm.data?.["value"], value);
    // The controller-manager rides the restart out (the garbage-collection tests below run after it).
    assert.equal(loadBench().controllerManagerPid, controllerManager);
    assert.ok(controllerManagerRunning(), "kube-controller-manager did not survive the apiserver restart");
  });

  test("apiserverRequestCount counts exactly our configmap creates", async () => {
    const ns = await freshNamespace("count");
    const filter = { verbs: ["POST"], resource: "configmaps", group: "" };
    const before = await apiserverRequestCount(filter);
    const n = 3;
    for (let i = 0; i < n; i++) {
      await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `cm-${i}` } } });
    }
    assert.equal(await apiserverRequestCount(filter), before + n);
  });

  describe("kube-controller-manager", () => {
    let ns: string;
    /** Creates ConfigMap `owner` and ConfigMap `dependent` owned by it (blocking the owner's foreground deletion). */
    const ownerAndDependent = async (owner: string, dependent: string, finalizers?: string[]): Promise<void> => {
      const created = await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: owner } } });
      const ref = { apiVersion: "v1", kind: "ConfigMap", name: owner, uid: created.metadata!.uid!, blockOwnerDeletion: true };
      await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: dependent, ownerReferences: [ref], finalizers } } });
    };
    const readConfigMap = (name: string) => () => core().readNamespacedConfigMap({ namespace: ns, name });

    before(async () => {
      ns = await freshNamespace("gc");
    });

    test("runs with the recorded command line", () => {
      assert.ok(controllerManagerRunning(), `no kube-controller-manager at pid ${loadBench().controllerManagerPid}`);
    });

    test("background cascade: the garbage collector deletes the dependent after its owner", async () => {
      await ownerAndDependent("bg-owner", "bg-dependent");
      await core().deleteNamespacedConfigMap({ namespace: ns, name: "bg-owner", propagationPolicy: "Background" });
      await waitForGone("the background dependent", readConfigMap("bg-dependent"), CASCADE_TIMEOUT_MS);
    });

    test("foreground cascade: the garbage collector deletes the dependent first and the owner only once it is gone", async () => {
      // A finalizer of the test's own holds the dependent in deletion, so the owner's wait is observable.
      await ownerAndDependent("fg-owner", "fg-dependent", ["secrets-bridge.dev/test-hold"]);
      await core().deleteNamespacedConfigMap({ namespace: ns, name: "fg-owner", propagationPolicy: "Foreground" });
      await waitFor("the garbage collector to delete the dependent", async () =>
        ((await readConfigMap("fg-dependent")()).metadata?.deletionTimestamp ? true : undefined), CASCADE_TIMEOUT_MS);
      const owner: V1ConfigMap = await readConfigMap("fg-owner")();
      assert.ok(owner.metadata?.deletionTimestamp, "the owner is not being deleted");
      assert.deepEqual(owner.metadata?.finalizers, ["foregroundDeletion"]);

      await core().patchNamespacedConfigMap({ namespace: ns, name: "fg-dependent", body: { metadata: { finalizers: null } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
      await waitForGone("the foreground owner", readConfigMap("fg-owner"), CASCADE_TIMEOUT_MS);
      await assert.rejects(readConfigMap("fg-dependent")(), (err: { code?: number }) => err.code === 404, "the dependent outlived its foreground owner");
    });

    test("orphan: the owner goes, the dependent stays without its ownerReference", async () => {
      await ownerAndDependent("or-owner", "or-dependent");
      await core().deleteNamespacedConfigMap({ namespace: ns, name: "or-owner", propagationPolicy: "Orphan" });
      // The owner's orphan finalizer is removed by the garbage collector once it has orphaned the dependent.
      await waitForGone("the orphaning owner", readConfigMap("or-owner"), CASCADE_TIMEOUT_MS);
      const dependent = await readConfigMap("or-dependent")();
      assert.equal(dependent.metadata?.ownerReferences, undefined);
    });

    test("a deleted namespace and its contents really go away", async () => {
      const doomed = await freshNamespace("ns-delete");
      await core().createNamespacedConfigMap({ namespace: doomed, body: { metadata: { name: "inside" } } });
      await core().deleteNamespace({ name: doomed });
      await waitForGone(`namespace ${doomed}`, () => core().readNamespace({ name: doomed }), CASCADE_TIMEOUT_MS);
      assert.deepEqual((await core().listNamespacedConfigMap({ namespace: doomed })).items, []);
    });
  });
});
