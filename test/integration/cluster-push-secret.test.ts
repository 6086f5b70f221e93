// ClusterPushSecret on the real apiserver + controller-manager, with the fake store (its write half counts every
// provider call): fan-out by ORed selectors with ESO's names, metadata and owner references, the children really
// pushing, relabelling in and out, a foreign PushSecret left alone and its namespace reported, an edited or deleted
// child put back, a rename, the children's Ready=False rolled up, children ESO made adopted without a write, zero
// writes at rest over several refreshTime cycles, and deletion cascading through the real garbage collector (and on
// to the provider with deletionPolicy Delete).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { apiserverRequestCount, CASCADE_TIMEOUT_MS, freshNamespace } from "../helpers/bench.ts";
import { kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";
import { pushedValues } from "../../providers/fake/push.ts";
import type { ClusterPushSecret } from "../../src/api/cluster-push-secret.ts";
import type { PushSecret } from "../../src/api/push-secret.ts";
import { FIELD_MANAGER } from "../../src/api/markers.ts";
import { makeMetrics } from "../../src/metrics.ts";

const GROUP = "external-secrets.io";
const VERSION = "v1alpha1";
const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const WRITES = ["POST", "PUT", "PATCH", "DELETE", "APPLY"];

describe("ClusterPushSecret", () => {
  const k = kube();
  const ps = pushApi();
  const run = Math.random().toString(36).slice(2, 8);
  const store = `cps-fake-${run}`;
  const storeLabel = `ClusterSecretStore/${store}`;
  const namespaces: string[] = [];
  /** One planted value per namespace, pushed to the remote key `cps-<namespace>`. */
  const values: Record<string, string> = {};
  let metrics = makeMetrics();
  let op: TestOperator;

  const cpsApi = {
    create: (name: string, spec: unknown) =>
      k.custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterpushsecrets", body: { apiVersion: `${GROUP}/${VERSION}`, kind: "ClusterPushSecret", metadata: { name }, spec } }) as Promise<ClusterPushSecret>,
    get: async (name: string): Promise<ClusterPushSecret | undefined> => {
      try {
        return (await k.custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterpushsecrets", name })) as ClusterPushSecret;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
    patch: (name: string, body: unknown) => k.custom.patchClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterpushsecrets", name, body }, mergePatch),
    delete: (name: string) => k.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterpushsecrets", name }),
  };
  const cpsReady = (name: string, status = "True", reason?: string) =>
    waitFor(`ClusterPushSecret ${name} Ready=${status}${reason ? ` ${reason}` : ""}`, async () => {
      const cps = await cpsApi.get(name);
      const condition = cps && ready(cps);
      return condition?.status === status && (reason === undefined || condition.reason === reason) ? cps : undefined;
    });
  const cpsStatus = (name: string, what: string, holds: (cps: ClusterPushSecret) => boolean) =>
    waitFor(`ClusterPushSecret ${name}: ${what}`, async () => {
      const cps = await cpsApi.get(name);
      return cps && holds(cps) ? cps : undefined;
    });
  const gone = (what: string, probe: () => Promise<unknown>, timeoutMs?: number) => waitFor(`${what} deleted`, async () => ((await probe()) === undefined ? true : undefined), timeoutMs);
  const label = (namespace: string, labels: Record<string, string | null>) => k.core.patchNamespace({ name: namespace, body: { metadata: { labels } } }, mergePatch);
  const pushes = (namespace?: string) => fakeCallCount({ store: storeLabel, operation: "PushSecret", ...(namespace ? { key: `cps-${namespace}` } : {}) });
  /** Whether the operator wrote the object itself (create or replace), not only its status. */
  const writtenByUs = (obj: { metadata: object }) =>
    ((obj.metadata as { managedFields?: Array<{ manager?: string; subresource?: string }> }).managedFields ?? []).some((entry) => entry.manager === FIELD_MANAGER && entry.subresource !== "status");
  const pushSpec = (extra: Record<string, unknown> = {}) => ({
    refreshInterval: "1h",
    secretStoreRefs: [{ name: store, kind: "ClusterSecretStore" }],
    selector: { secret: { name: "source" } },
    dataTo: [{ storeRef: { name: store, kind: "ClusterSecretStore" }, match: { regexp: "^cps-" } }],
    ...extra,
  });

  before(async () => {
    for (let i = 0; i < 8; i++) namespaces.push(await freshNamespace(`cps-${i}`));
    await k.create("ClusterSecretStore", undefined, store, { provider: { fake: { data: [] } } });
    // Each namespace's source Secret holds one key named after the namespace: each child pushes its own remote key.
    for (const ns of namespaces) {
      values[ns] = planted(ns);
      await ps.putSecret(ns, "source", { [`cps-${ns}`]: values[ns]! });
    }
    // Scoped to this file's namespaces, the controller asked for explicitly: leftovers of other files stay out.
    op = await startTestOperator(namespaces.join(","), { clusterPushSecrets: true, metrics });
  });
  after(async () => {
    await op?.stop();
  });

  it("makes a PushSecret in each selected namespace as ESO does, and each one pushes its namespace's Secret", async () => {
    const [a, b, c] = namespaces as [string, string, string];
    await label(a, { [`team-${run}`]: "one" });
    await label(b, { [`env-${run}`]: "prod" });
    await cpsApi.create(`fan-${run}`, {
      pushSecretSpec: pushSpec(),
      pushSecretName: "shared-push",
      pushSecretMetadata: { labels: { stamped: "yes" }, annotations: { note: "from-cps" } },
      namespaceSelectors: [{ matchLabels: { [`team-${run}`]: "one" } }, { matchExpressions: [{ key: `env-${run}`, operator: "In", values: ["prod"] }] }],
      refreshTime: "1m",
    });
    const cps = await cpsReady(`fan-${run}`);
    assert.deepEqual(cps.status?.provisionedNamespaces, [a, b].sort());
    assert.equal(cps.status?.pushSecretName, "shared-push");
    assert.equal(cps.status?.failedNamespaces, undefined);
    for (const ns of [a, b]) {
      const child = await ps.waitReady(ns, "shared-push", "True", "Synced");
      assert.deepEqual(child.metadata.labels, { stamped: "yes" });
      assert.deepEqual(child.metadata.annotations, { note: "from-cps" });
      const owner = child.metadata.ownerReferences?.[0];
      assert.deepEqual([owner?.apiVersion, owner?.kind, owner?.name, owner?.uid, owner?.controller, owner?.blockOwnerDeletion], [`${GROUP}/${VERSION}`, "ClusterPushSecret", `fan-${run}`, cps.metadata.uid, true, true]);
      assert.equal(writtenByUs(child), true, "made by the operator (the adoption test below relies on this mark)");
      assert.equal(pushes(ns), 1, `${ns} pushed once`);
      assert.equal(pushedValues(storeLabel).get(`cps-${ns}`), values[ns]);
    }
    assert.equal(await ps.get(c, "shared-push"), undefined, "an unselected namespace gets nothing");
    assert.equal(pushes(c), 0);
  });

  it("follows a namespace relabelled in and out at once (namespace watch)", async () => {
    const e = namespaces[4]!;
    await label(e, { [`team-${run}`]: "one" });
    await ps.waitReady(e, "shared-push", "True", "Synced");
    assert.equal(pushes(e), 1);
    await cpsStatus(`fan-${run}`, `${e} provisioned`, (cps) => cps.status?.provisionedNamespaces?.includes(e) === true);
    await label(e, { [`team-${run}`]: null });
    await gone(`${e}/shared-push`, () => ps.get(e, "shared-push"));
    await cpsStatus(`fan-${run}`, `${e} no longer provisioned`, (cps) => !cps.status?.provisionedNamespaces?.includes(e));
  });

  it("never touches a PushSecret of that name it does not own, and reports the namespace", async () => {
    const f = namespaces[5]!;
    await ps.create(f, "shared-push", pushSpec({ refreshInterval: "0" }), { labels: { mine: "yes" } });
    const foreignBefore = (await ps.get(f, "shared-push"))!;
    await label(f, { [`team-${run}`]: "one" });
    const cps = await cpsReady(`fan-${run}`, "False", "NamespacesFailed");
    assert.deepEqual(cps.status?.failedNamespaces, [{ namespace: f, reason: "push secret already exists in namespace" }]);
    assert.equal(ready(cps)?.message, "one or more namespaces failed");
    assert.ok(!cps.status?.provisionedNamespaces?.includes(f));
    const foreignAfter = (await ps.get(f, "shared-push"))!;
    assert.equal(foreignAfter.metadata.generation, foreignBefore.metadata.generation);
    assert.deepEqual(foreignAfter.metadata.labels, { mine: "yes" });
    assert.equal(foreignAfter.metadata.ownerReferences, undefined);
    await waitFor("the NamespacesFailed Event", async () => (new RegExp(`Warning NamespacesFailed one or more namespaces failed: ${f}`).test(await k.events("default")) ? true : undefined));
    // Out of the selection again: the failure clears and the foreign PushSecret still stands.
    await label(f, { [`team-${run}`]: null });
    await cpsReady(`fan-${run}`, "True");
    assert.ok(await ps.get(f, "shared-push"));
  });

  it("puts back a child someone edited, and re-creates one someone deleted", async () => {
    const a = namespaces[0]!;
    await ps.patch(a, "shared-push", { metadata: { labels: { stamped: "no", extra: "x" } }, spec: { refreshInterval: "5m" } });
    const restored = await waitFor("the edited child restored", async () => {
      const child = await ps.get(a, "shared-push");
      return child?.spec.refreshInterval === "1h" && child.metadata.labels?.["stamped"] === "yes" ? child : undefined;
    });
    assert.deepEqual(restored.metadata.labels, { stamped: "yes" });
    const uid = restored.metadata.uid;
    await ps.delete(a, "shared-push");
    const recreated = await waitFor("the deleted child re-created", async () => {
      const child = await ps.get(a, "shared-push");
      return child && child.metadata.uid !== uid ? child : undefined;
    });
    assert.equal(recreated.metadata.ownerReferences?.[0]?.name, `fan-${run}`);
    await ps.waitReady(a, "shared-push", "True", "Synced");
    assert.equal(pushes(a), 1, "the value was already there: nothing pushed again");
  });

  it("a source change in one namespace is pushed by that namespace's child only", async () => {
    const [a, b] = namespaces as [string, string];
    const before = { a: pushes(a), b: pushes(b) };
    values[a] = planted(`${a}-next`);
    await ps.putSecret(a, "source", { [`cps-${a}`]: values[a]! });
    await waitFor("the new value pushed", async () => (pushedValues(storeLabel).get(`cps-${a}`) === values[a] ? true : undefined));
    assert.equal(pushes(a) - before.a, 1);
    assert.equal(pushes(b) - before.b, 0);
  });

  it("rolls the children's Ready=False up into its own status", async () => {
    const [, , , , , , g, h] = namespaces as string[];
    await label(g!, { [`rollup-${run}`]: "1" });
    await label(h!, { [`rollup-${run}`]: "1" });
    // The source exists in g only: h's PushSecret cannot push.
    await ps.putSecret(g!, "only-in-g", { [`cps-rollup-${g}`]: planted("rollup") });
    await cpsApi.create(`rollup-${run}`, { pushSecretSpec: pushSpec({ selector: { secret: { name: "only-in-g" } } }), namespaceSelectors: [{ matchLabels: { [`rollup-${run}`]: "1" } }] });
    await ps.waitReady(h!, `rollup-${run}`, "False");
    const cps = await cpsStatus(`rollup-${run}`, "h's failure rolled up", (c) => ready(c)?.reason === "PushSecretsNotReady" && ready(c)?.message === `PushSecret rollup-${run} is not ready in 1 of 2 namespaces: ${h}`);
    assert.equal(ready(cps)?.status, "False");
    assert.deepEqual(cps.status?.provisionedNamespaces, [g, h].sort());
    await ps.putSecret(h!, "only-in-g", { [`cps-rollup-${h}`]: planted("rollup") });
    await cpsReady(`rollup-${run}`, "True", "Provisioned");
  });

  it("adopts PushSecrets ESO made without writing them", async () => {
    const c = namespaces[2]!;
    const name = `eso-made-${run}`;
    // The swap: ESO made these while our operator was not running.
    await op.stop();
    const cps = await cpsApi.create(name, { pushSecretSpec: pushSpec(), namespaceSelectors: [{ matchLabels: { "kubernetes.io/metadata.name": c } }] });
    await ps.create(c, name, pushSpec(), {
      ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: "ClusterPushSecret", name, uid: cps.metadata.uid, controller: true, blockOwnerDeletion: true }],
    });
    metrics = makeMetrics();
    op = await startTestOperator(namespaces.join(","), { clusterPushSecrets: true, metrics });
    await cpsReady(name);
    const child = await ps.waitReady(c, name, "True", "Synced");
    assert.equal(child.metadata.generation, 1, "the adopted child's spec was not rewritten");
    // Status writes (the PushSecret controller's) carry subresource "status"; a replace of the object would not.
    assert.equal(writtenByUs(child), false, "the adopted child was not written at all");
    assert.equal(pushedValues(storeLabel).get(`cps-${c}`), values[c]);
    await cpsApi.delete(name);
  });

  it("renaming pushSecretName replaces the children", async () => {
    const [a, b] = namespaces as [string, string];
    await cpsApi.patch(`fan-${run}`, { spec: { pushSecretName: "renamed-push" } });
    for (const ns of [a, b]) {
      await ps.waitReady(ns, "renamed-push", "True", "Synced");
      await gone(`${ns}/shared-push`, () => ps.get(ns, "shared-push"));
    }
    const cps = await cpsStatus(`fan-${run}`, "renamed in status", (c) => c.status?.pushSecretName === "renamed-push");
    assert.deepEqual(cps.status?.provisionedNamespaces, [a, b].sort());
  });

  it("writes nothing at rest: no PushSecret or ClusterPushSecret write, no push, over several refreshTime cycles", async () => {
    const [a, b] = namespaces as [string, string];
    await cpsApi.patch(`fan-${run}`, { spec: { refreshTime: "1s" } });
    await sleep(2500);
    const reconciles = async () => {
      const metric = await metrics.reconcileDuration.get();
      return metric.values.filter((v) => v.metricName?.endsWith("_count") && v.labels["controller"] === "clusterpushsecret").reduce((sum, v) => sum + v.value, 0);
    };
    const writes = () => Promise.all(["pushsecrets", "clusterpushsecrets"].map((resource) => apiserverRequestCount({ verbs: WRITES, resource, group: GROUP })));
    const versions = async () => [(await cpsApi.get(`fan-${run}`))?.metadata.resourceVersion, ...(await Promise.all([a, b].map(async (ns) => (await ps.get(ns, "renamed-push"))?.metadata.resourceVersion)))];
    const [psBefore, cpsBefore] = await writes();
    const versionsBefore = await versions();
    const pushesBefore = pushes();
    const reconcilesBefore = await reconciles();
    await sleep(5000);
    const [psAfter, cpsAfter] = await writes();
    assert.equal(psAfter! - psBefore!, 0, "PushSecret writes at rest");
    assert.equal(cpsAfter! - cpsBefore!, 0, "ClusterPushSecret writes at rest");
    assert.deepEqual(await versions(), versionsBefore, "resourceVersions unchanged");
    assert.equal(pushes(), pushesBefore, "provider writes at rest");
    assert.ok((await reconciles()) - reconcilesBefore >= 3, "the window saw several full re-evaluations");
    await cpsApi.patch(`fan-${run}`, { spec: { refreshTime: "1m" } });
  });

  it("deleting a ClusterPushSecret removes its PushSecrets through the garbage collector", async () => {
    const [a, b] = namespaces as [string, string];
    await cpsApi.delete(`fan-${run}`);
    for (const ns of [a, b]) await gone(`${ns}/renamed-push`, () => ps.get(ns, "renamed-push"), CASCADE_TIMEOUT_MS);
    // deletionPolicy None (the default): what was pushed stays in the provider.
    assert.equal(pushedValues(storeLabel).get(`cps-${a}`), values[a]);
  });

  it("deletionPolicy Delete: the garbage collector's deletion of a child reaches the provider through the PushSecret's finalizer", async () => {
    const d = namespaces[3]!;
    await label(d, { [`del-${run}`]: "1" });
    await cpsApi.create(`del-${run}`, { pushSecretSpec: pushSpec({ deletionPolicy: "Delete" }), namespaceSelectors: [{ matchLabels: { [`del-${run}`]: "1" } }] });
    await ps.waitReady(d, `del-${run}`, "True", "Synced");
    assert.equal(pushedValues(storeLabel).get(`cps-${d}`), values[d]);
    await cpsApi.delete(`del-${run}`);
    await gone(`${d}/del-${run}`, () => ps.get(d, `del-${run}`), CASCADE_TIMEOUT_MS);
    assert.equal(pushedValues(storeLabel).has(`cps-${d}`), false, "the pushed value was deleted");
    assert.equal(fakeCallCount({ store: storeLabel, operation: "DeleteSecret", key: `cps-${d}` }), 1);
  });

  it("never logs a value", () => {
    const logs = op.logs();
    for (const value of Object.values(values)) for (const form of leakForms(value)) assert.ok(!logs.includes(form));
  });
});
