// Checks the bench itself: the apiserver answers, namespaces can be created, a restart keeps the
// data, and the request counter the controller tests rely on counts exactly.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { CoreV1Api, VersionApi } from "@kubernetes/client-node";
import { KUBE_VERSION } from "../bench/binaries.ts";
import { apiserverRequestCount, freshNamespace, kubeConfig, loadBench, restartApiserverFromTest } from "../helpers/bench.ts";

const core = (): CoreV1Api => kubeConfig().makeApiClient(CoreV1Api);

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

    await restartApiserverFromTest();

    const after = loadBench().apiserverPid;
    assert.notEqual(after, before);
    const cm = await core().readNamespacedConfigMap({ namespace: ns, name: "kept" });
    assert.equal(cm.data?.["value"], value);
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
});
