// ClusterExternalSecret on the real apiserver + controller-manager: fan-out by selectors (and the deprecated
// fields), relabelling in and out, ESO-made children adopted without a write, foreign ExternalSecrets left alone,
// renames, force-sync, roll-up of the children's Ready, zero writes at rest, cascade through the real garbage
// collector, ESO's leftover finalizers, and one provider call per distinct key however many namespaces.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { apiserverRequestCount, freshNamespace } from "../helpers/bench.ts";
import { decoded, ensureCrds, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { planted } from "../helpers/planted.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";
import type { ClusterExternalSecret } from "../../src/api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { makeMetrics } from "../../src/metrics.ts";

const GROUP = "external-secrets.io";
const VERSION = "v1";
const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
const ESO_CES_FINALIZER = "externalsecrets.external-secrets.io/clusterexternalsecret-cleanup";

describe("ClusterExternalSecret", () => {
  const k = kube();
  const run = Math.random().toString(36).slice(2, 8);
  const storeName = `ces-fake-${run}`;
  const KEYS = ["alpha", "beta", "gamma", "delta"];
  const values = Object.fromEntries(KEYS.map((key) => [key, planted()]));
  const namespaces: string[] = [];
  const WIDE = 12;
  let op: TestOperator;
  let metrics = makeMetrics();
  /** ClusterExternalSecret reconciles finished so far (the controller's duration histogram counts them). */
  const cesReconciles = async () => {
    const metric = await metrics.reconcileDuration.get();
    return metric.values.filter((v) => v.metricName?.endsWith("_count") && v.labels["controller"] === "clusterexternalsecret").reduce((sum, v) => sum + v.value, 0);
  };

  const cesApi = {
    create: (name: string, spec: unknown, metadata: Record<string, unknown> = {}) => k.create("ClusterExternalSecret", undefined, name, spec, metadata) as Promise<ClusterExternalSecret>,
    get: (name: string) => k.ces(name),
    patch: (name: string, body: unknown) => k.patch("ClusterExternalSecret", undefined, name, body),
    delete: (name: string) => k.delete("ClusterExternalSecret", undefined, name),
  };
  const esOrUndefined = async (namespace: string, name: string): Promise<ExternalSecret | undefined> => {
    try {
      return await k.es(namespace, name);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
  const cesOrUndefined = async (name: string) => {
    try {
      return await cesApi.get(name);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
  const label = (namespace: string, labels: Record<string, string | null>) => k.core.patchNamespace({ name: namespace, body: { metadata: { labels } } }, mergePatch);
  const esSpec = (keys = KEYS, extra: Record<string, unknown> = {}) => ({
    refreshInterval: "1h",
    secretStoreRef: { name: storeName, kind: "ClusterSecretStore" },
    data: keys.map((key) => ({ secretKey: key, remoteRef: { key } })),
    ...extra,
  });
  const cesReady = (name: string, status = "True", reason?: string) =>
    waitFor(`ClusterExternalSecret ${name} Ready=${status}${reason ? ` ${reason}` : ""}`, async () => {
      const ces = await cesApi.get(name);
      const condition = ready(ces);
      return condition?.status === status && (reason === undefined || condition.reason === reason) ? ces : undefined;
    });
  const childReady = (namespace: string, name: string) => waitFor(`${namespace}/${name} Ready`, async () => ((await esOrUndefined(namespace, name)) && ready((await k.es(namespace, name)))?.status === "True" ? k.es(namespace, name) : undefined));
  const gone = (what: string, probe: () => Promise<unknown>) => waitFor(`${what} deleted`, async () => ((await probe()) === undefined ? true : undefined));

  before(async () => {
    await ensureCrds();
    for (let i = 0; i < WIDE; i++) namespaces.push(await freshNamespace(`ces-${i}`));
    await k.create("ClusterSecretStore", undefined, storeName, { provider: { fake: { data: KEYS.map((key) => ({ key, value: values[key] })) } } });
    // Scoped to this file's namespaces (with the controller asked for explicitly): leftovers of other files stay out.
    op = await startTestOperator(namespaces.join(","), { clusterExternalSecrets: true, metrics });
  });
  after(async () => {
    await op?.stop();
  });

  it("stamps an ExternalSecret into each selected namespace, labelled as ESO does, and the Secrets follow", async () => {
    const [a, b, c] = namespaces as [string, string, string];
    await label(a, { [`team-${run}`]: "one" });
    await label(b, { [`env-${run}`]: "prod" });
    await cesApi.create(`fan-${run}`, {
      externalSecretSpec: esSpec(["alpha"]),
      externalSecretName: "shared-creds",
      externalSecretMetadata: { labels: { stamped: "yes" }, annotations: { note: "from-ces" } },
      namespaceSelectors: [{ matchLabels: { [`team-${run}`]: "one" } }, { matchExpressions: [{ key: `env-${run}`, operator: "In", values: ["prod"] }] }],
      refreshTime: "1m",
    });
    const ces = await cesReady(`fan-${run}`);
    assert.deepEqual(ces.status?.provisionedNamespaces, [a, b].sort());
    assert.equal(ces.status?.externalSecretName, "shared-creds");
    assert.equal(ces.status?.failedNamespaces, undefined);
    for (const ns of [a, b]) {
      const child = await childReady(ns, "shared-creds");
      assert.deepEqual(child.metadata.labels, { stamped: "yes" });
      assert.deepEqual(child.metadata.annotations, { note: "from-ces" });
      const owner = child.metadata.ownerReferences?.[0];
      assert.deepEqual([owner?.kind, owner?.name, owner?.uid, owner?.controller, owner?.blockOwnerDeletion], ["ClusterExternalSecret", `fan-${run}`, ces.metadata.uid, true, true]);
      assert.deepEqual(decoded(await k.secret(ns, "shared-creds")), { alpha: values["alpha"] });
    }
    assert.equal(await esOrUndefined(c, "shared-creds"), undefined, "an unselected namespace gets nothing");
  });

  it("honours the deprecated namespaceSelector and namespaces fields", async () => {
    const [, , c, d, e] = namespaces as [string, string, string, string, string];
    await label(c, { [`legacy-${run}`]: "x" });
    await cesApi.create(`legacy-${run}`, { externalSecretSpec: esSpec(["beta"]), namespaceSelector: { matchLabels: { [`legacy-${run}`]: "x" } }, namespaces: [d] });
    const ces = await cesReady(`legacy-${run}`);
    assert.deepEqual(ces.status?.provisionedNamespaces, [c, d].sort());
    await childReady(c, `legacy-${run}`);
    await childReady(d, `legacy-${run}`);
    assert.equal(await esOrUndefined(e, `legacy-${run}`), undefined);
  });

  it("follows a namespace relabelled in and out, at once (watch), and the Secret goes with the child through the garbage collector", async () => {
    const e = namespaces[4]!;
    await label(e, { [`team-${run}`]: "one" });
    await childReady(e, "shared-creds");
    await waitFor("provisioned list updated", async () => ((await cesApi.get(`fan-${run}`)).status?.provisionedNamespaces?.includes(e) ? true : undefined));
    assert.ok(await k.secret(e, "shared-creds"));
    await label(e, { [`team-${run}`]: null });
    await gone(`${e}/shared-creds ExternalSecret`, () => esOrUndefined(e, "shared-creds"));
    await gone(`${e}/shared-creds Secret`, () => k.secret(e, "shared-creds"));
    await waitFor("provisioned list shrunk", async () => ((await cesApi.get(`fan-${run}`)).status?.provisionedNamespaces?.includes(e) ? undefined : true));
  });

  it("never touches an ExternalSecret of that name it does not own, and reports the namespace", async () => {
    const f = namespaces[5]!;
    await k.create("ExternalSecret", f, "shared-creds", esSpec(["gamma"]), { labels: { mine: "yes" } });
    const foreignBefore = await k.es(f, "shared-creds");
    await label(f, { [`team-${run}`]: "one" });
    const ces = await cesReady(`fan-${run}`, "False", "NamespacesFailed");
    assert.deepEqual(ces.status?.failedNamespaces, [{ namespace: f, reason: "external secret already exists in namespace" }]);
    assert.equal(ready(ces)?.message, "one or more namespaces failed");
    const foreignAfter = await k.es(f, "shared-creds");
    assert.equal(foreignAfter.metadata.resourceVersion === foreignBefore.metadata.resourceVersion || foreignAfter.metadata.generation === foreignBefore.metadata.generation, true);
    assert.deepEqual(foreignAfter.metadata.labels, { mine: "yes" });
    assert.equal(foreignAfter.metadata.ownerReferences, undefined);
    // The Event follows the status write: wait for it rather than race it.
    await waitFor("the NamespacesFailed Event", async () => (new RegExp(`Warning NamespacesFailed one or more namespaces failed: ${f}`).test(await k.events("default")) ? true : undefined));
    // Out of the selection again: the failure clears and the foreign object still stands.
    await label(f, { [`team-${run}`]: null });
    await cesReady(`fan-${run}`, "True");
    assert.ok(await esOrUndefined(f, "shared-creds"));
  });

  it("copies force-sync to the children, which sync again", async () => {
    const [a] = namespaces as [string];
    const before = fakeCallCount({ store: `ClusterSecretStore/${storeName}`, key: "alpha" });
    await cesApi.patch(`fan-${run}`, { metadata: { annotations: { "external-secrets.io/force-sync": `${Date.now()}` } } });
    await waitFor("force-sync on the child", async () => ((await k.es(a, "shared-creds")).metadata.annotations?.["external-secrets.io/force-sync"] ? true : undefined));
    await waitFor("a new provider read", async () => (fakeCallCount({ store: `ClusterSecretStore/${storeName}`, key: "alpha" }) > before ? true : undefined));
  });

  it("rolls the children's Ready=False up into its own status, naming the namespaces", async () => {
    const [, , , , , , g, h] = namespaces as string[];
    await label(g!, { [`broken-${run}`]: "1" });
    await label(h!, { [`broken-${run}`]: "1" });
    // A namespaced SecretStore that exists in g only: h's child cannot sync.
    await k.create("SecretStore", g!, "local", { provider: { fake: { data: [{ key: "k", value: "v" }] } } });
    await cesApi.create(`rollup-${run}`, {
      externalSecretSpec: { secretStoreRef: { name: "local" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] },
      namespaceSelectors: [{ matchLabels: { [`broken-${run}`]: "1" } }],
    });
    const ces = await cesReady(`rollup-${run}`, "False", "ExternalSecretsNotReady");
    assert.match(ready(ces)?.message ?? "", new RegExp(`is not ready in 1 of 2 namespaces: ${h}$`));
    assert.deepEqual(ces.status?.provisionedNamespaces, [g, h].sort());
    // Fixed in h: the roll-up turns True by itself.
    await k.create("SecretStore", h!, "local", { provider: { fake: { data: [{ key: "k", value: "v" }] } } });
    await cesReady(`rollup-${run}`, "True", "Provisioned");
  });

  it("renaming externalSecretName replaces the children", async () => {
    const [c, d] = [namespaces[2]!, namespaces[3]!];
    await cesApi.patch(`legacy-${run}`, { spec: { externalSecretName: "renamed" } });
    for (const ns of [c, d]) {
      await childReady(ns, "renamed");
      await gone(`${ns}/legacy-${run}`, () => esOrUndefined(ns, `legacy-${run}`));
    }
    assert.equal((await cesReady(`legacy-${run}`)).status?.externalSecretName, "renamed");
  });

  it("writes nothing at rest: no ExternalSecret, status or Secret write while nothing changes", async () => {
    // A short refreshTime makes it re-evaluate every namespace several times in the window.
    await cesApi.patch(`fan-${run}`, { spec: { refreshTime: "1s" } });
    await sleep(2500);
    const writes = () =>
      Promise.all([
        apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "DELETE", "APPLY"], resource: "externalsecrets", group: GROUP }),
        apiserverRequestCount({ verbs: ["POST", "PUT", "PATCH", "DELETE", "APPLY"], resource: "clusterexternalsecrets", group: GROUP }),
      ]);
    const [esBefore, cesBefore] = await writes();
    const reconcilesBefore = await cesReconciles();
    await sleep(5000);
    const [esAfter, cesAfter] = await writes();
    assert.equal(esAfter - esBefore, 0, "ExternalSecret writes at rest");
    assert.equal(cesAfter - cesBefore, 0, "ClusterExternalSecret writes at rest");
    assert.ok((await cesReconciles()) - reconcilesBefore >= 3, "the window saw several full re-evaluations");
  });

  it("one provider call per distinct key for the whole fan-out, however many namespaces", async () => {
    for (const ns of namespaces) await label(ns, { [`wide-${run}`]: "yes" });
    // A store of its own: reads the earlier tests made of the same keys must not serve this fan-out from cache.
    const wideStore = `ces-wide-${run}`;
    await k.create("ClusterSecretStore", undefined, wideStore, { provider: { fake: { data: KEYS.map((key) => ({ key, value: values[key] })) } } });
    const storeLabel = `ClusterSecretStore/${wideStore}`;
    const before = Object.fromEntries(KEYS.map((key) => [key, fakeCallCount({ store: storeLabel, key })]));
    const spec = { ...esSpec(KEYS, { target: { name: `wide-${run}` } }), secretStoreRef: { name: wideStore, kind: "ClusterSecretStore" } };
    await cesApi.create(`wide-${run}`, { externalSecretSpec: spec, namespaceSelectors: [{ matchLabels: { [`wide-${run}`]: "yes" } }] });
    await cesReady(`wide-${run}`);
    for (const ns of namespaces) await childReady(ns, `wide-${run}`);
    for (const key of KEYS) assert.equal(fakeCallCount({ store: storeLabel, key }) - before[key]!, 1, `${key} read once for ${WIDE} namespaces`);
    for (const ns of namespaces) assert.deepEqual(decoded(await k.secret(ns, `wide-${run}`)), values);
  });

  it("rejects an invalid externalSecretSpec at admission (CEL, as ESO's webhook refuses the child)", async () => {
    await assert.rejects(cesApi.create(`invalid-${run}`, { externalSecretSpec: { secretStoreRef: { name: "x" } }, namespaces: [namespaces[0]] }), (err: { code?: number; body?: string }) => {
      assert.equal(err.code, 422);
      assert.match(String(err.body), /either data or dataFrom must be set/);
      return true;
    });
  });

  it("adopts children ESO made without writing them, and does ESO's cleanup when ESO's finalizer holds a deleted ClusterExternalSecret", async () => {
    const [i, j] = [namespaces[8]!, namespaces[9]!];
    const name = `eso-made-${run}`;
    const spec = esSpec(["delta"]);
    // The swap: ESO made these while our operator was not running.
    await op.stop();
    // As ESO 2.x leaves things: a finalizer on the ClusterExternalSecret and on each namespace, children it wrote.
    const ces = await cesApi.create(name, { externalSecretSpec: spec, namespaces: [i, j] }, { finalizers: [ESO_CES_FINALIZER] });
    const nsFinalizer = `externalsecrets.external-secrets.io/ces-${name}`;
    for (const ns of [i, j]) {
      await k.core.patchNamespace({ name: ns, body: { metadata: { finalizers: [nsFinalizer] } } }, mergePatch);
      await k.create("ExternalSecret", ns, name, spec, {
        ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: "ClusterExternalSecret", name, uid: ces.metadata.uid, controller: true, blockOwnerDeletion: true }],
      });
    }
    metrics = makeMetrics();
    op = await startTestOperator(namespaces.join(","), { clusterExternalSecrets: true, metrics });
    await cesReady(name);
    for (const ns of [i, j]) await childReady(ns, name);
    const after = await Promise.all([i, j].map(async (ns) => (await k.es(ns, name)).metadata.generation));
    assert.deepEqual(after, [1, 1], "adopted children were not rewritten (generation 1)");
    // The namespaces still covered keep ESO's finalizer (no write at rest) ...
    assert.deepEqual((await k.core.readNamespace({ name: i })).metadata?.finalizers, [nsFinalizer]);
    // ... and deleting the ClusterExternalSecret releases everything ESO's finalizers held.
    await cesApi.delete(name);
    await gone(`ClusterExternalSecret ${name}`, () => cesOrUndefined(name));
    for (const ns of [i, j]) {
      await gone(`${ns}/${name}`, () => esOrUndefined(ns, name));
      await gone(`${ns}/${name} Secret`, () => k.secret(ns, name));
      await waitFor(`${ns} released`, async () => ((await k.core.readNamespace({ name: ns })).metadata?.finalizers?.includes(nsFinalizer) ? undefined : true));
    }
  });

  it("releases ESO's finalizer of a namespace being deleted, so the deletion completes", async () => {
    const z = namespaces[10]!;
    const name = `eso-ns-${run}`;
    await cesApi.create(name, { externalSecretSpec: esSpec(["alpha"]), namespaces: [z] });
    await childReady(z, name);
    await k.core.patchNamespace({ name: z, body: [{ op: "add", path: "/metadata/finalizers", value: [`externalsecrets.external-secrets.io/ces-${name}`] }] }, jsonPatch);
    await k.core.deleteNamespace({ name: z });
    await gone(`namespace ${z}`, async () => {
      try {
        return await k.core.readNamespace({ name: z });
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    });
    await waitFor("namespace dropped from the status", async () => ((await cesApi.get(name)).status?.provisionedNamespaces ?? []).includes(z) ? undefined : true);
  });

  it("deleting a ClusterExternalSecret removes its children and their Secrets through the garbage collector", async () => {
    const [a, b] = namespaces as [string, string];
    await cesApi.delete(`fan-${run}`);
    for (const ns of [a, b]) {
      await gone(`${ns}/shared-creds`, () => esOrUndefined(ns, "shared-creds"));
      await gone(`${ns}/shared-creds Secret`, () => k.secret(ns, "shared-creds"));
    }
  });

  it("never logs a value", () => {
    const logs = op.logs();
    for (const value of Object.values(values)) assert.ok(!logs.includes(value));
  });
});
