// The generic machinery against the real apiserver: the resilient informer's events, a delete that happens
// while it is disconnected, and the Lease written by leader election.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CoordinationV1Api, CoreV1Api, type V1ConfigMap } from "@kubernetes/client-node";
import { ResilientInformer } from "../../src/controller/informer.ts";
import { ExponentialBackoff } from "../../src/controller/backoff.ts";
import { LeaderElector } from "../../src/controller/leader-election.ts";
import { freshNamespace, kubeConfig, restartApiserverFromTest, operatorKubeConfig } from "../helpers/bench.ts";
import { waitFor } from "../helpers/operator.ts";

describe("ResilientInformer on the real apiserver", () => {
  let ns: string;
  let informer: ResilientInformer<V1ConfigMap>;
  let listFails = false;
  const seen: string[] = [];

  before(async () => {
    ns = await freshNamespace("informer");
    const core = kubeConfig().makeApiClient(CoreV1Api);
    informer = new ResilientInformer<V1ConfigMap>({
      name: "configmaps",
      kc: operatorKubeConfig(),
      path: `/api/v1/namespaces/${ns}/configmaps`,
      list: async () => {
        if (listFails) throw new Error("list refused by the test");
        return core.listNamespacedConfigMap({ namespace: ns });
      },
      backoff: new ExponentialBackoff({ baseMs: 200, maxMs: 1000 }),
    });
    informer.onAdd((cm) => seen.push(`add ${cm.metadata?.name}`));
    informer.onUpdate((cm, old) => seen.push(`update ${cm.metadata?.name} ${old?.data?.v}->${cm.data?.v}`));
    informer.onDelete((cm) => seen.push(`delete ${cm.metadata?.name}`));
    informer.onRestart(() => seen.push("restart"));
    await informer.start();
  });
  after(async () => {
    await informer?.stop();
  });

  it("delivers add, update (with the old object) and delete", async () => {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" }, data: { v: "1" } } });
    await core.replaceNamespacedConfigMap({ name: "a", namespace: ns, body: { metadata: { name: "a" }, data: { v: "2" } } });
    await core.deleteNamespacedConfigMap({ name: "a", namespace: ns });
    await waitFor("three events", async () => (seen.length >= 3 ? true : undefined));
    assert.deepEqual(seen.slice(0, 3), ["add a", "update a 1->2", "delete a"]);
    assert.ok(informer.hasSynced());
  });

  it("after the apiserver restarts, a delete made while it could not relist arrives as a delete, then restart", async () => {
    seen.length = 0;
    const core = () => kubeConfig().makeApiClient(CoreV1Api);
    await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "doomed" }, data: { v: "x" } } });
    await waitFor("doomed seen", async () => (informer.get("doomed", ns) ? true : undefined));
    seen.length = 0;
    listFails = true;
    await restartApiserverFromTest();
    await core().deleteNamespacedConfigMap({ name: "doomed", namespace: ns });
    await waitFor("informer noticed the broken watch", async () => (informer.restarts() > 0 ? true : undefined), 60_000);
    listFails = false;
    await waitFor("delete delivered", async () => (seen.includes("restart") ? true : undefined), 60_000);
    assert.deepEqual(seen, ["delete doomed", "restart"]);
    assert.equal(informer.get("doomed", ns), undefined);
  });
});

describe("LeaderElector on the real apiserver", () => {
  it("writes a Lease with microsecond renewTime and clears the holder on release", async () => {
    const ns = await freshNamespace("lease");
    const kc = kubeConfig();
    const elector = new LeaderElector({ kc: operatorKubeConfig(), namespace: ns, name: "l", identity: "me", leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 300 });
    elector.run({ onStartedLeading: () => {}, onStoppedLeading: () => {} });
    await waitFor("leading", async () => (elector.isLeader() ? true : undefined));
    const api = kc.makeApiClient(CoordinationV1Api);
    const lease = await api.readNamespacedLease({ name: "l", namespace: ns });
    assert.equal(lease.spec?.holderIdentity, "me");
    // The apiserver wants MicroTime with 6 fraction digits (src/kube/http/micro-time.ts).
    assert.match(String(lease.spec?.renewTime), /\.\d{6}Z$/);
    await elector.release();
    await elector.stop();
    const released = await api.readNamespacedLease({ name: "l", namespace: ns });
    assert.ok(!released.spec?.holderIdentity, "holder cleared on release");
  });
});
